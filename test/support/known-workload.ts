/**
 * A workload of known latencies and end times, recorded straight into a test server's task recorder: 100
 * benchmark tasks of tenant A with latencies 1..100 ms (every fourth on a user GPU device `dev_known`, the
 * rest on `local/test`), 60 ending in the first minute after 2026-11-23T10:00Z and 40 in the second. Its
 * percentiles and throughput buckets are therefore known exactly (P50 50.5 ms, P90 90.1, P99 99.01).
 */
import type { TestServer } from './test-server.js';

const KNOWN_WORKLOAD_START = Date.parse('2026-11-23T10:00:00Z');

export function recordKnownWorkload(server: TestServer, projectId: string): void {
  for (let i = 1; i <= 100; i++)
    server.app.tasks.record({
      tenantId: server.tenantA,
      projectId,
      kind: 'benchmark',
      jobId: null,
      deviceId: i % 4 === 0 ? 'dev_known' : 'local/test',
      deviceKind: i % 4 === 0 ? 'user' : 'aws',
      processor: i % 4 === 0 ? 'gpu' : 'cpu',
      tasks: 1,
      failed: 0,
      computeMs: i,
      latencyMs: i,
      bytesIn: 10,
      bytesOut: 20,
      finishedAt: new Date(KNOWN_WORKLOAD_START + (i <= 60 ? 0 : 60_000) + i),
    });
}
