/** The Lambda Cloud adapter against a fake of Lambda's documented API. */
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakeLambda, type FakeLambda } from '../../../../../test/fakes/lambda-api.js';
import { fakeProviderHttp } from '../../../../../test/fakes/fake-provider-http.js';
import type { GpuProvider } from '../provider.js';
import { createLambdaProvider } from './lambda-provider.js';

let fake: FakeLambda;
let provider: GpuProvider;

beforeEach(() => {
  fake = createFakeLambda();
  provider = createLambdaProvider(
    fakeProviderHttp('lambda', fake, { baseUrl: 'https://cloud.lambdalabs.com/api/v1', apiKey: 'lambda-test-key' })
      .http,
  );
});

const request = {
  image: 'ignored',
  label: 'cp-dep_abc-sess_1',
  diskGb: 100,
  env: {},
  onStartCmd: null,
  sshPublicKey: 'ssh-ed25519 AAAA test',
};

describe('lambda provider', () => {
  it('turns each instance type with capacity in a region into an offer', async () => {
    const offers = await provider.listOffers();
    expect(offers.map((o) => o.providerId)).toEqual(['gpu_1x_a10@us-east-1', 'gpu_1x_a10@us-west-1']);
    expect(offers[0]).toMatchObject({
      provider: 'lambda',
      gpuType: 'A10',
      vramGb: 24,
      gpuCount: 1,
      pricePerHour: 0.75,
      location: 'us-east-1',
    });
  });

  it('registers the SSH key, launches with the label as name, and follows the instance to active', async () => {
    const { instanceId } = await provider.createInstance({ ...request, providerOfferId: 'gpu_1x_a10@us-west-1' });
    expect(fake.sshKeys.get('cp-dep_abc-sess_1')).toBe('ssh-ed25519 AAAA test');
    expect(fake.instances.get(instanceId)!.ssh_key_names).toEqual(['cp-dep_abc-sess_1']);
    expect(await provider.getInstance(instanceId)).toMatchObject({
      status: 'provisioning',
      ssh: null,
      label: 'cp-dep_abc-sess_1',
    });
    fake.boot(instanceId);
    expect(await provider.getInstance(instanceId)).toMatchObject({
      status: 'running',
      ssh: { port: 22, user: 'ubuntu' },
      pricePerHour: 0.75,
    });
  });

  it('treats terminated and unknown instances as gone, and destroying twice as success', async () => {
    const { instanceId } = await provider.createInstance({ ...request, providerOfferId: 'gpu_1x_a10@us-east-1' });
    await provider.destroyInstance(instanceId);
    expect(await provider.getInstance(instanceId)).toBeUndefined();
    expect((await provider.listInstances()).map((i) => i.instanceId)).not.toContain(instanceId);
    await provider.destroyInstance(instanceId);
    fake.vanish(instanceId);
    expect(await provider.getInstance(instanceId)).toBeUndefined();
  });

  it('reports no capacity as a refused request, and lists instances nobody here launched', async () => {
    await expect(
      provider.createInstance({ ...request, providerOfferId: 'gpu_8x_h100_sxm5@us-east-1' }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/capacity/) });
    const foreign = fake.addForeign(null);
    expect((await provider.listInstances()).find((i) => i.instanceId === foreign)).toMatchObject({
      label: null,
      status: 'running',
    });
  });

  it('retries rate limits', async () => {
    fake.failNext(2, 429, { retryAfter: 0 });
    expect(await provider.listOffers()).toHaveLength(2);
    expect(fake.requests.filter((r) => r.path.endsWith('/instance-types'))).toHaveLength(3);
  });
});
