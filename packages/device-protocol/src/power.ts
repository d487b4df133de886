/**
 * This machine's power draw in watts, from what its hardware reports: the GPUs' draw summed from
 * `nvidia-smi --query-gpu=power.draw` (found on PATH), plus the CPU packages' draw from RAPL
 * (`<powercap>/intel-rapl:N/energy_uj`, top-level packages only: their subzones are part of them), as the
 * energy counted between two readings over the time between them, across a `max_energy_range_uj` wrap.
 * The powercap root is `COMPUTEPLANE_POWERCAP_DIR` (default `/sys/class/powercap`). Null when neither can be
 * read (no GPU tool, `[N/A]`, RAPL absent or readable by root only); it never throws. The worker sends it in
 * its heartbeats and the server samples its built-in device with it. Hand-written: no maintained npm
 * library reads RAPL counters, and the nvidia-smi query is one command.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface PowerSamplerOptions {
  /** Environment: PATH (to find nvidia-smi) and COMPUTEPLANE_POWERCAP_DIR. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Monotonic milliseconds. Default: performance.now(). */
  now?: () => number;
  /** Waits between the two RAPL readings of the first sample. Default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds between the first sample's two RAPL readings (later samples use the previous one). */
  firstGapMs?: number;
}

type Rapl = { at: number; zones: Map<string, { energy: number; range: number }> };

const readNumber = async (path: string) => {
  const value = Number((await readFile(path, 'utf8')).trim());
  return Number.isFinite(value) && value >= 0 ? value : null;
};

/** The summed draw of `nvidia-smi --format=csv,noheader,nounits` lines; null when any GPU says N/A. */
export function parseNvidiaPower(stdout: string): number | null {
  const lines = stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines.length === 0 || !lines.every((line) => /^\d+(\.\d+)?$/.test(line))) return null;
  return lines.reduce((total, line) => total + Number(line), 0);
}

function nvidiaPower(env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolve) => {
    execFile(
      'nvidia-smi',
      ['--query-gpu=power.draw', '--format=csv,noheader,nounits'],
      { env, timeout: 3000 },
      (error, stdout) => resolve(error ? null : parseNvidiaPower(stdout)),
    );
  });
}

/** One reading of every readable top-level RAPL zone, or null when none is. */
async function readRapl(root: string, at: number): Promise<Rapl | null> {
  const names = await readdir(root).catch(() => [] as string[]);
  const zones = new Map<string, { energy: number; range: number }>();
  for (const name of names.filter((n) => /^intel-rapl:\d+$/.test(n))) {
    const energy = await readNumber(join(root, name, 'energy_uj')).catch(() => null);
    const range = await readNumber(join(root, name, 'max_energy_range_uj')).catch(() => null);
    if (energy !== null) zones.set(name, { energy, range: range ?? 0 });
  }
  return zones.size > 0 ? { at, zones } : null;
}

/** Watts between two readings: each zone's energy delta (a smaller reading wrapped at its range). */
function raplWatts(before: Rapl, after: Rapl): number | null {
  const seconds = (after.at - before.at) / 1000;
  if (seconds <= 0) return null;
  let microjoules = 0;
  let counted = 0;
  for (const [name, zone] of after.zones) {
    const prev = before.zones.get(name);
    if (!prev) continue;
    const delta = zone.energy >= prev.energy ? zone.energy - prev.energy : zone.range - prev.energy + zone.energy;
    if (delta < 0) continue;
    microjoules += delta;
    counted += 1;
  }
  return counted > 0 ? microjoules / 1e6 / seconds : null;
}

export function createPowerSampler(options: PowerSamplerOptions = {}) {
  const env = options.env ?? process.env;
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()));
  const firstGapMs = options.firstGapMs ?? 250;
  let previous: Rapl | null = null;
  // Read at each sample, like PATH, so a test can point a running sampler elsewhere.
  const root = () => env.COMPUTEPLANE_POWERCAP_DIR || '/sys/class/powercap';

  async function cpuPower(): Promise<number | null> {
    if (previous === null) {
      previous = await readRapl(root(), now());
      if (previous === null) return null;
      await sleep(firstGapMs);
    }
    const current = await readRapl(root(), now());
    const watts = current === null ? null : raplWatts(previous, current);
    previous = current;
    return watts;
  }

  return {
    /** Watts drawn now (GPUs + CPU packages, rounded to 0.1 W), or null when nothing reports it. */
    async sample(): Promise<number | null> {
      try {
        const [gpu, cpu] = await Promise.all([nvidiaPower(env), cpuPower()]);
        if (gpu === null && cpu === null) return null;
        return Math.round(((gpu ?? 0) + (cpu ?? 0)) * 10) / 10;
      } catch {
        return null;
      }
    },
  };
}

export type PowerSampler = ReturnType<typeof createPowerSampler>;
