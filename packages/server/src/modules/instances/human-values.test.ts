/** Sizes, rates and durations as the seed writes them. */
import { describe, expect, it } from 'vitest';
import { parseDuration, parseRate, parseSize } from './human-values.js';

describe('human values', () => {
  it('reads sizes in powers of 1024 and refuses what is not one', () => {
    expect(parseSize('512MB')).toBe(512 * 1024 ** 2);
    expect(parseSize('1GB')).toBe(1024 ** 3);
    expect(parseSize('2G')).toBe(2 * 1024 ** 3);
    expect(parseSize('1GiB')).toBe(1024 ** 3);
    expect(parseSize('1.5K')).toBe(1536);
    expect(parseSize('4096')).toBe(4096);
    for (const bad of ['', 'MB', '1XB', '-1GB', '1 G B']) expect(parseSize(bad)).toBeNull();
  });
  it('reads byte rates and bit rates', () => {
    expect(parseRate('125MB/s')).toBe(125_000_000);
    expect(parseRate('1Gbps')).toBe(125_000_000);
    expect(parseRate('8Mbit/s')).toBe(1_000_000);
    expect(parseRate('1MiB/s')).toBe(1024 ** 2);
    for (const bad of ['fast', '0MB/s', '1GB']) expect(parseRate(bad)).toBeNull();
  });
  it('reads Go durations', () => {
    expect(parseDuration('60s')).toBe(60_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1h')).toBe(3_600_000);
    for (const bad of ['', '60', 's', '1d', '-1s', '1m 30s']) expect(parseDuration(bad)).toBeNull();
  });
});
