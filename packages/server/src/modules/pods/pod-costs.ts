/**
 * Pod costs from usage spans, per second: each span bills its price per hour for the part of it inside
 * the month (UTC), up to now for an open span. Compute and storage are kept apart. The forecast is the
 * burn rate of the spans open now and the month's total if that rate holds to the month's end.
 */
import { roundCost } from '../sessions/module.js';
import { HOUR } from './pod-context.js';
import type { PodRow, UsageRow } from './pod-repository.js';

export interface Month {
  key: string;
  start: Date;
  end: Date;
}

export interface PodMonthCost {
  podId: string;
  labId: string;
  gpuType: string;
  status: PodRow['status'];
  runningHours: number;
  computeCost: number;
  storageCost: number;
  totalCost: number;
}

const roundHours = (value: number) => Math.round(value * 3600) / 3600;

/** `current` or `YYYY-MM` as a UTC month; undefined for a month after the current one. */
export function monthOf(text: string, now: Date): Month | undefined {
  const [year, month] =
    text === 'current' ? [now.getUTCFullYear(), now.getUTCMonth() + 1] : text.split('-').map(Number);
  const start = new Date(Date.UTC(year!, month! - 1, 1));
  if (start > now) return undefined;
  return { key: start.toISOString().slice(0, 7), start, end: new Date(Date.UTC(year!, month!, 1)) };
}

/** Hours of a span inside [start, end), up to now. */
function hoursIn(span: UsageRow, start: Date, end: Date, now: Date): number {
  const from = Math.max(span.startedAt.getTime(), start.getTime());
  const to = Math.min((span.endedAt ?? now).getTime(), end.getTime(), now.getTime());
  return Math.max(0, to - from) / HOUR;
}

/** Compute and storage cost of spans (all of one pod or many) inside [start, end). */
export function split(spans: UsageRow[], start: Date, end: Date, now: Date) {
  let compute = 0;
  let storage = 0;
  let hours = 0;
  for (const span of spans) {
    const spanHours = hoursIn(span, start, end, now);
    if (span.kind === 'compute') {
      compute += spanHours * span.pricePerHour;
      hours += spanHours;
    } else storage += spanHours * span.pricePerHour;
  }
  return { compute: roundCost(compute), storage: roundCost(storage), total: roundCost(compute + storage), hours };
}

/** Per pod and totals for the month, with the forecast. */
export function monthCosts(rows: PodRow[], spans: UsageRow[], month: Month, now: Date) {
  const byPod = new Map<string, UsageRow[]>();
  for (const span of spans) byPod.set(span.podId, [...(byPod.get(span.podId) ?? []), span]);
  const pods: PodMonthCost[] = rows
    .filter((row) => byPod.has(row.id))
    .map((row) => {
      const cost = split(byPod.get(row.id)!, month.start, month.end, now);
      return {
        podId: row.id,
        labId: row.labId,
        gpuType: row.gpuType,
        status: row.status,
        runningHours: roundHours(cost.hours),
        computeCost: cost.compute,
        storageCost: cost.storage,
        totalCost: cost.total,
      };
    });
  const all = split(spans, month.start, month.end, now);
  const current = now >= month.start && now < month.end;
  const burnRatePerHour = current
    ? roundCost(spans.filter((span) => span.endedAt === null).reduce((sum, span) => sum + span.pricePerHour, 0))
    : 0;
  const remainingHours = current ? (month.end.getTime() - now.getTime()) / HOUR : 0;
  return {
    month: month.key,
    pods,
    totals: { computeCost: all.compute, storageCost: all.storage, totalCost: all.total },
    forecast: { burnRatePerHour, projectedMonthTotal: roundCost(all.total + burnRatePerHour * remainingHours) },
  };
}
