/**
 * One step of a step-load benchmark: for `seconds`, a request is started every 1/rps seconds (open loop)
 * unless `maxConcurrency` are running, in which case it is dropped and counted; then the step waits for
 * the requests still running. Latencies come from `now()` (injectable, so a test clock gives known
 * figures); percentiles interpolate linearly between ranks, as PostgreSQL's percentile_cont does.
 */

export interface StepResult {
  target_rps: number;
  achieved_rps: number;
  sent: number;
  succeeded: number;
  failed: number;
  dropped: number;
  latency_ms: { p50: number | null; p90: number | null; p95: number | null; p99: number | null; max: number | null };
  started_at: string;
  ended_at: string;
}

export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = p * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

const round = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);

export async function runStep(options: {
  rps: number;
  seconds: number;
  maxConcurrency: number;
  send: () => Promise<void>;
  now: () => number;
  wallClock: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** True once the server is stopping: the step sends nothing more and ends. */
  stopped?: () => boolean;
}): Promise<StepResult> {
  const startedAt = options.wallClock();
  const start = options.now();
  const latencies: number[] = [];
  let running = 0;
  let sent = 0;
  let failed = 0;
  let dropped = 0;
  const inFlight = new Set<Promise<void>>();
  const total = Math.max(1, Math.round(options.rps * options.seconds));
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / options.rps;
    const wait = due - options.now();
    if (wait > 0) await options.sleep(Math.min(wait, 1_000));
    if (options.stopped?.()) break;
    if (due > options.now()) {
      i -= 1; // woke early to look at `stopped`: this request is still due later
      continue;
    }
    if (running >= options.maxConcurrency) {
      dropped += 1;
      continue;
    }
    running += 1;
    sent += 1;
    const began = options.now();
    const request = options
      .send()
      .then(
        () => void latencies.push(options.now() - began),
        () => void (failed += 1),
      )
      .finally(() => {
        running -= 1;
        inFlight.delete(request);
      });
    inFlight.add(request);
  }
  const stepEnd = start + options.seconds * 1000;
  while (stepEnd > options.now() && !options.stopped?.()) await options.sleep(Math.min(stepEnd - options.now(), 1_000));
  await Promise.all(inFlight);
  const sorted = latencies.sort((a, b) => a - b);
  return {
    target_rps: options.rps,
    achieved_rps: round(sorted.length / options.seconds)!,
    sent,
    succeeded: sorted.length,
    failed,
    dropped,
    latency_ms: {
      p50: round(percentile(sorted, 0.5)),
      p90: round(percentile(sorted, 0.9)),
      p95: round(percentile(sorted, 0.95)),
      p99: round(percentile(sorted, 0.99)),
      max: round(sorted.at(-1) ?? null),
    },
    started_at: startedAt.toISOString(),
    ended_at: options.wallClock().toISOString(),
  };
}
