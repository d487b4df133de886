/** The Vast.ai adapter against a fake of Vast.ai's documented API: mapping, retries, breaker, errors metric. */
import type { Counter } from 'prom-client';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakeVastAi, type FakeVastAi } from '../../../../../test/fakes/vastai-api.js';
import { fakeProviderHttp } from '../../../../../test/fakes/fake-provider-http.js';
import { CircuitOpenError } from '../circuit-breaker.js';
import { ProviderApiError } from '../provider-http.js';
import type { GpuProvider } from '../provider.js';
import { createVastAiProvider } from './vastai-provider.js';

let fake: FakeVastAi;
let provider: GpuProvider;
let errors: Counter<'provider' | 'operation'>;
const sleeps: number[] = [];

function build(apiKey = 'vast-test-key') {
  const built = fakeProviderHttp('vastai', fake, {
    baseUrl: 'https://console.vast.ai',
    apiKey,
    retries: 2,
    threshold: 3,
    sleeps,
  });
  errors = built.errors;
  provider = createVastAiProvider(built.http);
}
const errorCount = async (operation: string) =>
  (await errors.get()).values.find((v) => v.labels.operation === operation)?.value ?? 0;

beforeEach(() => {
  fake = createFakeVastAi();
  sleeps.length = 0;
  build();
});

describe('vast.ai provider', () => {
  it('maps offers (GPU name, VRAM in GB, price, duration)', async () => {
    const offers = await provider.listOffers();
    expect(offers[1]).toEqual({
      provider: 'vastai',
      providerId: '1002',
      gpuType: 'A100 SXM4',
      gpuCount: 2,
      vramGb: 80,
      pricePerHour: 2.1,
      location: 'EU-Central',
      reliability: 0.995,
      available: true,
      maxDurationHours: 168,
      cudaVersion: 13,
    });
  });

  it('lists the recommended templates only, mapped onto the provider layer', async () => {
    const templates = await provider.listTemplates!();
    expect(templates.map((t) => t.name)).toEqual(['Ollama', 'vLLM', 'PyTorch (CUDA 12.4)']);
    expect(templates[0]).toEqual({
      provider: 'vastai',
      id: 338630,
      hashId: 'a8a44c7363cbca20056020397e3bf072',
      name: 'Ollama',
      image: 'vastai/ollama',
      tag: '0.15.4',
      env: '-p 1111:1111 -p 21434:21434 -e OLLAMA_MODEL=qwen3:14b -e OPEN_BUTTON_PORT=1111',
      onstart: 'entrypoint.sh',
      runtype: 'jupyter',
      useSsh: true,
      sshDirect: true,
      recommended: true,
      recommendedDiskSpace: 32,
      extraFilters: '{"cpu_arch": {"in": ["arm64", "amd64"]}}',
      creatorId: 62897,
      createdAt: new Date('2026-02-02T13:27:28-05:00'),
      countCreated: 302,
    });
    // Unix seconds with a fraction, filters given as an object, no disk recommendation, no start command.
    expect(templates[1]).toMatchObject({
      createdAt: new Date('2025-11-01T12:30:00.250Z'),
      onstart: null,
      runtype: 'args',
    });
    expect(templates[2]).toMatchObject({
      extraFilters: '{"cuda_max_good":{"gte":12.4},"num_gpus":{"lte":1}}',
      recommendedDiskSpace: null,
    });
    expect(fake.requests.at(-1)).toEqual({ method: 'GET', path: '/api/v0/template/' });
  });

  it('retries a failing template search and counts it under its own operation', async () => {
    fake.failNext(1, 503, { match: '/template/' });
    expect(await provider.listTemplates!()).toHaveLength(3);
    expect(await errorCount('list_templates')).toBe(1);
    expect(await errorCount('list_offers')).toBe(0);
  });

  it('rents an instance with the deployment label and SSH key, follows it to running, destroys it idempotently', async () => {
    const { instanceId } = await provider.createInstance({
      providerOfferId: '1001',
      image: 'pytorch/pytorch:latest',
      label: 'cp:dep_abc:sess_1',
      diskGb: 32,
      env: {},
      onStartCmd: null,
      sshPublicKey: 'ssh-ed25519 AAAA test',
    });
    expect(fake.instances.get(Number(instanceId))!.ssh_keys).toEqual(['ssh-ed25519 AAAA test']);
    expect(await provider.getInstance(instanceId)).toMatchObject({
      status: 'provisioning',
      label: 'cp:dep_abc:sess_1',
      ssh: null,
    });
    fake.boot(Number(instanceId));
    expect(await provider.getInstance(instanceId)).toMatchObject({
      status: 'running',
      ssh: { user: 'root', port: expect.any(Number) },
    });
    await provider.destroyInstance(instanceId);
    await provider.destroyInstance(instanceId);
    expect(await provider.getInstance(instanceId)).toBeUndefined();
  });

  it('lists every instance of the account, including ones nobody here created', async () => {
    const foreign = fake.addForeign('someone-else');
    const listed = await provider.listInstances();
    expect(listed.map((i) => i.instanceId)).toContain(String(foreign));
    expect(listed.find((i) => i.instanceId === String(foreign))!.label).toBe('someone-else');
  });

  it('retries 429 honouring Retry-After and 5xx with backoff, counting each failed attempt', async () => {
    fake.failNext(1, 429, { retryAfter: 2 });
    fake.failNext(1, 503);
    expect(await provider.listOffers()).toHaveLength(2);
    expect(sleeps[0]).toBe(2000);
    expect(sleeps[1]).toBeGreaterThanOrEqual(750);
    expect(sleeps[1]).toBeLessThanOrEqual(1000);
    expect(await errorCount('list_offers')).toBe(2);
  });

  it('does not retry a refused request, and reports the offer that is gone', async () => {
    await expect(
      provider.createInstance({
        providerOfferId: '9999',
        image: 'x',
        label: 'l',
        diskGb: 10,
        env: {},
        onStartCmd: null,
        sshPublicKey: 'k',
      }),
    ).rejects.toMatchObject({
      name: 'ProviderApiError',
      status: 404,
      message: expect.stringMatching(/no longer available/),
    });
    expect(fake.requests.filter((r) => r.path === '/api/v0/asks/9999/')).toHaveLength(1);
  });

  it('opens the circuit after repeated outages and stops calling the provider', async () => {
    fake.failNext(100, 502);
    for (let i = 0; i < 3; i++) await expect(provider.listOffers()).rejects.toBeInstanceOf(ProviderApiError);
    const calls = fake.requests.length;
    await expect(provider.listOffers()).rejects.toBeInstanceOf(CircuitOpenError);
    expect(fake.requests.length).toBe(calls);
  });

  it('rejects a wrong API key as a ProviderApiError 401 without retrying', async () => {
    build('wrong');
    await expect(provider.listInstances()).rejects.toMatchObject({ status: 401 });
    expect(fake.requests).toHaveLength(1);
  });
});
