/**
 * A fake of TensorDock's v2 API, built from its documented shapes (JSON:API style `data` bodies, locations
 * with GPU stock and prices, VM states starting → running → deleted, SSH through a forwarded port). Test
 * controls as for every provider fake.
 */
import { Hono } from 'hono';
import type {
  TensorDockCreateRequest,
  TensorDockInstance,
  TensorDockLocation,
} from '../../packages/server/src/providers/tensordock/tensordock-types.js';
import { fakeControls, type FakeControls } from './fake-controls.js';

export interface FakeTensorDock extends FakeControls {
  fetch: typeof fetch;
  locations: TensorDockLocation[];
  instances: Map<string, TensorDockInstance & { ssh_key: string; gpus: Record<string, { count: number }> }>;
  boot(id: string): void;
  addForeign(name: string): string;
}

export function createFakeTensorDock(apiKey = 'tensordock-test-key'): FakeTensorDock {
  const locations: TensorDockLocation[] = [
    {
      id: 'loc-austin',
      city: 'Austin',
      stateprovince: 'Texas',
      country: 'United States',
      gpus: [
        {
          v0Name: 'h100-sxm5-80gb',
          displayName: 'H100 SXM5 80GB',
          max_count: 8,
          price_per_hr: 2.2,
          pricing: { per_vcpu_hr: 0.003, per_gb_ram_hr: 0.002, per_gb_storage_hr: 0.00005 },
        },
        {
          v0Name: 'geforcertx4090-pcie-24gb',
          displayName: 'GeForce RTX 4090 PCIe 24GB',
          max_count: 0,
          price_per_hr: 0.35,
        },
      ],
    },
  ];
  const instances: FakeTensorDock['instances'] = new Map();
  let next = 1;
  const { controls, middleware } = fakeControls(
    apiKey,
    () => ({ error: 'Too many requests', status: 429 }),
    (c) => c.json({ error: 'Unauthorized' }, 401),
  );
  const app = new Hono().basePath('/api/v2');
  app.use('*', middleware);
  app.get('/locations', (c) => c.json({ data: { locations } }));
  app.post('/instances', async (c) => {
    const { data } = (await c.req.json()) as TensorDockCreateRequest;
    const [gpu] = Object.keys(data.attributes.resources.gpus);
    const stock = locations.find((l) => l.id === data.attributes.location_id)?.gpus.find((g) => g.v0Name === gpu);
    if (!stock || stock.max_count < 1)
      return c.json({ error: `No ${gpu} available at ${data.attributes.location_id}` }, 400);
    const id = `00000000-0000-4000-8000-${String(next++).padStart(12, '0')}`;
    instances.set(id, {
      type: 'virtualmachine',
      id,
      attributes: { name: data.attributes.name, status: 'starting', rateHourly: stock.price_per_hr },
      ssh_key: data.attributes.ssh_key,
      gpus: data.attributes.resources.gpus,
    });
    return c.json({ data: { type: 'virtualmachine', id, name: data.attributes.name, status: 'starting' } });
  });
  const view = ({
    ssh_key: _key,
    gpus: _gpus,
    ...rest
  }: FakeTensorDock['instances'] extends Map<string, infer V> ? V : never) => rest;
  app.get('/instances', (c) =>
    c.json({ data: { type: 'list', id: 'instances', attributes: { instances: [...instances.values()].map(view) } } }),
  );
  app.get('/instances/:id', (c) => {
    const instance = instances.get(c.req.param('id'));
    return instance ? c.json({ data: view(instance) }) : c.json({ error: 'Instance not found' }, 404);
  });
  app.delete('/instances/:id', (c) => {
    const instance = instances.get(c.req.param('id'));
    if (!instance || instance.attributes.status === 'deleted') return c.json({ error: 'Instance not found' }, 404);
    instance.attributes.status = 'deleted';
    return c.json({ data: { type: 'virtualmachine', id: instance.id, status: 'deleting' } });
  });

  return Object.assign(controls, {
    fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
      Promise.resolve(app.fetch(new Request(input, init)))) as typeof fetch,
    locations,
    instances,
    boot(id: string) {
      const instance = instances.get(id);
      if (instance)
        Object.assign(instance.attributes, {
          status: 'running',
          ipAddress: '203.0.113.7',
          portForwards: { '22': 40022 },
        });
    },
    addForeign(name: string) {
      const id = `ffffffff-0000-4000-8000-${String(next++).padStart(12, '0')}`;
      instances.set(id, { type: 'virtualmachine', id, attributes: { name, status: 'running' }, ssh_key: '', gpus: {} });
      return id;
    },
  });
}
