/** `computeplane compute …`: the compute workspace (peers in compute/peers.ts, workers and jobs in compute/workers.ts). */
import type { Command } from 'commander';
import { registerPeers } from './compute/peers.js';
import { registerWorkers } from './compute/workers.js';

export function registerCompute(program: Command): void {
  const compute = program
    .command('compute')
    .description('the compute workspace: peers that run inference, workers provisioned as one job');
  registerPeers(compute);
  registerWorkers(compute);
}
