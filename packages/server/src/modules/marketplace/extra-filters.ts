/**
 * A template's `extra_filters` (Vast.ai's machine search syntax, `{field: {op: value}}` with ops eq, neq,
 * gt, gte, lt, lte, in, notin) evaluated against an offer of the provider layer. Field names are Vast.ai's
 * and map onto the offer fields every provider has:
 *
 * - `cuda_max_good`, `cuda_vers`: cudaVersion; `gpu_name`: gpuType; `num_gpus`: gpuCount;
 *   `gpu_ram` (MB): vramGb × 1024 (so to the GB), `gpu_total_ram` (MB): all GPUs together, both 0 for a CPU offer;
 *   `reliability`, `reliability2`: reliability; `dph_total`, `dph`: pricePerHour; `geolocation`: location;
 *   `rentable`: available; `duration` (seconds): maxDurationHours × 3600, unlimited when 0.
 *
 * Rules: a field the offer layer does not carry (`cpu_arch`, `inet_down`, ...) or an operator outside the
 * eight is not evaluated and does not exclude the offer (the provider still applies it when renting). A
 * carried field whose value the offer does not report (null, e.g. no CUDA version) satisfies no condition,
 * as `min_cuda` leaves such offers out. A bare value means `eq`; `in`/`notin` take a list (or one value).
 * Text compares ignoring case, with `_` and spaces alike ("RTX_4090" = "RTX 4090"); numbers may come as
 * numeric text ("12.6"); a value that cannot be compared with the field satisfies nothing. Filters that are not a
 * JSON object of conditions make the template compatible with nothing: we cannot tell what it needs.
 */
import type { ProviderOffer } from '../../providers/provider.js';

type Value = number | string | boolean | null;

const OPERATORS = new Set(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'notin']);

const cuda = (offer: ProviderOffer) => offer.cudaVersion;
const reliability = (offer: ProviderOffer) => offer.reliability;
const price = (offer: ProviderOffer) => offer.pricePerHour;

/** Vast.ai offer fields the provider layer can answer, by name. */
export const FILTER_FIELDS: Record<string, (offer: ProviderOffer) => Value> = {
  cuda_max_good: cuda,
  cuda_vers: cuda,
  gpu_name: (offer) => offer.gpuType,
  num_gpus: (offer) => offer.gpuCount,
  gpu_ram: (offer) => (offer.gpuCount === 0 ? 0 : offer.vramGb * 1024),
  gpu_total_ram: (offer) => offer.vramGb * offer.gpuCount * 1024,
  reliability,
  reliability2: reliability,
  dph_total: price,
  dph: price,
  geolocation: (offer) => offer.location,
  rentable: (offer) => offer.available,
  duration: (offer) => (offer.maxDurationHours === 0 ? Number.POSITIVE_INFINITY : offer.maxDurationHours * 3600),
};

export interface Condition {
  field: string;
  op: string;
  value: unknown;
}

/** The conditions of `extra_filters` text, or `invalid` when it is not an object of conditions. */
export function parseExtraFilters(text: string | null): Condition[] | 'invalid' {
  if (text === null || text.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'invalid';
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'invalid';
  const conditions: Condition[] = [];
  for (const [field, spec] of Object.entries(parsed)) {
    if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) {
      for (const [op, value] of Object.entries(spec)) conditions.push({ field, op, value });
    } else {
      conditions.push({ field, op: 'eq', value: spec });
    }
  }
  return conditions;
}

const text = (value: unknown) =>
  String(value)
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, ' ');

/** The filter value as the type of the offer's value; undefined when it cannot be one. */
function coerce(value: unknown, like: Exclude<Value, null>): number | string | boolean | undefined {
  if (typeof like === 'number') {
    const number =
      typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
    return Number.isNaN(number) ? undefined : number;
  }
  if (typeof like === 'boolean') {
    if (typeof value === 'boolean') return value;
    return value === 'true' ? true : value === 'false' ? false : undefined;
  }
  return value === null || typeof value === 'object' ? undefined : text(value);
}

function holds(actual: Exclude<Value, null>, op: string, value: unknown): boolean {
  const have = typeof actual === 'string' ? text(actual) : actual;
  const equal = (candidate: unknown) => {
    const wanted = coerce(candidate, actual);
    return wanted !== undefined && wanted === have;
  };
  const list = Array.isArray(value) ? value : [value];
  switch (op) {
    case 'eq':
      return equal(value);
    case 'neq':
      return coerce(value, actual) !== undefined && !equal(value);
    case 'in':
      return list.some(equal);
    case 'notin':
      return list.every((candidate) => coerce(candidate, actual) !== undefined && !equal(candidate));
  }
  const wanted = coerce(value, actual);
  if (wanted === undefined || typeof wanted !== typeof have) return false;
  switch (op) {
    case 'gt':
      return have > wanted;
    case 'gte':
      return have >= wanted;
    case 'lt':
      return have < wanted;
    default:
      return have <= wanted;
  }
}

/** Whether the offer satisfies every condition the provider layer can evaluate. */
export function satisfies(conditions: Condition[] | 'invalid', offer: ProviderOffer): boolean {
  if (conditions === 'invalid') return false;
  return conditions.every(({ field, op, value }) => {
    const read = FILTER_FIELDS[field];
    if (!read || !OPERATORS.has(op)) return true;
    const actual = read(offer);
    return actual !== null && holds(actual, op, value);
  });
}

/** `satisfies` for filters as text. */
export const matchesExtraFilters = (extraFilters: string | null, offer: ProviderOffer) =>
  satisfies(parseExtraFilters(extraFilters), offer);
