/**
 * The built-in device: this server process's own ONNX Runtime engine, listed with the registered devices so
 * one machine always has a device. One per process (`local/<node>`); its metrics are the engine's counters
 * from the metrics registry (every tenant's requests: the engine is shared).
 */
import { availableParallelism, arch, platform, totalmem } from 'node:os';
import { listSupportedBackends } from 'onnxruntime-node';
import type { Registry } from 'prom-client';
import { averageLatency, type DeviceView } from './device-record.js';

async function sumOf(registry: Registry, name: string, suffix?: string): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((value) => (suffix ? (value as { metricName?: string }).metricName === `${name}${suffix}` : true))
    .reduce((total, value) => total + value.value, 0);
}

export function builtinDevice(options: { node: string; registry: Registry; startedAt: Date }) {
  const capabilities = {
    platform: platform(),
    arch: arch(),
    sdk_type: 'nodejs',
    sdk_version: process.versions.node,
    cpu_cores: availableParallelism(),
    memory_bytes: totalmem(),
    gpu: null,
    execution_providers: [
      ...new Set(
        listSupportedBackends()
          .filter((backend) => backend.bundled)
          .map((backend) => backend.name),
      ),
    ],
  };
  const id = `local/${options.node}`;
  return {
    id,
    async view(now: Date): Promise<DeviceView> {
      const completed = await sumOf(options.registry, 'inference_request_success_total');
      const failed = await sumOf(options.registry, 'inference_request_failure_total');
      const computeSeconds = await sumOf(options.registry, 'inference_compute_duration_seconds', '_sum');
      const executions = await sumOf(options.registry, 'inference_compute_duration_seconds', '_count');
      return {
        id,
        name: 'built-in engine',
        kind: 'builtin',
        status: 'idle',
        capabilities,
        metrics: {
          tasks_completed: completed,
          tasks_failed: failed,
          avg_latency_ms: averageLatency(executions, computeSeconds * 1000),
          running_tasks: 0,
        },
        last_heartbeat_at: now.toISOString(),
        registered_at: options.startedAt.toISOString(),
      };
    },
  };
}

export type BuiltinDevice = ReturnType<typeof builtinDevice>;
