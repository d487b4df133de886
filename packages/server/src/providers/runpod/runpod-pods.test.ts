/**
 * RunPod pods (stop keeps the volume, start boots it again, terminate deletes it) through the adapter
 * against the fake of RunPod's API: the requests it sends, activity from the pod's runtime report, and
 * failures: 5xx retried then surfaced, a hung API cut off by the timeout, a pod that vanished.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakeRunPod, type FakeRunPod } from '../../../../../test/fakes/runpod-api.js';
import { fakeProviderHttp } from '../../../../../test/fakes/fake-provider-http.js';
import { isGone, ProviderApiError } from '../provider-http.js';
import type { CreateInstanceRequest, GpuProvider, PodOperations } from '../provider.js';
import { createRunPodProvider } from './runpod-provider.js';

let fake: FakeRunPod;
let provider: GpuProvider;
let pods: PodOperations;
const sleeps: number[] = [];

function build(options: { timeoutMs?: number } = {}) {
  const built = fakeProviderHttp('runpod', fake, {
    baseUrl: 'https://api.runpod.io/v2',
    apiKey: 'runpod-test-key',
    retries: 2,
    sleeps,
    ...options,
  });
  provider = createRunPodProvider(built.http);
  pods = provider.pods!;
}

beforeEach(() => {
  fake = createFakeRunPod();
  sleeps.length = 0;
  build();
});

const request: CreateInstanceRequest = {
  providerOfferId: 'secure.US-KS-2.1x.NVIDIA_A100-SXM4-80GB',
  image: 'hubify/base:latest',
  label: 'cpp-pod_abc',
  diskGb: 20,
  env: { EXPERIMENT_ID: 'EXP-1' },
  onStartCmd: null,
  sshPublicKey: 'ssh-ed25519 AAAA pod-key\nssh-ed25519 BBBB lab-key',
  volume: { id: 'pod-abc', sizeGb: 100 },
};

async function runningPod(): Promise<string> {
  const { instanceId } = await provider.createInstance(request);
  fake.boot(instanceId);
  return instanceId;
}
const free = () => fake.stock.find((s) => s.gpuId === 'NVIDIA A100-SXM4-80GB')!.free;

describe('RunPod pods', () => {
  it('creates a pod with its volume at /workspace and every key in PUBLIC_KEY', async () => {
    await runningPod();
    expect(fake.created[0]).toMatchObject({
      volumeInGb: 100,
      volumeMountPath: '/workspace',
      env: { EXPERIMENT_ID: 'EXP-1', PUBLIC_KEY: request.sshPublicKey },
    });
    expect(pods.volumePath).toBe('/workspace');
    expect(pods.vanishedKeepsVolume).toBe(false);
  });

  it('stops (GPU released, pod kept), starts again under the same id, and deletes it with its volume', async () => {
    const id = await runningPod();
    expect(free()).toBe(7);
    await pods.stop(id);
    expect(fake.pods.get(id)!.status).toBe('EXITED');
    expect(free()).toBe(8);
    expect((await provider.getInstance(id))!.status).toBe('stopped');
    expect(await pods.start(id, request as never)).toEqual({ instanceId: id });
    expect(fake.pods.get(id)!.status).toBe('STARTING');
    expect((await provider.getInstance(id))!.status).toBe('provisioning');
    fake.boot(id);
    expect((await provider.getInstance(id))!.ssh).not.toBeNull();
    await pods.stop(id);
    await pods.deleteVolume('pod-abc', id);
    expect(fake.pods.has(id)).toBe(false);
    await pods.deleteVolume('pod-abc', id); // idempotent: already gone
    expect(
      fake.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path.replace(id, ':id')}`),
    ).toEqual([
      'POST /v2/pods',
      'POST /v2/pods/:id/stop',
      'POST /v2/pods/:id/start',
      'POST /v2/pods/:id/stop',
      'DELETE /v2/pods/:id',
      'DELETE /v2/pods/:id',
    ]);
  });

  it('samples GPU and CPU use from the runtime report, and gives no sample when the pod reports none', async () => {
    const id = await runningPod();
    expect(await pods.sample(id)).toBeNull();
    fake.pods.get(id)!.runtime = {
      gpus: [
        { id: 'g0', gpuUtilPercent: 90 },
        { id: 'g1', gpuUtilPercent: 10 },
      ],
      container: { cpuPercent: 35 },
    };
    expect(await pods.sample(id)).toMatchObject({
      gpuUtilization: 50,
      cpuPercent: 35,
      processes: null,
      sshSessions: null,
    });
    fake.vanish(id);
    expect(await pods.sample(id)).toBeNull();
  });

  it('retries 5xx answers and surfaces them when they persist', async () => {
    const id = await runningPod();
    fake.failNext(2, 503, { match: '/stop' });
    await pods.stop(id);
    expect(fake.pods.get(id)!.status).toBe('EXITED');
    expect(sleeps.length).toBe(2);
    fake.failNext(3, 500, { match: '/start' });
    const error = await pods.start(id, request as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderApiError);
    expect((error as ProviderApiError).status).toBe(500);
    expect(fake.pods.get(id)!.status).toBe('EXITED');
  });

  it('cuts off an API that does not answer', async () => {
    build({ timeoutMs: 50 });
    const id = await runningPod();
    fake.delayMs = 1_000;
    const error = await pods.stop(id).catch((e: unknown) => e);
    fake.delayMs = 0;
    expect(error).toBeInstanceOf(ProviderApiError);
    expect((error as Error).message).toMatch(/stop_instance/);
  });

  it('reports a vanished pod as gone (404), refuses to start a running one, and runs out of GPUs on start', async () => {
    const id = await runningPod();
    const again = await pods.start(id, request as never).catch((e: unknown) => e);
    expect((again as ProviderApiError).status).toBe(400);
    await pods.stop(id);
    fake.stock.find((s) => s.gpuId === 'NVIDIA A100-SXM4-80GB')!.free = 0;
    const full = await pods.start(id, request as never).catch((e: unknown) => e);
    expect((full as Error).message).toMatch(/not enough free GPUs/);
    fake.vanish(id);
    const gone = await pods.stop(id).catch((e: unknown) => e);
    expect(isGone(gone)).toBe(true);
    expect(await provider.getInstance(id)).toBeUndefined();
  });
});
