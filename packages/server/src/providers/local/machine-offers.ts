/**
 * Offers of the local provider come from the machine itself: one offer per GPU model that `nvidia-smi`
 * reports (count and memory as measured), or, on a machine without NVIDIA GPUs, a single CPU offer so the
 * embedded default still has something to run sessions on.
 */
import { execFile } from 'node:child_process';
import { cpus, hostname, totalmem } from 'node:os';
import { promisify } from 'node:util';
import type { ProviderOffer } from '../provider.js';

const run = promisify(execFile);

export interface GpuReading {
  name: string;
  memoryMiB: number;
  /** Highest CUDA version the driver supports (nvidia-smi's "CUDA Version"), when it says. */
  cudaVersion?: number | null;
}

/** The "CUDA Version: 12.4" of nvidia-smi's banner. */
export function parseCudaVersion(banner: string): number | null {
  const match = /CUDA Version:\s*(\d+\.\d+)/.exec(banner);
  return match ? Number(match[1]) : null;
}

export async function readGpus(): Promise<GpuReading[]> {
  try {
    const { stdout } = await run('nvidia-smi', ['--query-gpu=name,memory.total', '--format=csv,noheader,nounits'], {
      timeout: 5_000,
    });
    const banner = await run('nvidia-smi', [], { timeout: 5_000 }).then(
      ({ stdout: text }) => text,
      () => '',
    );
    return parseGpuQuery(stdout, banner);
  } catch {
    return [];
  }
}

/** nvidia-smi's `--query-gpu=name,memory.total --format=csv,noheader,nounits` lines, with the banner's CUDA version. */
export function parseGpuQuery(query: string, banner: string): GpuReading[] {
  const cudaVersion = parseCudaVersion(banner);
  return query
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name, memory] = line.split(',').map((part) => part.trim());
      return { name: name!, memoryMiB: Number(memory), cudaVersion };
    });
}

export function offersFor(gpus: GpuReading[], pricePerHour: number): ProviderOffer[] {
  const base = {
    provider: 'local' as const,
    pricePerHour,
    location: hostname(),
    reliability: 1,
    available: true,
    maxDurationHours: 0,
    cudaVersion: null,
  };
  if (gpus.length === 0) {
    return [
      {
        ...base,
        providerId: 'local-cpu',
        gpuType: `CPU (${cpus().length} cores)`,
        gpuCount: 0,
        vramGb: Math.round(totalmem() / 1024 ** 3),
      },
    ];
  }
  const byName = new Map<string, GpuReading[]>();
  for (const gpu of gpus) byName.set(gpu.name, [...(byName.get(gpu.name) ?? []), gpu]);
  return [...byName.entries()].map(([name, list]) => ({
    ...base,
    providerId: `local-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    gpuType: name.replace(/^NVIDIA\s+/, ''),
    gpuCount: list.length,
    vramGb: Math.round(list[0]!.memoryMiB / 1024),
    cudaVersion: list[0]!.cudaVersion ?? null,
  }));
}
