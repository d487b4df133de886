import { chmod } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  fakeNvidiaSmi,
  fakePowercap,
  type FakeNvidiaSmi,
  type FakePowercap,
} from '../../../test/fakes/power-sources.js';
import { createPowerSampler, parseNvidiaPower } from './power.js';

/** A sampler over the fakes on a test clock; `between` runs during the first sample's gap. */
function sampler(env: NodeJS.ProcessEnv, clock: { ms: number }, between: () => Promise<void> = async () => {}) {
  return createPowerSampler({
    env,
    now: () => clock.ms,
    firstGapMs: 500,
    sleep: async (ms) => {
      clock.ms += ms;
      await between();
    },
  });
}

const noGpu = { PATH: '/nonexistent' };
let cleanup: (FakeNvidiaSmi | FakePowercap)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.map((fake) => fake.close()));
  cleanup = [];
});

describe('parseNvidiaPower', () => {
  it('sums the GPUs and gives up on N/A or nothing', () => {
    expect(parseNvidiaPower('71.30\n250.05\n')).toBeCloseTo(321.35);
    expect(parseNvidiaPower('71.30\n[N/A]\n')).toBeNull();
    expect(parseNvidiaPower('')).toBeNull();
  });
});

describe('power sampler', () => {
  it('reads RAPL package counters twice: energy delta over time, subzones left out', async () => {
    const cap = await fakePowercap();
    cleanup.push(cap);
    await cap.set('0', 1_000_000);
    await cap.set('1', 5_000_000);
    await cap.set('0:0', 0); // a subzone of package 0: counted in it already
    const clock = { ms: 1000 };
    const power = sampler({ ...noGpu, COMPUTEPLANE_POWERCAP_DIR: cap.dir }, clock, async () => {
      await cap.set('0', 11_000_000); // 10 J in 0.5 s = 20 W
      await cap.set('1', 10_000_000); // 5 J in 0.5 s = 10 W
      await cap.set('0:0', 500_000_000);
    });
    expect(await power.sample()).toBe(30);
    // Later samples measure since the previous one: 2 s later, 40 J more on package 0, none on 1.
    clock.ms += 2000;
    await cap.set('0', 51_000_000);
    expect(await power.sample()).toBe(20);
  });

  it('counts across the wrap at max_energy_range_uj', async () => {
    const cap = await fakePowercap();
    cleanup.push(cap);
    await cap.set('0', 99_000_000, 100_000_000);
    const clock = { ms: 0 };
    // 1 J to the wrap, then 4 J after it: 5 J in 0.5 s.
    const power = sampler({ ...noGpu, COMPUTEPLANE_POWERCAP_DIR: cap.dir }, clock, () =>
      cap.set('0', 4_000_000, 100_000_000),
    );
    expect(await power.sample()).toBe(10);
  });

  it('adds the GPUs nvidia-smi reports on PATH', async () => {
    const cap = await fakePowercap();
    const smi = await fakeNvidiaSmi(['71.30', '250.05']);
    cleanup.push(cap, smi);
    await cap.set('0', 0);
    const clock = { ms: 0 };
    const power = sampler({ PATH: smi.path, COMPUTEPLANE_POWERCAP_DIR: cap.dir }, clock, () => cap.set('0', 5_000_000));
    expect(await power.sample()).toBe(331.4); // 321.35 W of GPUs + 10 W of CPU
    await smi.answer(['[N/A]']);
    clock.ms += 1000;
    await cap.set('0', 7_000_000);
    expect(await power.sample()).toBe(2); // the GPUs no longer report: the CPU package alone
  });

  it('is null, never an error, when nothing can be read', async () => {
    const smi = await fakeNvidiaSmi(null);
    cleanup.push(smi);
    const clock = { ms: 0 };
    expect(await sampler({ ...noGpu, COMPUTEPLANE_POWERCAP_DIR: '/nonexistent' }, clock).sample()).toBeNull();
    const failing = sampler({ PATH: smi.path, COMPUTEPLANE_POWERCAP_DIR: '/nonexistent' }, clock);
    expect(await failing.sample()).toBeNull();
    const cap = await fakePowercap();
    cleanup.push(cap);
    await cap.set('0', 0);
    await chmod(`${cap.dir}/intel-rapl:0/energy_uj`, 0o000); // root-only, as on recent kernels
    const unreadable = sampler({ ...noGpu, COMPUTEPLANE_POWERCAP_DIR: cap.dir }, clock);
    // (root reads it anyway: then it is a 0 W package, not unreadable)
    expect(await unreadable.sample()).toBe(process.getuid?.() === 0 ? 0 : null);
  });
});
