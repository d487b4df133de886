/**
 * The seed's human-readable values: sizes ("512MB", "1GB", "2G", "1GiB"; K/M/G/T are powers of 1024, as the
 * seed's `size` means memory), rates ("100MB/s", "125MB/s" in bytes, "1Gbps", "10Mbit/s" in bits) and Go
 * durations ("60s", "1m30s", "500ms"). Hand-written: the npm parsers (bytes, ms) each take one of these
 * forms and none the Go duration syntax the seed's `timeout` uses.
 */
const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Bytes of a size string, or null when it is not one. */
export function parseSize(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$/i.exec(text);
  if (!match) return null;
  if (match[2] === '' && match[3]!.toLowerCase().startsWith('i')) return null;
  const bytes = Math.round(Number(match[1]) * UNITS[match[2]!.toLowerCase()]!);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

const DECIMAL: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9 };

/** Bytes per second of a rate string ("125MB/s" bytes, "1Gbps" / "10Mbit/s" bits), or null. */
export function parseRate(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(i?)(bps|bit\/s|b\/s)\s*$/i.exec(text);
  if (!match) return null;
  const unit = match[2]!.toLowerCase();
  const scale = match[3] ? UNITS[unit]! : DECIMAL[unit]!;
  const bits = match[4] === 'bps' || match[4]!.toLowerCase() === 'bit/s' || match[4] === 'b/s';
  const value = Number(match[1]) * scale;
  const bytes = Math.round(bits ? value / 8 : value);
  return bytes > 0 && Number.isSafeInteger(bytes) ? bytes : null;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a Go duration ("1m30s", "500ms", "60s"), or null. */
export function parseDuration(text: string): number | null {
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return null;
  let total = 0;
  for (const [, value, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g))
    total += Number(value) * DURATION_UNITS[unit!]!;
  return Math.round(total);
}
