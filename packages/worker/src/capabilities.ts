/** What the device reports about itself in its hello: platform, runtime, CPU, memory, GPU, ONNX providers. */
import { execFile } from 'node:child_process';
import { arch, availableParallelism, platform, totalmem } from 'node:os';
import { promisify } from 'node:util';
import type { Capabilities } from '@computeplane/device-protocol';
import { listSupportedBackends } from 'onnxruntime-node';

/** The first line of `nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits` (MiB). */
export function parseNvidiaSmi(stdout: string): Capabilities['gpu'] {
  const [name, memoryMib] = (stdout.split('\n')[0] ?? '').split(',').map((part) => part.trim());
  if (!name || !memoryMib || !/^\d+$/.test(memoryMib)) return null;
  return { name: name.slice(0, 256), memory_bytes: Number(memoryMib) * 1024 * 1024 };
}

/** The first GPU `nvidia-smi` lists, or null when it is missing or does not answer within 3 s. */
async function gpu(): Promise<Capabilities['gpu']> {
  try {
    const { stdout } = await promisify(execFile)(
      'nvidia-smi',
      ['--query-gpu=name,memory.total', '--format=csv,noheader,nounits'],
      { timeout: 3000 },
    );
    return parseNvidiaSmi(stdout);
  } catch {
    return null;
  }
}

export async function detectCapabilities(maxTasks: number): Promise<Capabilities> {
  return {
    platform: platform(),
    arch: arch(),
    sdk_type: 'nodejs',
    sdk_version: process.versions.node,
    cpu_cores: availableParallelism(),
    memory_bytes: totalmem(),
    gpu: await gpu(),
    execution_providers: [
      ...new Set(
        listSupportedBackends()
          .filter((backend) => backend.bundled)
          .map((backend) => backend.name),
      ),
    ],
    max_tasks: maxTasks,
  };
}
