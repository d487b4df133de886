/**
 * Whether a pod is active, from what was measured inside it: an open SSH session, a workload process, CPU
 * use or GPU utilisation above the thresholds. Nothing measured (no sample) counts as active: a pod is
 * never stopped as idle on missing telemetry.
 */
import type { ActivitySample } from '../../../providers/provider.js';

/** Percent of one core, and of the GPUs, above which the pod is working. */
export const CPU_ACTIVE_PERCENT = 5;
export const GPU_ACTIVE_PERCENT = 5;

export function isActive(sample: ActivitySample | null): boolean {
  if (!sample) return true;
  const figures = [sample.sshSessions, sample.processes, sample.cpuPercent, sample.gpuUtilization];
  if (figures.every((figure) => figure === null)) return true;
  return (
    (sample.sshSessions ?? 0) > 0 ||
    (sample.processes ?? 0) > 0 ||
    (sample.cpuPercent ?? 0) >= CPU_ACTIVE_PERCENT ||
    (sample.gpuUtilization ?? 0) >= GPU_ACTIVE_PERCENT
  );
}
