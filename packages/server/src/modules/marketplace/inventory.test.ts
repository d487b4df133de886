/** The offer inventory over real adapters (Vast.ai and Lambda against their fakes, and the local machine). */
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakeLambda, type FakeLambda } from '../../../../../test/fakes/lambda-api.js';
import { createFakeVastAi, type FakeVastAi } from '../../../../../test/fakes/vastai-api.js';
import { fakeProviderHttp } from '../../../../../test/fakes/fake-provider-http.js';
import { createLambdaProvider } from '../../providers/lambda/lambda-provider.js';
import { createVastAiProvider } from '../../providers/vastai/vastai-provider.js';
import { createInventory } from './inventory.js';

let vast: FakeVastAi;
let lambda: FakeLambda;
let now: Date;
let inventory: ReturnType<typeof createInventory>;

const http = (provider: string, baseUrl: string, apiKey: string, fake: { fetch: typeof fetch }) =>
  fakeProviderHttp(provider, fake, { baseUrl, apiKey, retries: 0, threshold: 100 }).http;

beforeEach(async () => {
  vast = createFakeVastAi();
  lambda = createFakeLambda();
  now = new Date('2026-11-23T00:00:00Z');
  inventory = createInventory({
    providers: [
      createVastAiProvider(http('vastai', 'https://console.vast.ai', 'vast-test-key', vast)),
      createLambdaProvider(http('lambda', 'https://cloud.lambdalabs.com/api/v1', 'lambda-test-key', lambda)),
    ],
    clock: () => now,
    staleAfterMs: 600_000,
  });
  await inventory.refresh();
});

describe('inventory', () => {
  it('merges every provider, cheapest first, with filters and pages', () => {
    const all = inventory.search({}, { limit: 10, offset: 0 });
    expect(all.total).toBe(4);
    expect(all.offers.map((o) => o.id)).toEqual([
      'vastai-1001',
      'lambda-gpu_1x_a10@us-east-1',
      'lambda-gpu_1x_a10@us-west-1',
      'vastai-1002',
    ]);
    expect(inventory.search({ gpuType: 'rtx4090' }, { limit: 10, offset: 0 }).offers.map((o) => o.id)).toEqual([
      'vastai-1001',
    ]);
    expect(inventory.search({ minVramGb: 40, minGpuCount: 2 }, { limit: 10, offset: 0 }).total).toBe(1);
    expect(
      inventory
        .search({ provider: 'lambda', location: 'US_WEST' }, { limit: 10, offset: 0 })
        .offers.map((o) => o.location),
    ).toEqual(['us-west-1']);
    expect(inventory.search({ maxPricePerHour: 0.5, minCuda: 12 }, { limit: 10, offset: 0 }).total).toBe(1);
    const second = inventory.search({}, { limit: 2, offset: 2 });
    expect(second).toMatchObject({ total: 4, offers: [{ id: 'lambda-gpu_1x_a10@us-west-1' }, { id: 'vastai-1002' }] });
  });

  it('keeps a failing provider’s last offers, lowers their confidence with age, and reports the error', async () => {
    vast.failNext(1, 500);
    now = new Date('2026-11-23T00:05:00Z');
    await inventory.refresh();
    expect(inventory.status().find((s) => s.provider === 'vastai')).toMatchObject({
      offers: 2,
      error: expect.stringMatching(/HTTP 500/),
    });
    const vastOffer = inventory.find('vastai-1001');
    expect(vastOffer && 'offer' in vastOffer && vastOffer.offer.availabilityConfidence).toBeCloseTo(0.5, 5);
    const lambdaOffer = inventory.find('lambda-gpu_1x_a10@us-east-1');
    expect(lambdaOffer && 'offer' in lambdaOffer && lambdaOffer.offer.availabilityConfidence).toBe(1);
    const confident = inventory.search({ minAvailabilityConfidence: 0.9 }, { limit: 10, offset: 0 });
    expect(confident.total).toBe(2);
    expect(confident.offers.map((o) => o.provider)).toEqual(['lambda', 'lambda']);
    expect(inventory.search({ minAvailabilityConfidence: 0.4 }, { limit: 10, offset: 0 }).total).toBe(4);
  });

  it('tells an offer that is gone since the last refresh from one that never existed', async () => {
    vast.offers.splice(0, 1);
    await inventory.refresh();
    expect(inventory.find('vastai-1001')).toEqual({ stale: true });
    expect(inventory.find('vastai-424242')).toBeUndefined();
    vast.offers.push({ id: 1001, gpu_name: 'RTX_4090', num_gpus: 1, gpu_ram: 24564, dph_total: 0.5, rentable: true });
    await inventory.refresh();
    expect(inventory.find('vastai-1001')).toMatchObject({ offer: { pricePerHour: 0.5 } });
  });
});
