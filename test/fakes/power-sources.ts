/**
 * Fakes of the power sources the power sampler reads (packages/device-protocol/src/power.ts): an
 * `nvidia-smi` executable in a temporary directory meant for the front of PATH, printing the lines it is
 * given (or failing), and a powercap tree of RAPL zones whose `energy_uj` counters a test sets.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface FakeNvidiaSmi {
  /** PATH with the fake first. */
  path: string;
  /** What the next calls print: one line per GPU (e.g. `'71.30'`, `'[N/A]'`); null makes it exit 9. */
  answer(lines: string[] | null): Promise<void>;
  close(): Promise<void>;
}

export async function fakeNvidiaSmi(lines: string[] | null): Promise<FakeNvidiaSmi> {
  const dir = await mkdtemp(join(tmpdir(), 'fake-nvidia-smi-'));
  const answer = async (next: string[] | null) => {
    const body = next === null ? 'exit 9' : `printf '%s\\n' ${next.map((l) => `'${l}'`).join(' ')}`;
    // The query it must be asked, or it fails like the real one given an unknown field.
    const script = `#!/bin/sh\n[ "$1" = "--query-gpu=power.draw" ] || exit 2\n${body}\n`;
    await writeFile(join(dir, 'nvidia-smi'), script);
    await chmod(join(dir, 'nvidia-smi'), 0o755);
  };
  await answer(lines);
  return {
    path: [dir, process.env.PATH ?? ''].join(delimiter),
    answer,
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface FakePowercap {
  dir: string;
  /** Sets a zone's counter (creating `intel-rapl:<zone>` with its range when new). */
  set(zone: string, energyUj: number, maxRangeUj?: number): Promise<void>;
  close(): Promise<void>;
}

export async function fakePowercap(): Promise<FakePowercap> {
  const dir = await mkdtemp(join(tmpdir(), 'fake-powercap-'));
  return {
    dir,
    async set(zone, energyUj, maxRangeUj = 262_143_328_850) {
      const zoneDir = join(dir, `intel-rapl:${zone}`);
      await mkdir(zoneDir, { recursive: true });
      await writeFile(join(zoneDir, 'max_energy_range_uj'), `${maxRangeUj}\n`);
      await writeFile(join(zoneDir, 'energy_uj'), `${energyUj}\n`);
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
