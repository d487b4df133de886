/**
 * The job runner against @computeplane/mock: the mock runs the reference server in-process, whose local
 * provider rents this machine for real (a directory with its own SSH endpoint), so the command really
 * runs over SSH. Typed overrides force the cases that are hard to produce: an offer gone at its provider.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { gpuErrorBody, useMockComputeplane } from '@computeplane/mock';
import { runOnGpu } from './run-on-gpu.js';

// Overrides are dropped after each test. The data is kept (resetState: false): neither test reads what the
// other leaves behind, and keeping it saves restarting the mock's server between them.
const { client, server, http } = useMockComputeplane({ beforeAll, afterEach, afterAll, resetState: false });

it('runs the command over SSH on the rented machine, ends the session and reports its cost', async () => {
  const result = await runOnGpu(client, {
    command: 'echo "hello from $SESSION_ID"; exit 3',
    consumerId: 'tests',
    filters: { provider: 'local' },
  });
  expect(result.output).toBe(`hello from ${result.session.id}\n`);
  expect(result.exitCode).toBe(3);
  expect(result.session).toMatchObject({ status: 'stopped', stop_reason: 'done' });
  expect(result.cost).toBeGreaterThanOrEqual(0);
});

it('moves on when an offer turns out to be gone, and says so when every offer is', async () => {
  server.use(
    http.sessions.post('/api/v1/sessions', ({ response }) =>
      response(503).json(
        gpuErrorBody('stale_inventory', 'offer unavailable due to stale inventory', {
          offer_id: 'local-x',
          provider: 'local',
        }) as never,
      ),
    ),
  );
  await expect(
    runOnGpu(client, { command: 'true', consumerId: 'tests', filters: { provider: 'local' }, attempts: 2 }),
  ).rejects.toThrow(/no offer could be rented \(tried local-/);
  await expect(
    runOnGpu(client, { command: 'true', consumerId: 'tests', filters: { gpu_type: 'no such gpu' } }),
  ).rejects.toThrow('no offer matches the filters');
});
