/**
 * The broker's `GET /health` and `GET /ready` follow its start-up sweep: 503 while the inventory's first
 * load and the sweep run (here held back by a provider whose first answer is gated), 200 after, and 503
 * again once the broker stops.
 */
import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiError } from '@computeplane/sdk';
import { getBrokerHealth, getBrokerReadiness } from '@computeplane/sdk/health';
import { createLocalProvider } from '../../packages/server/src/providers/local/local-provider.js';
import { testDrivers } from '@computeplane/test-support/databases';
import { conform, serverFor } from './harness.js';

describe('broker start-up on pglite', () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const local = createLocalProvider({ root: join(tmpdir(), 'cp-broker-startup') });
  const gated = { ...local, listOffers: async () => (await gate, local.listOffers()) };
  const suite = serverFor(testDrivers[0]!, { providers: [gated] });

  it('answers 503 during the start-up sweep and 200 once it finished', async () => {
    const { data: starting, response } = await conform('getBrokerHealth', getBrokerHealth(suite.server.anonymous));
    expect(response!.status).toBe(503);
    expect(starting ?? ((await getBrokerHealth(suite.server.anonymous)).error as ApiError).body).toMatchObject({
      status: 'unavailable',
      services: { lifecycle: 'starting', inventory: 'empty', ready: 'false' },
    });
    expect((await conform('getBrokerReadiness', getBrokerReadiness(suite.server.anonymous))).response!.status).toBe(
      503,
    );
    release();
    for (let i = 0; i < 100 && (await getBrokerReadiness(suite.server.anonymous)).response!.status !== 200; i++)
      await new Promise((r) => setTimeout(r, 20));
    const { data: healthy } = await conform('getBrokerHealth', getBrokerHealth(suite.server.anonymous));
    expect(healthy).toMatchObject({ status: 'ok', services: { lifecycle: 'running', inventory: 'ok', ready: 'true' } });
    await suite.server.app.close();
    const stopped = await getBrokerHealth(suite.server.anonymous);
    expect(stopped.response!.status).toBe(503);
    expect((stopped.error as ApiError).body).toMatchObject({ services: { lifecycle: 'stopped', ready: 'false' } });
  });
});
