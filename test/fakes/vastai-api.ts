/**
 * A fake of Vast.ai's REST API, built from its documented request and response shapes (the real API
 * cannot be reached from here). It keeps offers, templates and rented instances in memory, checks the
 * Bearer key, and has test controls to inject delays, failures (status codes, with Retry-After),
 * instances that vanish, and instances nobody here rented. The template search honours `eq` conditions
 * of `select_filters`, as the real search does.
 */
import { Hono } from 'hono';
import { fakeControls, type FakeControls } from './fake-controls.js';
import type { VastInstance, VastOffer, VastTemplate } from '../../packages/server/src/providers/vastai/vastai-types.js';

export interface FakeVastAi extends FakeControls {
  fetch: typeof fetch;
  offers: VastOffer[];
  templates: VastTemplate[];
  instances: Map<number, VastInstance & { ssh_keys: string[]; image: string }>;
  /** Marks an instance running with SSH details, as the host would once booted. */
  boot(id: number): void;
  /** The instance disappears on the provider side (host reclaimed). */
  vanish(id: number): void;
  /** An instance appears that no deployment here created. */
  addForeign(label: string | null): number;
}

export function createFakeVastAi(apiKey = 'vast-test-key'): FakeVastAi {
  const offers: VastOffer[] = [
    {
      id: 1001,
      gpu_name: 'RTX_4090',
      num_gpus: 1,
      gpu_ram: 24564,
      dph_total: 0.45,
      geolocation: 'US-West',
      reliability2: 0.98,
      rentable: true,
      cuda_max_good: 12.8,
      duration: 0,
    },
    {
      id: 1002,
      gpu_name: 'A100_SXM4',
      num_gpus: 2,
      gpu_ram: 81920,
      dph_total: 2.1,
      geolocation: 'EU-Central',
      reliability2: 0.995,
      rentable: true,
      cuda_max_good: 13.0,
      duration: 7 * 24 * 3600,
    },
  ];
  const templates: VastTemplate[] = [
    {
      id: 338630,
      hash_id: 'a8a44c7363cbca20056020397e3bf072',
      name: 'Ollama',
      image: 'vastai/ollama',
      tag: '0.15.4',
      env: '-p 1111:1111 -p 21434:21434 -e OLLAMA_MODEL=qwen3:14b -e OPEN_BUTTON_PORT=1111',
      onstart: 'entrypoint.sh',
      runtype: 'jupyter',
      use_ssh: true,
      ssh_direct: true,
      recommended: true,
      recommended_disk_space: 32,
      extra_filters: '{"cpu_arch": {"in": ["arm64", "amd64"]}}',
      creator_id: 62897,
      created_at: 1770056848,
      count_created: 302,
    },
    {
      id: 401122,
      hash_id: 'c3e1f0a9b2d44e7f8a6b5c4d3e2f1a0b',
      name: 'vLLM',
      image: 'vllm/vllm-openai',
      tag: 'v0.11.0',
      env: "-p 8000:8000 -e VLLM_ARGS='--max-model-len 8192'",
      onstart: null,
      runtype: 'args',
      use_ssh: true,
      ssh_direct: false,
      recommended: true,
      recommended_disk_space: 64,
      extra_filters: '{"cuda_max_good": {"gte": "12.9"}, "gpu_ram": {"gte": 40000}}',
      creator_id: 62897,
      created_at: 1762000200.25,
      count_created: 1250,
    },
    {
      id: 298001,
      hash_id: '5b9d2c7e8f1a4b3c9d0e6f7a8b9c0d1e',
      name: 'PyTorch (CUDA 12.4)',
      image: 'vastai/pytorch',
      tag: '2.5.1-cuda-12.4',
      env: '-p 8080:8080',
      onstart: 'entrypoint.sh',
      runtype: 'ssh',
      use_ssh: true,
      ssh_direct: true,
      recommended: true,
      recommended_disk_space: null,
      extra_filters: { cuda_max_good: { gte: 12.4 }, num_gpus: { lte: 1 } },
      creator_id: 62897,
      created_at: 1749546000,
      count_created: 8800,
    },
    {
      id: 777001,
      hash_id: 'ffff0000ffff0000ffff0000ffff0000',
      name: 'someone’s ollama fork',
      image: 'someone/ollama',
      tag: 'latest',
      env: '',
      runtype: 'ssh',
      use_ssh: true,
      recommended: false,
      extra_filters: null,
      creator_id: 1234,
      created_at: 1768464000,
      count_created: 3,
    },
  ];
  const instances: FakeVastAi['instances'] = new Map();
  let nextId = 5000;
  const { controls, middleware } = fakeControls(
    apiKey,
    () => ({ success: false, error: 'injected_failure', msg: 'API requests too frequent' }),
    (c) => c.json({ success: false, error: 'auth_error', msg: 'Invalid API key' }, 401),
  );

  const app = new Hono();
  app.use('*', middleware);
  app.get('/api/v0/bundles/', (c) => {
    const query = JSON.parse(c.req.query('q') ?? '{}') as { rentable?: { eq: boolean } };
    return c.json({ offers: offers.filter((offer) => !query.rentable?.eq || offer.rentable) });
  });
  app.get('/api/v0/template/', (c) => {
    const filters = JSON.parse(c.req.query('select_filters') ?? '{}') as Record<string, { eq?: unknown }>;
    const found = templates.filter((template) =>
      Object.entries(filters).every(
        ([field, condition]) =>
          condition.eq === undefined || (template as unknown as Record<string, unknown>)[field] === condition.eq,
      ),
    );
    return c.json({ success: true, templates_found: found.length, templates: found });
  });
  app.put('/api/v0/asks/:id/', async (c) => {
    const offer = offers.find((o) => String(o.id) === c.req.param('id'));
    if (!offer || !offer.rentable)
      return c.json(
        { success: false, error: 'no_such_ask', msg: `Instance type ${c.req.param('id')} is no longer available.` },
        404,
      );
    const body = (await c.req.json()) as { image: string; label: string };
    const id = nextId++;
    instances.set(id, {
      id,
      actual_status: null,
      label: body.label,
      image: body.image,
      ssh_keys: [],
      start_date: Date.now() / 1000,
      dph_total: offer.dph_total,
    });
    return c.json({ success: true, new_contract: id });
  });
  app.post('/api/v0/instances/:id/ssh/', async (c) => {
    const instance = instances.get(Number(c.req.param('id')));
    if (!instance) return c.json({ success: false, error: 'no_such_instance' }, 404);
    instance.ssh_keys.push(((await c.req.json()) as { ssh_key: string }).ssh_key);
    return c.json({ success: true });
  });
  app.get('/api/v0/instances/', (c) =>
    c.json({ instances: [...instances.values()].map(({ ssh_keys: _keys, image: _image, ...rest }) => rest) }),
  );
  app.get('/api/v0/instances/:id/', (c) => {
    const instance = instances.get(Number(c.req.param('id')));
    if (!instance) return c.json({ instances: null });
    const { ssh_keys: _keys, image: _image, ...rest } = instance;
    return c.json({ instances: rest });
  });
  app.delete('/api/v0/instances/:id/', (c) => {
    const id = Number(c.req.param('id'));
    if (!instances.delete(id))
      return c.json({ success: false, error: 'no_such_instance', msg: 'Instance not found' }, 404);
    return c.json({ success: true });
  });

  const fake: FakeVastAi = Object.assign(controls, {
    fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
      Promise.resolve(app.fetch(new Request(input, init)))) as typeof fetch,
    offers,
    templates,
    instances,
    boot(id: number) {
      const instance = instances.get(id);
      if (instance)
        Object.assign(instance, {
          actual_status: 'running',
          ssh_host: `ssh${id % 10}.vast.ai`,
          ssh_port: 20000 + (id % 1000),
        });
    },
    vanish(id: number) {
      instances.delete(id);
    },
    addForeign(label: string | null) {
      const id = nextId++;
      instances.set(id, {
        id,
        actual_status: 'running',
        label,
        image: 'foreign',
        ssh_keys: [],
        start_date: Date.now() / 1000,
        dph_total: 0.3,
      });
      return id;
    },
  });
  return fake;
}
