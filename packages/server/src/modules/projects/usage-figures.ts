/** Usage sums as the API shows them (openapi/usage.yaml `UsageFigures`), priced from the server's table. */
import type { UsageSettings } from '../../platform/settings.js';
import type { UsageSums } from './usage-repository.js';

const HOUR_MS = 3_600_000;
const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

export function usageFigures(sums: UsageSums[], prices: UsageSettings) {
  const on = (processor: 'cpu' | 'gpu') => sums.filter((s) => s.processor === processor);
  const total = (list: UsageSums[], pick: (s: UsageSums) => number) => list.reduce((sum, s) => sum + pick(s), 0);
  const cpuMs = total(on('cpu'), (s) => s.computeMs);
  const gpuMs = total(on('gpu'), (s) => s.computeMs);
  const completed = total(sums, (s) => s.okTasks);
  const failed = total(sums, (s) => s.failedTasks);
  const cpuCost = (cpuMs / HOUR_MS) * prices.cpuPricePerHour;
  const gpuCost = (gpuMs / HOUR_MS) * prices.gpuPricePerHour;
  return {
    tasks: completed + failed,
    completed_tasks: completed,
    failed_tasks: failed,
    cpu_tasks: total(on('cpu'), (s) => s.okTasks + s.failedTasks),
    gpu_tasks: total(on('gpu'), (s) => s.okTasks + s.failedTasks),
    cpu_ms: round(cpuMs, 3),
    gpu_ms: round(gpuMs, 3),
    cpu_hours: round(cpuMs / HOUR_MS, 6),
    gpu_hours: round(gpuMs / HOUR_MS, 6),
    bytes_in: total(sums, (s) => s.bytesIn),
    bytes_out: total(sums, (s) => s.bytesOut),
    estimated_cost: {
      currency: prices.currency,
      cpu_price_per_hour: prices.cpuPricePerHour,
      gpu_price_per_hour: prices.gpuPricePerHour,
      cpu: round(cpuCost, 9),
      gpu: round(gpuCost, 9),
      total: round(cpuCost + gpuCost, 9),
    },
  };
}
