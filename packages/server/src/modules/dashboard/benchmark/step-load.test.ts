/** A step of the step load on a test clock: known latencies give known percentiles and rates. */
import { describe, expect, it } from 'vitest';
import { percentile, runStep } from './step-load.js';

describe('step load', () => {
  it('interpolates percentiles between ranks like percentile_cont', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 0.5)).toBe(50.5);
    expect(percentile(values, 0.9)).toBeCloseTo(90.1, 10);
    expect(percentile(values, 0.99)).toBeCloseTo(99.01, 10);
    expect(percentile([], 0.5)).toBeNull();
  });

  it('sends rps x seconds requests on schedule and measures each one on the clock', async () => {
    let t = 0;
    const latencies = [5, 10, 15, 20, 25, 30, 35, 40, 45, 50];
    let i = 0;
    const sentAt: number[] = [];
    const step = await runStep({
      rps: 10,
      seconds: 1,
      maxConcurrency: 4,
      // Each request takes its known latency on the test clock.
      send: () => {
        sentAt.push(t);
        t += latencies[i++]!;
        return Promise.resolve();
      },
      now: () => t,
      wallClock: () => new Date(Date.UTC(2026, 10, 23) + t),
      sleep: async (ms) => {
        await Promise.resolve();
        await Promise.resolve();
        t += ms;
      },
    });
    expect(sentAt).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    expect(step).toMatchObject({ target_rps: 10, sent: 10, succeeded: 10, failed: 0, dropped: 0, achieved_rps: 10 });
    expect(step.latency_ms).toEqual({ p50: 27.5, p90: 45.5, p95: 47.75, p99: 49.55, max: 50 });
    expect(step.started_at).toBe('2026-11-23T00:00:00.000Z');
    expect(step.ended_at).toBe('2026-11-23T00:00:01.000Z');
  });

  it('drops requests due while max_concurrency are running, and counts failures', async () => {
    let t = 0;
    const pending: (() => void)[] = [];
    let calls = 0;
    const step = runStep({
      rps: 10,
      seconds: 1,
      maxConcurrency: 2,
      send: () => {
        calls += 1;
        if (calls === 1) return Promise.reject(new Error('failed'));
        return new Promise<void>((resolve) => pending.push(resolve));
      },
      now: () => t,
      wallClock: () => new Date(t),
      sleep: async (ms) => {
        await Promise.resolve();
        t += ms;
        // The step's last wait: the requests still running finish.
        if (t >= 1000) for (const release of pending.splice(0)) release();
      },
    });
    expect(await step).toMatchObject({ sent: 3, failed: 1, succeeded: 2, dropped: 7 });
  });
});
