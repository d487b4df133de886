/**
 * Session costs, per second: a session bills from its provider instance's creation to its confirmed
 * destruction (or now, while it runs), plus what earlier instances of it (auto-retries) used. Summaries
 * split each session's billing window at day or month boundaries (UTC), so a session running across
 * midnight counts in both days.
 */
export interface BilledSession {
  id: string;
  provider: string;
  gpuType: string;
  pricePerHour: number;
  billingStartedAt: Date | null;
  billingEndedAt: Date | null;
  createdAt: Date;
  priorCost: number;
  priorHours: number;
}

export interface CostRange {
  /** Inclusive. */
  start: Date | null;
  /** Exclusive. */
  end: Date | null;
}

export interface PeriodCost {
  period: string;
  total_cost: number;
  session_count: number;
  hours_used: number;
}

export interface CostTotals {
  total_cost: number;
  session_count: number;
  hours_used: number;
  by_provider: Record<string, number>;
  by_gpu_type: Record<string, number>;
  periods: PeriodCost[];
}

const HOUR = 3_600_000;
/** Money is reported to the cent's hundredth; hours to the second. */
export const roundCost = (value: number) => Math.round(value * 10_000) / 10_000;
const roundHours = (value: number) => Math.round(value * 3600) / 3600;

/** Hours and cost of one session up to `now`. */
export function sessionUsage(session: BilledSession, now: Date): { cost: number; hours: number } {
  let hours = session.priorHours;
  if (session.billingStartedAt) {
    const end = session.billingEndedAt ?? now;
    hours += Math.max(0, end.getTime() - session.billingStartedAt.getTime()) / HOUR;
  }
  const current = hours - session.priorHours;
  return { cost: roundCost(session.priorCost + current * session.pricePerHour), hours: roundHours(hours) };
}

const periodKey = (time: number, period: 'daily' | 'monthly') =>
  new Date(time).toISOString().slice(0, period === 'daily' ? 10 : 7);

function nextBoundary(time: number, period: 'daily' | 'monthly'): number {
  const date = new Date(time);
  return period === 'daily'
    ? Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1)
    : Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** Pieces of one session's usage inside the range, cut at period boundaries: [start ms, hours, cost]. */
function pieces(
  session: BilledSession,
  range: CostRange,
  now: Date,
  period: 'daily' | 'monthly',
): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  const lower = range.start?.getTime() ?? -Infinity;
  const upper = range.end?.getTime() ?? Infinity;
  const priorAt = session.createdAt.getTime();
  if (session.priorHours > 0 && priorAt >= lower && priorAt < upper)
    out.push([priorAt, session.priorHours, session.priorCost]);
  if (!session.billingStartedAt) return out;
  let from = Math.max(session.billingStartedAt.getTime(), lower);
  const to = Math.min((session.billingEndedAt ?? now).getTime(), upper);
  while (from < to) {
    const cut = Math.min(nextBoundary(from, period), to);
    const hours = (cut - from) / HOUR;
    out.push([from, hours, hours * session.pricePerHour]);
    from = cut;
  }
  return out;
}

/** Totals over the range, by provider and GPU type, and per day or month when `period` is given. */
export function summarize(
  sessions: BilledSession[],
  range: CostRange,
  now: Date,
  period?: 'daily' | 'monthly',
): CostTotals {
  const totals: CostTotals = {
    total_cost: 0,
    session_count: 0,
    hours_used: 0,
    by_provider: {},
    by_gpu_type: {},
    periods: [],
  };
  const byPeriod = new Map<string, { cost: number; hours: number; sessions: Set<string> }>();
  for (const session of sessions) {
    const parts = pieces(session, range, now, period ?? 'monthly');
    if (parts.length === 0) continue;
    totals.session_count += 1;
    for (const [at, hours, cost] of parts) {
      totals.total_cost += cost;
      totals.hours_used += hours;
      totals.by_provider[session.provider] = (totals.by_provider[session.provider] ?? 0) + cost;
      totals.by_gpu_type[session.gpuType] = (totals.by_gpu_type[session.gpuType] ?? 0) + cost;
      const key = periodKey(at, period ?? 'monthly');
      const entry = byPeriod.get(key) ?? { cost: 0, hours: 0, sessions: new Set<string>() };
      entry.cost += cost;
      entry.hours += hours;
      entry.sessions.add(session.id);
      byPeriod.set(key, entry);
    }
  }
  totals.total_cost = roundCost(totals.total_cost);
  totals.hours_used = roundHours(totals.hours_used);
  for (const map of [totals.by_provider, totals.by_gpu_type])
    for (const key of Object.keys(map)) map[key] = roundCost(map[key]!);
  if (period) {
    totals.periods = [...byPeriod.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, entry]) => ({
        period: key,
        total_cost: roundCost(entry.cost),
        session_count: entry.sessions.size,
        hours_used: roundHours(entry.hours),
      }));
  }
  return totals;
}
