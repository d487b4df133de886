/** Vast.ai `extra_filters` against provider-layer offers: every operator, field mapping, and the unknown/null rules. */
import { describe, expect, it } from 'vitest';
import type { ProviderOffer } from '../../providers/provider.js';
import { matchesExtraFilters, parseExtraFilters } from './extra-filters.js';

const rtx4090: ProviderOffer = {
  provider: 'vastai',
  providerId: '1001',
  gpuType: 'RTX 4090',
  gpuCount: 1,
  vramGb: 24,
  pricePerHour: 0.45,
  location: 'US-West',
  reliability: 0.98,
  available: true,
  maxDurationHours: 0,
  cudaVersion: 12.8,
};
const cpu: ProviderOffer = {
  ...rtx4090,
  provider: 'local',
  providerId: 'local-cpu',
  gpuType: 'CPU (2 cores)',
  gpuCount: 0,
  vramGb: 16,
  cudaVersion: null,
};
const matches = (filters: unknown, offer = rtx4090) =>
  matchesExtraFilters(typeof filters === 'string' ? filters : JSON.stringify(filters), offer);

describe('extra_filters', () => {
  it('compares numbers with every ordering operator, taking numeric text too', () => {
    expect(matches({ cuda_max_good: { gte: 12.8 } })).toBe(true);
    expect(matches({ cuda_max_good: { gte: '12.9' } })).toBe(false);
    expect(matches({ cuda_vers: { gt: 12.8 } })).toBe(false);
    expect(matches({ cuda_vers: { gt: 12.7 } })).toBe(true);
    expect(matches({ num_gpus: { lt: 2 } })).toBe(true);
    expect(matches({ num_gpus: { lt: 1 } })).toBe(false);
    expect(matches({ num_gpus: { lte: 1 } })).toBe(true);
    expect(matches({ dph_total: { lte: 0.4 } })).toBe(false);
    expect(matches({ reliability2: { gte: 0.95 }, dph: { lt: 1 } })).toBe(true);
  });

  it('maps VRAM in MB to the GB, and a CPU offer has no GPU memory', () => {
    expect(matches({ gpu_ram: { gte: 24000 } })).toBe(true);
    expect(matches({ gpu_ram: { gte: 40000 } })).toBe(false);
    expect(matches({ gpu_total_ram: { gte: 24576 } })).toBe(true);
    expect(matches({ gpu_ram: { gt: 0 } }, cpu)).toBe(false);
  });

  it('matches text with eq, neq, in and notin ignoring case, underscores and spaces', () => {
    expect(matches({ gpu_name: { eq: 'RTX_4090' } })).toBe(true);
    expect(matches({ gpu_name: { eq: 'rtx 4080' } })).toBe(false);
    expect(matches({ gpu_name: { neq: 'RTX 4090' } })).toBe(false);
    expect(matches({ gpu_name: { neq: 'A100' } })).toBe(true);
    expect(matches({ gpu_name: { in: ['A100 SXM4', 'RTX_4090'] } })).toBe(true);
    expect(matches({ gpu_name: { in: ['A100 SXM4'] } })).toBe(false);
    expect(matches({ gpu_name: { notin: ['RTX 4090', 'RTX 3090'] } })).toBe(false);
    expect(matches({ geolocation: { notin: ['EU-Central'] } })).toBe(true);
    expect(matches({ gpu_name: 'RTX 4090' }), 'a bare value means eq').toBe(true);
    expect(matches({ num_gpus: { in: 1 } }), 'in with one value').toBe(true);
  });

  it('compares booleans and unlimited durations', () => {
    expect(matches({ rentable: { eq: true } })).toBe(true);
    expect(matches({ rentable: { eq: 'false' } })).toBe(false);
    expect(matches({ duration: { gte: 7 * 24 * 3600 } }), 'no end date').toBe(true);
    expect(matches({ duration: { gte: 7 * 24 * 3600 } }, { ...rtx4090, maxDurationHours: 24 })).toBe(false);
  });

  it('does not exclude on fields the offer layer lacks or unknown operators, but a missing value satisfies nothing', () => {
    expect(matches({ cpu_arch: { in: ['arm64', 'amd64'] }, inet_down: { gte: 500 } })).toBe(true);
    expect(matches({ cuda_max_good: { like: '12%' } })).toBe(true);
    expect(matches({ cuda_max_good: { gte: 11 } }, cpu)).toBe(false);
    expect(matches({ cuda_max_good: { neq: 11 } }, cpu)).toBe(false);
    expect(matches({ geolocation: { eq: 'US-West' } }, { ...rtx4090, location: null })).toBe(false);
  });

  it('treats values that cannot be compared as unmet, and malformed filters as compatible with nothing', () => {
    expect(matches({ num_gpus: { gte: 'many' } })).toBe(false);
    expect(matches({ num_gpus: { neq: { x: 1 } } })).toBe(false);
    expect(parseExtraFilters(null)).toEqual([]);
    expect(parseExtraFilters('  ')).toEqual([]);
    expect(matches('{}')).toBe(true);
    expect(parseExtraFilters('{"cuda_max_good": {"gte": 12, "lt": 13}}')).toEqual([
      { field: 'cuda_max_good', op: 'gte', value: 12 },
      { field: 'cuda_max_good', op: 'lt', value: 13 },
    ]);
    expect(parseExtraFilters('not json')).toBe('invalid');
    expect(parseExtraFilters('[1, 2]')).toBe('invalid');
    expect(matches('not json')).toBe(false);
    expect(matches('"text"')).toBe(false);
  });
});
