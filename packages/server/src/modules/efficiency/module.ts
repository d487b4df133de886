/**
 * The efficiency module: training efficiency (time-to-accuracy, throughput, scaling, power) computed from
 * the checkpoints training jobs record (training_samples, through the task recorder), and the active runs.
 * It reads; the training and inference modules write.
 */
import type { Module } from '../../platform/module.js';
import type { Services } from '../../platform/services.js';
import { efficiencyRepository } from './efficiency-repository.js';
import { efficiencyUseCases } from './efficiency-use-cases.js';
import { efficiencyArea } from './http/efficiency.js';

export function createEfficiencyModule(platform: Services) {
  const useCases = efficiencyUseCases({
    repository: efficiencyRepository(platform.database.db),
    clock: platform.clock,
    flush: () => platform.tasks.flush(),
  });
  return { areas: [efficiencyArea(useCases)], useCases } satisfies Module & Record<string, unknown>;
}

export type EfficiencyModule = ReturnType<typeof createEfficiencyModule>;
