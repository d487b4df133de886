/**
 * A fake of Lambda Cloud's REST API, built from its documented shapes (`data` envelopes, `{error: {code,
 * message}}` errors, instance states booting → active → terminated). Test controls as for every provider
 * fake, plus booting an instance, making one vanish, and adding one nobody here launched.
 */
import { Hono } from 'hono';
import type {
  LambdaInstance,
  LambdaInstanceType,
  LambdaLaunchRequest,
} from '../../packages/server/src/providers/lambda/lambda-types.js';
import { fakeControls, type FakeControls } from './fake-controls.js';

export interface FakeLambda extends FakeControls {
  fetch: typeof fetch;
  types: Record<string, LambdaInstanceType>;
  instances: Map<string, LambdaInstance & { ssh_key_names: string[] }>;
  sshKeys: Map<string, string>;
  boot(id: string): void;
  vanish(id: string): void;
  addForeign(name: string | null): string;
}

const notFound = (message: string) => ({ error: { code: 'global/object-does-not-exist', message } });

export function createFakeLambda(apiKey = 'lambda-test-key'): FakeLambda {
  const types: FakeLambda['types'] = {
    gpu_1x_a10: {
      instance_type: {
        name: 'gpu_1x_a10',
        description: '1x A10 (24 GB PCIe)',
        gpu_description: '1x A10 (24 GB PCIe)',
        price_cents_per_hour: 75,
        specs: { vcpus: 30, memory_gib: 200, storage_gib: 1400, gpus: 1 },
      },
      regions_with_capacity_available: [
        { name: 'us-east-1', description: 'Virginia, USA' },
        { name: 'us-west-1', description: 'California, USA' },
      ],
    },
    gpu_8x_h100_sxm5: {
      instance_type: {
        name: 'gpu_8x_h100_sxm5',
        description: '8x H100 (80 GB SXM5)',
        gpu_description: '8x H100 (80 GB SXM5)',
        price_cents_per_hour: 2392,
        specs: { vcpus: 208, memory_gib: 1800, storage_gib: 24780, gpus: 8 },
      },
      regions_with_capacity_available: [],
    },
  };
  const instances: FakeLambda['instances'] = new Map();
  const sshKeys = new Map<string, string>();
  let next = 1;
  const { controls, middleware } = fakeControls(
    apiKey,
    () => ({ error: { code: 'global/quota-exceeded', message: 'Too many requests' } }),
    (c) =>
      c.json({ error: { code: 'global/invalid-api-key', message: 'API key was invalid, expired, or deleted.' } }, 401),
  );

  const app = new Hono().basePath('/api/v1');
  app.use('*', middleware);
  app.get('/instance-types', (c) => c.json({ data: types }));
  app.post('/ssh-keys', async (c) => {
    const { name, public_key } = (await c.req.json()) as { name: string; public_key: string };
    if (sshKeys.has(name))
      return c.json({ error: { code: 'global/invalid-parameters', message: 'SSH key name already in use' } }, 400);
    sshKeys.set(name, public_key);
    return c.json({ data: { id: `key-${name}`, name, public_key } });
  });
  app.post('/instance-operations/launch', async (c) => {
    const body = (await c.req.json()) as LambdaLaunchRequest;
    const type = types[body.instance_type_name];
    if (!type || !type.regions_with_capacity_available.some((r) => r.name === body.region_name)) {
      return c.json(
        {
          error: {
            code: 'instance-operations/launch/insufficient-capacity',
            message: 'Not enough capacity to fulfill launch request.',
          },
        },
        400,
      );
    }
    const id = `inst-${next++}`;
    instances.set(id, {
      id,
      name: body.name,
      status: 'booting',
      region: { name: body.region_name },
      instance_type: { name: type.instance_type.name, price_cents_per_hour: type.instance_type.price_cents_per_hour },
      ssh_key_names: body.ssh_key_names,
    });
    return c.json({ data: { instance_ids: [id] } });
  });
  app.get('/instances', (c) =>
    c.json({ data: [...instances.values()].map(({ ssh_key_names: _keys, ...rest }) => rest) }),
  );
  app.get('/instances/:id', (c) => {
    const instance = instances.get(c.req.param('id'));
    if (!instance) return c.json(notFound('Instance not found'), 404);
    const { ssh_key_names: _keys, ...rest } = instance;
    return c.json({ data: rest });
  });
  app.post('/instance-operations/terminate', async (c) => {
    const { instance_ids } = (await c.req.json()) as { instance_ids: string[] };
    const found = instance_ids.map((id) => instances.get(id));
    if (found.some((instance) => !instance || instance.status === 'terminated'))
      return c.json(notFound('Instance not found'), 404);
    for (const instance of found) instance!.status = 'terminated';
    return c.json({ data: { terminated_instances: found } });
  });

  return Object.assign(controls, {
    fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
      Promise.resolve(app.fetch(new Request(input, init)))) as typeof fetch,
    types,
    instances,
    sshKeys,
    boot(id: string) {
      const instance = instances.get(id);
      if (instance) Object.assign(instance, { status: 'active', ip: `10.0.0.${Number(id.split('-')[1]) % 250}` });
    },
    vanish(id: string) {
      instances.delete(id);
    },
    addForeign(name: string | null) {
      const id = `inst-${next++}`;
      instances.set(id, { id, name, status: 'active', ip: '10.9.9.9', ssh_key_names: [] });
      return id;
    },
  });
}
