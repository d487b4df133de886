/**
 * Contract: the offers area through the SDK, with Vast.ai and Lambda served by fakes of their documented
 * APIs and this machine as the local provider. Errors come in the seed's body for this area.
 */
import { describe, expect, it, vi } from 'vitest';
import { NotFoundError, unwrap } from '@computeplane/sdk';
import { getOffer, iterateOffers, listOffers } from '@computeplane/sdk/offers';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalProvider } from '../../packages/server/src/providers/local/local-provider.js';
import { createFakeLambda } from '../fakes/lambda-api.js';
import { createFakeVastAi } from '../fakes/vastai-api.js';
import { lambdaProviderOver, vastAiProviderOver } from '../fakes/providers-over-fakes.js';
import { testDrivers } from '@computeplane/test-support/databases';
import { conform, conformError, serverFor } from './harness.js';

const providers = () => [
  createLocalProvider({ root: join(tmpdir(), 'computeplane-contract-instances') }),
  vastAiProviderOver(createFakeVastAi()),
  lambdaProviderOver(createFakeLambda()),
];

describe.each(testDrivers)('offers contract on $name', (driver) => {
  const suite = serverFor(driver, { providers: providers() });

  it('lists the offers of every provider, cheapest first, with the seed’s filters and pages', async () => {
    const { data: page } = await conform(
      'listOffers',
      listOffers(suite.server.clientA, { params: { query: { provider: 'vastai' } } }),
    );
    expect(page).toMatchObject({ count: 2, total: 2 });
    expect(page!.offers[0]).toMatchObject({
      id: 'vastai-1001',
      provider: 'vastai',
      provider_id: '1001',
      gpu_type: 'RTX 4090',
      vram_gb: 24,
      price_per_hour: 0.45,
    });
    // Fresh offers: confidence decays linearly from 1 over 10 minutes, so a slow machine may see 0.999.
    expect(page!.offers[0]!.availability_confidence).toBeCloseTo(1, 2);
    const { data: filtered } = await conform(
      'listOffers',
      listOffers(suite.server.clientA, {
        params: { query: { gpu_type: 'a100', gpu_count: 2, min_vram: 40, max_price: 3 } },
      }),
    );
    expect(filtered!.offers.map((o) => o.id)).toEqual(['vastai-1002']);
    const all = [];
    for await (const offer of iterateOffers(suite.server.clientA, {}, 2)) all.push(offer);
    expect(all.map((o) => o.provider)).toEqual(expect.arrayContaining(['local', 'vastai', 'lambda']));
    expect(all.map((o) => o.price_per_hour)).toEqual([...all.map((o) => o.price_per_hour)].sort((a, b) => a - b));
  });

  it('gets one offer, and answers a missing one in the seed’s error body', async () => {
    const { data: offer } = await conform(
      'getOffer',
      getOffer(suite.server.clientA, { params: { path: { id: 'lambda-gpu_1x_a10@us-west-1' } } }),
    );
    expect(offer).toMatchObject({ provider: 'lambda', gpu_type: 'A10', location: 'us-west-1', price_per_hour: 0.75 });
    const missing = await conform(
      'getOffer',
      getOffer(suite.server.clientA, { params: { path: { id: 'vastai-424242' } } }),
    );
    expect(missing.error).toBeInstanceOf(NotFoundError);
    expect(missing.error).toMatchObject({
      code: 'NOT_FOUND',
      requestId: missing.response?.headers.get('x-request-id'),
    });
    expect((missing.error as NotFoundError).body).toMatchObject({
      error: "Offer 'vastai-424242' not found",
      error_type: 'not_found',
      retry_suggested: false,
    });
  });

  describe('min_availability_confidence', () => {
    // Vast.ai answers the first refresh and then fails, so its offers keep their first fetch time and lose
    // confidence as the clock moves on; this machine and Lambda keep refreshing and stay at confidence 1.
    const start = new Date('2026-11-23T00:00:00Z');
    let now = start;
    let vastDown = false;
    const [local, vastai, lambda] = providers();
    const flakyVastAi = {
      ...vastai!,
      listOffers: () => (vastDown ? Promise.reject(new Error('vastai unreachable')) : vastai!.listOffers()),
    };
    const aging = serverFor(driver, {
      providers: [local!, flakyVastAi, lambda!],
      clock: () => now,
      settings: { marketplace: { refreshMs: 25 } },
    });

    it('leaves out offers below the threshold, and keeps those above it', async () => {
      const list = (query: { min_availability_confidence?: number }) =>
        conform('listOffers', listOffers(aging.server.clientA, { params: { query: { ...query, limit: 100 } } }));
      const { data: fresh } = await list({});
      expect(fresh!.total).toBeGreaterThan(2);
      expect(fresh!.offers.filter((o) => o.provider === 'vastai')).toHaveLength(2);
      expect(fresh!.offers.every((o) => o.availability_confidence === 1)).toBe(true);
      expect((await list({ min_availability_confidence: 0.9 })).data!.total).toBe(fresh!.total);

      vastDown = true;
      now = new Date(start.getTime() + 5 * 60_000); // half of the 10-minute staleness window
      // Wait for a refresh after the outage: Vast.ai's offers stay from `start`, the others are fetched at `now`.
      await vi.waitFor(
        async () => expect((await list({ min_availability_confidence: 0.9 })).data!.total).toBe(fresh!.total - 2),
        { timeout: 5_000, interval: 25 },
      );

      const { data: aged } = await list({});
      expect(aged!.total).toBe(fresh!.total);
      const confidences = aged!.offers.map((o) => [o.provider, o.availability_confidence]);
      expect(confidences.filter(([provider]) => provider === 'vastai')).toEqual([
        ['vastai', 0.5],
        ['vastai', 0.5],
      ]);
      expect(
        confidences.filter(([provider]) => provider !== 'vastai').every(([, confidence]) => confidence === 1),
      ).toBe(true);

      const { data: above } = await list({ min_availability_confidence: 0.9 });
      expect(above!.total).toBe(fresh!.total - 2);
      expect(above!.count).toBe(above!.offers.length);
      expect(above!.count).toBeGreaterThan(0);
      expect(above!.offers.map((o) => o.id)).toEqual(
        aged!.offers.filter((o) => o.provider !== 'vastai').map((o) => o.id),
      );

      const { data: below } = await list({ min_availability_confidence: 0.4 });
      expect(below!.total).toBe(fresh!.total);
      const { data: none } = await list({ min_availability_confidence: 1 });
      expect(none!.total).toBe(fresh!.total - 2);
    });
  });

  it('answers auth and validation errors in the same body', async () => {
    const anonymous = await conformError('listOffers', listOffers(suite.server.anonymous), 401, 'AUTH_REQUIRED');
    expect(anonymous.body).toMatchObject({
      error_type: 'auth_required',
      retry_suggested: false,
      error: expect.stringMatching(/X-API-Key/),
    });
    const invalid = await conformError(
      'listOffers',
      listOffers(suite.server.clientA, { params: { query: { min_reliability: 2 } } }),
      400,
      'VALIDATION_ERROR',
    );
    expect(invalid.body).toMatchObject({
      error_type: 'validation_error',
      details: [expect.objectContaining({ path: 'query.min_reliability' })],
    });
    expect(
      (await unwrap(listOffers(suite.server.clientA, { params: { query: { provider: 'local' } } }))).total,
    ).toBeGreaterThan(0);
  });
});
