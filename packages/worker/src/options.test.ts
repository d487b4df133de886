import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';
import { parseNvidiaSmi } from './capabilities.js';
import { createLogRing } from './log-ring.js';
import { parseOptions } from './options.js';

describe('worker options', () => {
  it('reads flags, falls back to environment variables, and a flag wins', () => {
    const options = parseOptions(['--server', 'http://host:8080/', '--max-tasks', '4'], {
      COMPUTEPLANE_SERVER: 'http://other:1',
      COMPUTEPLANE_API_KEY: 'key',
      COMPUTEPLANE_CACHE_DIR: '/tmp/cache',
      COMPUTEPLANE_DEVICE_NAME: 'box',
    });
    expect(options).toEqual({
      server: 'http://host:8080',
      apiKey: 'key',
      name: 'box',
      maxTasks: 4,
      cacheDir: '/tmp/cache',
      reregister: false,
    });
  });

  it('re-registers on a refused token only when asked (flag or COMPUTEPLANE_REREGISTER)', () => {
    const base = ['--server', 'http://h', '--api-key', 'k'];
    expect(parseOptions(base, {}).reregister).toBe(false);
    expect(parseOptions([...base, '--reregister'], {}).reregister).toBe(true);
    expect(parseOptions(base, { COMPUTEPLANE_REREGISTER: 'true' }).reregister).toBe(true);
    expect(parseOptions(base, { COMPUTEPLANE_REREGISTER: 'no' }).reregister).toBe(false);
  });

  it('says what is missing or wrong', () => {
    expect(() => parseOptions([], {})).toThrow(/--server/);
    expect(() => parseOptions(['--server', 'http://h'], {})).toThrow(/--api-key/);
    expect(() => parseOptions(['--server', 'nope', '--api-key', 'k'], {})).toThrow(/URL/);
    expect(() => parseOptions(['--server', 'http://h', '--api-key', 'k', '--max-tasks', '0'], {})).toThrow(/1 to 64/);
    expect(() => parseOptions(['--server', 'http://h', '--api-key', 'k', '--bogus'], {})).toThrow(/bogus/);
  });
});

describe('reconnect backoff', () => {
  it('doubles up to the 30 s cap, with jitter in the upper half', () => {
    expect(backoffDelay(0, () => 0)).toBe(250);
    expect(backoffDelay(0, () => 1)).toBe(500);
    expect(backoffDelay(3, () => 1)).toBe(4000);
    expect(backoffDelay(20, () => 1)).toBe(30_000);
    expect(backoffDelay(20, () => 0)).toBe(15_000);
  });
});

describe('log ring', () => {
  it('keeps the last lines, filtered by level', () => {
    const log = createLogRing(3, () => undefined);
    log.info('a');
    log.warn('b');
    log.info('c');
    log.error('d');
    expect(log.tail(10, 'all').map((entry) => entry.message)).toEqual(['b', 'c', 'd']);
    expect(log.tail(1, 'all').map((entry) => entry.message)).toEqual(['d']);
    expect(log.tail(10, 'warn').map((entry) => entry.message)).toEqual(['b']);
  });
});

describe('nvidia-smi output', () => {
  it('reads the first GPU, and nothing from an answer it does not understand', () => {
    expect(parseNvidiaSmi('NVIDIA H100 80GB HBM3, 81559\nNVIDIA H100 80GB HBM3, 81559\n')).toEqual({
      name: 'NVIDIA H100 80GB HBM3',
      memory_bytes: 81559 * 1024 * 1024,
    });
    expect(parseNvidiaSmi('')).toBeNull();
    expect(parseNvidiaSmi('NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.')).toBeNull();
    expect(parseNvidiaSmi('Tesla T4, [N/A]')).toBeNull();
  });
});
