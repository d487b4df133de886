/**
 * `computeplane instances list|get|stats|rm` and the group itself; `run` (instances-run.ts), the lifecycle verbs
 * and `wait` (instances-lifecycle.ts) and `logs` (instances-logs.ts) register their commands here.
 */
import type { Command } from 'commander';
import {
  deleteInstance,
  getInstance,
  getInstanceStats,
  listInstances,
  type InstanceState,
} from '@computeplane/sdk/instances';
import { action } from '../core/context.js';
import { withExamples } from '../core/help.js';
import { formatBytes } from '../core/progress.js';
import { parseState, printInstance, stateText, STATES } from './instances-format.js';
import { registerInstanceLifecycle } from './instances-lifecycle.js';
import { registerInstanceLogs } from './instances-logs.js';
import { registerInstanceRun } from './instances-run.js';

export function registerInstances(program: Command): void {
  const instances = program
    .command('instances')
    .description('run workloads from OCI images, follow their logs and drive their lifecycle');

  registerInstanceRun(instances);

  withExamples(
    instances
      .command('list')
      .alias('ls')
      .description("list the tenant's instances, newest first")
      .option('--state <state>', `only instances in this state (${STATES.join(', ')})`, parseState)
      .action(
        action<[], { state?: InstanceState }>(async (ctx, flags) => {
          const query = flags.state ? { state: flags.state } : {};
          const list = await ctx.call(listInstances(ctx.client, { params: { query } }, { signal: ctx.signal }));
          ctx.out.result(list, () =>
            ctx.out.table(
              list,
              [
                { header: 'ID', value: (i) => i.id },
                { header: 'NAME', value: (i) => i.name },
                { header: 'IMAGE', value: (i) => i.image },
                { header: 'STATE', value: (i) => stateText(i) },
                { header: 'CREATED', value: (i) => i.created_at },
              ],
              { empty: 'No instances. Start one: computeplane instances run <image>' },
            ),
          );
        }),
      ),
    ['computeplane instances list', 'computeplane instances list --state Running --json'],
  );

  withExamples(
    instances
      .command('get')
      .description('show an instance: state, exit, image, env, network, volumes')
      .argument('<instance>', 'instance id or name')
      .action(
        action<[string], object>(async (ctx, id) => {
          const instance = await ctx.call(
            getInstance(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }),
          );
          ctx.out.result(instance, () => printInstance(ctx, instance));
        }),
      ),
    ['computeplane instances get my-workload-1', 'computeplane instances get tz4a98xxat96iws9zmbrgj3a --json'],
  );

  registerInstanceLifecycle(instances);
  registerInstanceLogs(instances);

  withExamples(
    instances
      .command('stats')
      .description("CPU, memory, processes and network of a running instance's workload")
      .argument('<instance>', 'instance id or name')
      .action(
        action<[string], object>(async (ctx, id) => {
          const stats = await ctx.call(
            getInstanceStats(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }),
          );
          ctx.out.result(stats, () =>
            ctx.out.fields([
              ['instance', stats.instance_id],
              ['cpu', `${stats.cpu_usage_seconds.toFixed(2)} s`],
              ['memory', `${formatBytes(stats.memory_usage_bytes)} of ${formatBytes(stats.memory_limit_bytes)}`],
              ['processes', stats.pids],
              ['network rx', `${formatBytes(stats.network.rx_bytes)} (${stats.network.rx_packets} packets)`],
              ['network tx', `${formatBytes(stats.network.tx_bytes)} (${stats.network.tx_packets} packets)`],
            ]),
          );
        }),
      ),
    ['computeplane instances stats my-workload-1'],
  );

  withExamples(
    instances
      .command('rm')
      .alias('delete')
      .description('delete an instance in any state: the workload ends, its volumes are detached')
      .argument('<instance>', 'instance id or name')
      .action(
        action<[string], object>(async (ctx, id) => {
          await ctx.call(deleteInstance(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }));
          // 204: nothing to print with --json, as the API sent nothing.
          ctx.out.done(`Deleted instance ${id}.`);
        }),
      ),
    ['computeplane instances rm my-workload-1'],
  );
}
