/** The TensorDock adapter against a fake of TensorDock's documented v2 API. */
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakeTensorDock, type FakeTensorDock } from '../../../../../test/fakes/tensordock-api.js';
import { fakeProviderHttp } from '../../../../../test/fakes/fake-provider-http.js';
import type { GpuProvider } from '../provider.js';
import { createTensorDockProvider } from './tensordock-provider.js';

let fake: FakeTensorDock;
let provider: GpuProvider;
beforeEach(() => {
  fake = createFakeTensorDock();
  provider = createTensorDockProvider(
    fakeProviderHttp('tensordock', fake, {
      baseUrl: 'https://dashboard.tensordock.com/api/v2',
      apiKey: 'tensordock-test-key',
    }).http,
  );
});
const request = {
  image: 'ubuntu2404',
  label: 'cp-dep_abc-sess_1',
  diskGb: 50,
  env: {},
  onStartCmd: 'nvidia-smi',
  sshPublicKey: 'ssh-ed25519 AAAA test',
};

describe('tensordock provider', () => {
  it('offers GPUs in stock per location, the minimum VM priced in', async () => {
    const offers = await provider.listOffers();
    expect(offers).toEqual([
      expect.objectContaining({
        providerId: 'loc-austin:h100-sxm5-80gb',
        gpuType: 'H100 SXM5',
        vramGb: 80,
        gpuCount: 1,
        location: 'Austin, Texas, United States',
        pricePerHour: 2.227,
      }),
    ]);
  });

  it('creates a VM with the key and the start command, and reads its forwarded SSH port once running', async () => {
    const { instanceId } = await provider.createInstance({ ...request, providerOfferId: 'loc-austin:h100-sxm5-80gb' });
    expect(fake.instances.get(instanceId)).toMatchObject({
      ssh_key: 'ssh-ed25519 AAAA test',
      gpus: { 'h100-sxm5-80gb': { count: 1 } },
    });
    expect(await provider.getInstance(instanceId)).toMatchObject({
      status: 'provisioning',
      ssh: null,
      label: 'cp-dep_abc-sess_1',
    });
    fake.boot(instanceId);
    expect(await provider.getInstance(instanceId)).toMatchObject({
      status: 'running',
      ssh: { host: '203.0.113.7', port: 40022 },
    });
    await provider.destroyInstance(instanceId);
    await provider.destroyInstance(instanceId);
    expect(await provider.getInstance(instanceId)).toBeUndefined();
  });

  it('refuses an offer out of stock, and lists instances nobody here created', async () => {
    await expect(
      provider.createInstance({ ...request, providerOfferId: 'loc-austin:geforcertx4090-pcie-24gb' }),
    ).rejects.toMatchObject({ status: 400 });
    const foreign = fake.addForeign('someone-else');
    expect((await provider.listInstances()).map((i) => [i.instanceId, i.label])).toContainEqual([
      foreign,
      'someone-else',
    ]);
  });
});
