/** The RunPod adapter against a fake of RunPod's documented REST API v2: offers, pods, SSH, statuses, errors. */
import type { Counter } from 'prom-client';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakeRunPod, type FakeRunPod } from '../../../../../test/fakes/runpod-api.js';
import { fakeProviderHttp } from '../../../../../test/fakes/fake-provider-http.js';
import { ProviderApiError } from '../provider-http.js';
import type { CreateInstanceRequest, GpuProvider } from '../provider.js';
import { createRunPodProvider, offerId, parseOfferId } from './runpod-provider.js';
import type { RunPodPodStatus } from './runpod-types.js';

let fake: FakeRunPod;
let provider: GpuProvider;
let errors: Counter<'provider' | 'operation'>;
const sleeps: number[] = [];

function build(apiKey = 'runpod-test-key') {
  const built = fakeProviderHttp('runpod', fake, { baseUrl: 'https://api.runpod.io/v2', apiKey, retries: 2, sleeps });
  errors = built.errors;
  provider = createRunPodProvider(built.http);
}
const errorCount = async (operation: string) =>
  (await errors.get()).values.find((v) => v.labels.operation === operation)?.value ?? 0;

beforeEach(() => {
  fake = createFakeRunPod();
  sleeps.length = 0;
  build();
});

const RTX_4090 = 'NVIDIA_GeForce_RTX_4090';
const request = (providerOfferId: string, extra: Partial<CreateInstanceRequest> = {}): CreateInstanceRequest => ({
  providerOfferId,
  image: 'runpod/pytorch:1.0.2-cu1281-torch280-ubuntu2404',
  label: 'cp-dep_abc-sess_1',
  diskGb: 40,
  env: {},
  onStartCmd: null,
  sshPublicKey: 'ssh-ed25519 AAAA session-key',
  ...extra,
});

describe('runpod provider: offers', () => {
  it('turns the catalog stock into one offer per GPU type, cloud, data center and GPU count', async () => {
    const offers = await provider.listOffers();
    expect(offers.find((o) => o.providerId === `secure.US-KS-2.1x.${RTX_4090}`)).toEqual({
      provider: 'runpod',
      providerId: `secure.US-KS-2.1x.${RTX_4090}`,
      gpuType: 'RTX 4090',
      gpuCount: 1,
      vramGb: 24,
      pricePerHour: 0.69,
      location: 'US Kansas 2 (US-KS-2)',
      reliability: 1,
      available: true,
      maxDurationHours: 0,
      cudaVersion: 12.8,
    });
    expect(offers.map((o) => o.providerId).sort()).toEqual(
      [
        `community.CA-MTL-1.1x.${RTX_4090}`,
        `community.CA-MTL-1.2x.${RTX_4090}`,
        'secure.US-KS-2.1x.NVIDIA_A100-SXM4-80GB',
        'secure.US-KS-2.2x.NVIDIA_A100-SXM4-80GB',
        'secure.US-KS-2.4x.NVIDIA_A100-SXM4-80GB',
        'secure.US-KS-2.8x.NVIDIA_A100-SXM4-80GB',
        `secure.EU-RO-1.1x.${RTX_4090}`,
        `secure.EU-RO-1.2x.${RTX_4090}`,
        `secure.EU-RO-1.4x.${RTX_4090}`,
        `secure.EU-RO-1.8x.${RTX_4090}`,
        `secure.US-KS-2.1x.${RTX_4090}`,
        `secure.US-KS-2.2x.${RTX_4090}`,
        `secure.US-KS-2.4x.${RTX_4090}`,
        `secure.US-KS-2.8x.${RTX_4090}`,
      ].sort(),
    );
    // The H100 has no stock anywhere; the community 4090 has no block of 4 free, and 8 exceeds its ceiling.
    expect(offers.some((o) => o.gpuType === 'H100 SXM')).toBe(false);
  });

  it('prices multi-GPU offers per pod, per cloud, and marks data centers without stock unavailable', async () => {
    const offers = await provider.listOffers();
    const byId = (id: string) => offers.find((o) => o.providerId === id)!;
    expect(byId('secure.US-KS-2.8x.NVIDIA_A100-SXM4-80GB')).toMatchObject({
      gpuType: 'A100 SXM',
      gpuCount: 8,
      vramGb: 80,
      pricePerHour: 11.92,
      available: true,
      cudaVersion: 13,
    });
    expect(byId(`community.CA-MTL-1.2x.${RTX_4090}`)).toMatchObject({
      gpuCount: 2,
      pricePerHour: 0.68,
      available: true,
      location: 'CA Montreal 1 (CA-MTL-1)',
    });
    expect(byId(`secure.EU-RO-1.1x.${RTX_4090}`).available).toBe(true);
    expect(byId(`secure.EU-RO-1.2x.${RTX_4090}`).available).toBe(false);
  });

  it('asks the catalog for pod stock once per cloud and GPU count the cloud offers', async () => {
    await provider.listOffers();
    // SECURE: 1, 2, 4, 8 (ceiling 8); COMMUNITY: 1, 2, 4 (only the 4090, ceiling 4).
    expect(fake.requests).toHaveLength(7);
    expect(fake.requests.every((r) => r.method === 'GET' && r.path === '/v2/catalog/gpus')).toBe(true);
  });

  it('round-trips offer ids that fit the platform offer id pattern, and rejects malformed ones', () => {
    const key = {
      cloud: 'COMMUNITY' as const,
      dataCenterId: 'EU-RO-1',
      gpuCount: 2,
      gpuTypeId: 'AMD Instinct MI300X (OAM) v1.5_x@y',
    };
    const id = offerId(key);
    expect(`runpod-${id}`).toMatch(/^[a-z]+-[A-Za-z0-9_.@-]{1,200}$/);
    expect(parseOfferId(id)).toEqual(key);
    for (const bad of [
      '',
      'secure',
      'cheap.US-KS-2.1x.A',
      'secure.US-KS-2.0x.A',
      'secure.US-KS-2.1.A',
      'secure.US-KS-2.1x.',
      'secure.US-KS-2.1x.A.B',
      'secure.US KS.1x.A',
      'secure.X.1x.A@4',
    ]) {
      expect(parseOfferId(bad), bad).toBeUndefined();
    }
  });
});

describe('runpod provider: pods', () => {
  it('creates the pod in the offer’s cloud and data center with the label as name and the key in PUBLIC_KEY', async () => {
    const { instanceId } = await provider.createInstance(
      request(`secure.EU-RO-1.1x.${RTX_4090}`, {
        env: { HF_TOKEN: 'hf_x', PUBLIC_KEY: 'not the session key' },
        onStartCmd: 'bash -c "service ssh start; sleep infinity"',
      }),
    );
    expect(fake.created).toEqual([
      {
        name: 'cp-dep_abc-sess_1',
        image: 'runpod/pytorch:1.0.2-cu1281-torch280-ubuntu2404',
        gpu: { id: 'NVIDIA GeForce RTX 4090', count: 1 },
        cloud: 'SECURE',
        dataCenterIds: ['EU-RO-1'],
        disk: 40,
        env: { HF_TOKEN: 'hf_x', PUBLIC_KEY: 'ssh-ed25519 AAAA session-key' },
        ports: ['22/tcp'],
        startSsh: true,
        args: 'bash -c "service ssh start; sleep infinity"',
      },
    ]);
    expect(fake.pods.get(instanceId)).toMatchObject({
      dataCenterId: 'EU-RO-1',
      cloud: 'SECURE',
      status: 'PROVISIONING',
    });
  });

  it('sends no start command when there is none, and multi-GPU community offers as such', async () => {
    const { instanceId } = await provider.createInstance(request(`community.CA-MTL-1.2x.${RTX_4090}`));
    expect(fake.created[0]).not.toHaveProperty('args');
    expect(fake.created[0]).toMatchObject({
      gpu: { id: 'NVIDIA GeForce RTX 4090', count: 2 },
      cloud: 'COMMUNITY',
      dataCenterIds: ['CA-MTL-1'],
    });
    expect(fake.pods.get(instanceId)!.gpu).toEqual({ id: 'NVIDIA GeForce RTX 4090', count: 2 });
  });

  it('follows a pod from provisioning to running with a direct SSH endpoint, its label, price and start', async () => {
    const { instanceId } = await provider.createInstance(request(`secure.US-KS-2.1x.${RTX_4090}`));
    expect(await provider.getInstance(instanceId)).toMatchObject({
      provider: 'runpod',
      instanceId,
      status: 'provisioning',
      label: 'cp-dep_abc-sess_1',
      ssh: null,
      startedAt: null,
    });
    fake.setStatus(instanceId, 'STARTING');
    expect((await provider.getInstance(instanceId))!.status).toBe('provisioning');
    fake.boot(instanceId);
    const pod = fake.pods.get(instanceId)!;
    const running = await provider.getInstance(instanceId);
    expect(running).toMatchObject({
      status: 'running',
      label: 'cp-dep_abc-sess_1',
      pricePerHour: 0.69,
      ssh: { host: pod.ssh.direct!.host, port: pod.ssh.direct!.port, user: 'root' },
    });
    expect(running!.ssh!.host).toMatch(/^203\.0\.113\./);
    expect(running!.startedAt).toEqual(new Date(pod.startedAt!));
  });

  it('takes SSH from the public IP and the port 22/tcp is published on when there is no direct endpoint', async () => {
    const { instanceId } = await provider.createInstance(request(`secure.US-KS-2.1x.${RTX_4090}`));
    fake.boot(instanceId, { direct: false });
    const mapping = fake.pods.get(instanceId)!.runtime!.ports![0]!;
    expect((await provider.getInstance(instanceId))!.ssh).toEqual({
      host: mapping.ip,
      port: mapping.public,
      user: 'root',
    });
  });

  it.each<[RunPodPodStatus | 'MIGRATING', string]>([
    ['PROVISIONING', 'provisioning'],
    ['STARTING', 'provisioning'],
    ['RUNNING', 'running'],
    ['EXITED', 'stopped'],
    ['ERROR', 'failed'],
    ['MIGRATING', 'unknown'],
  ])('maps status %s to %s, with SSH only while running', async (status, expected) => {
    const { instanceId } = await provider.createInstance(request(`secure.US-KS-2.1x.${RTX_4090}`));
    fake.boot(instanceId);
    fake.setStatus(instanceId, status as RunPodPodStatus);
    const instance = await provider.getInstance(instanceId);
    expect(instance!.status).toBe(expected);
    expect(instance!.ssh === null).toBe(expected !== 'running');
    expect((await provider.listInstances()).find((i) => i.instanceId === instanceId)!.status).toBe(expected);
  });

  it('treats terminated and unknown pods as gone', async () => {
    const { instanceId } = await provider.createInstance(request(`secure.US-KS-2.1x.${RTX_4090}`));
    fake.setStatus(instanceId, 'TERMINATED');
    expect(await provider.getInstance(instanceId)).toBeUndefined();
    expect((await provider.listInstances()).map((i) => i.instanceId)).not.toContain(instanceId);
    fake.vanish(instanceId);
    expect(await provider.getInstance(instanceId)).toBeUndefined();
  });

  it('destroys a pod, and treats destroying one that is already gone (404) as done', async () => {
    const { instanceId } = await provider.createInstance(request(`secure.US-KS-2.1x.${RTX_4090}`));
    await provider.destroyInstance(instanceId);
    expect(fake.pods.has(instanceId)).toBe(false);
    await expect(provider.destroyInstance(instanceId)).resolves.toBeUndefined();
    const deletes = fake.requests.filter((r) => r.method === 'DELETE' && r.path === `/v2/pods/${instanceId}`);
    expect(deletes).toHaveLength(2);
    expect(await errorCount('destroy_instance')).toBe(1);
    expect(await provider.getInstance(instanceId)).toBeUndefined();
  });

  it('lists every pod of the account, including ones nobody here created', async () => {
    const { instanceId } = await provider.createInstance(request(`secure.US-KS-2.1x.${RTX_4090}`));
    const foreign = fake.addForeign('someone-elses-notebook');
    const listed = await provider.listInstances();
    expect(listed.map((i) => i.instanceId).sort()).toEqual([instanceId, foreign].sort());
    expect(listed.find((i) => i.instanceId === foreign)).toMatchObject({
      label: 'someone-elses-notebook',
      status: 'running',
      pricePerHour: 0.34,
    });
  });
});

describe('runpod provider: errors', () => {
  it('retries a 429 honouring Retry-After and a 5xx with backoff, counting each failed attempt', async () => {
    fake.addForeign('someone-elses-notebook');
    fake.failNext(1, 429, { retryAfter: 3 });
    fake.failNext(1, 503);
    expect(await provider.listInstances()).toHaveLength(1);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBe(3000);
    expect(sleeps[1]).toBeGreaterThanOrEqual(750);
    expect(sleeps[1]).toBeLessThanOrEqual(1000);
    expect(fake.requests).toHaveLength(3);
    expect(await errorCount('list_instances')).toBe(2);
  });

  it('retries a rate-limited create and creates exactly one pod', async () => {
    fake.failNext(1, 429, { retryAfter: 1, match: '/pods' });
    const { instanceId } = await provider.createInstance(request(`secure.US-KS-2.1x.${RTX_4090}`));
    expect(sleeps).toEqual([1000]);
    expect([...fake.pods.keys()]).toEqual([instanceId]);
  });

  it('surfaces no capacity in the offer’s data center as a ProviderApiError 400, without retrying', async () => {
    await provider.createInstance(request(`secure.EU-RO-1.1x.${RTX_4090}`));
    const failed = provider.createInstance(request(`secure.EU-RO-1.1x.${RTX_4090}`));
    await expect(failed).rejects.toBeInstanceOf(ProviderApiError);
    await expect(failed).rejects.toMatchObject({
      provider: 'runpod',
      operation: 'create_instance',
      status: 400,
      message: expect.stringMatching(/no longer any instances available/),
    });
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  it('gives up after the retries on a persistent outage with a ProviderApiError carrying the status', async () => {
    fake.failNext(10, 502);
    await expect(provider.listInstances()).rejects.toMatchObject({ name: 'ProviderApiError', status: 502 });
    expect(fake.requests).toHaveLength(3);
    expect(await errorCount('list_instances')).toBe(3);
  });

  it('refuses an offer id that is not a RunPod offer before calling RunPod', async () => {
    await expect(provider.createInstance(request('12345'))).rejects.toMatchObject({
      name: 'ProviderApiError',
      status: 400,
      message: expect.stringMatching(/not <cloud>/),
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('rejects a wrong API key as a ProviderApiError 401 without retrying', async () => {
    build('wrong');
    await expect(provider.getInstance('rp00000001')).rejects.toMatchObject({ name: 'ProviderApiError', status: 401 });
    expect(fake.requests).toHaveLength(1);
  });
});
