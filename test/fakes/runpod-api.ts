/**
 * A fake of RunPod's REST API v2, built from its documented shapes (the real API cannot be reached from here):
 * the GPU catalog with per-GPU prices and pod stock per cloud, data center and GPU count
 * (`include=AVAILABILITY&product=POD`), pods that go PROVISIONING → RUNNING, RFC 9457 problem bodies, unknown
 * create fields refused by name (422), no capacity as 400. It checks the Bearer key and has the test controls of
 * every provider fake, plus booting a pod, moving it to any status, making one vanish, and adding one nobody
 * here created. Pods stop (`POST /pods/{id}/stop`: EXITED, GPUs released, volume kept) and start again
 * (`POST /pods/{id}/start`: STARTING while GPUs are free in its data center, then `boot`). Every create body it received is kept in `created`.
 */
import { Hono, type Context } from 'hono';
import type {
  RunPodAvailability,
  RunPodCloud,
  RunPodGpuType,
  RunPodPod,
  RunPodPodStatus,
} from '../../packages/server/src/providers/runpod/runpod-types.js';
import { fakeControls, type FakeControls } from './fake-controls.js';

/** Free GPUs of one GPU type in one cloud and data center (the largest block one machine has free). */
export interface FakeRunPodStock {
  gpuId: string;
  cloud: RunPodCloud;
  dataCenter: { id: string; name: string };
  free: number;
}

/** A pod as the API returns it (every documented field, also the ones the adapter does not read). */
export type FakeRunPodPod = RunPodPod & {
  registry: string | null;
  actions: string[];
  mounts: Record<string, unknown>;
  template: string | null;
  locked: boolean;
  globalNetworking: { enabled: boolean };
};

export interface FakeRunPod extends FakeControls {
  fetch: typeof fetch;
  gpus: (Omit<RunPodGpuType, 'availability' | 'dataCenters' | 'cudaVersions'> & { cuda: string[] })[];
  stock: FakeRunPodStock[];
  pods: Map<string, FakeRunPodPod>;
  /** Every create-pod body received, as sent. */
  created: Record<string, unknown>[];
  /** The pod is up: RUNNING with 22/tcp published (and, unless `direct: false`, its `ssh.direct` endpoint). */
  boot(id: string, options?: { direct?: boolean }): void;
  setStatus(id: string, status: RunPodPodStatus): void;
  /** The pod disappears on RunPod's side (host failure, deleted in the console). */
  vanish(id: string): void;
  /** A pod appears that no deployment here created. */
  addForeign(name: string): string;
}

/** The create body as received: anything may be missing or mistyped. */
type CreateBody = Partial<{
  name: string;
  image: string;
  gpu: { id?: string; count?: number };
  cloud: RunPodCloud;
  dataCenterIds: string[];
  disk: number;
  env: Record<string, unknown>;
  ports: string[];
  args: string;
}>;

const CREATE_FIELDS = new Set([
  'name',
  'image',
  'args',
  'disk',
  'ports',
  'env',
  'registry',
  'mounts',
  'cloud',
  'cpu',
  'dataCenterIds',
  'globalNetworking',
  'gpu',
  'startJupyter',
  'startSsh',
  'templateId',
  'volumeInGb',
  'volumeMountPath',
]);
const LEVELS: RunPodAvailability[] = ['NONE', 'LOW', 'MEDIUM', 'HIGH'];

const problem = (c: Context, status: number, title: string, detail: string, errors?: string[]) =>
  c.body(JSON.stringify({ title, status, detail, ...(errors ? { errors } : {}) }), status as 400, {
    'Content-Type': 'application/problem+json',
  });

/** Stock for a pod of `count` GPUs: none below it, high with four times it free. */
const level = (free: number, count: number): RunPodAvailability =>
  free < count ? 'NONE' : free >= 4 * count ? 'HIGH' : free >= 2 * count ? 'MEDIUM' : 'LOW';

export function createFakeRunPod(apiKey = 'runpod-test-key'): FakeRunPod {
  const gpus: FakeRunPod['gpus'] = [
    {
      id: 'NVIDIA GeForce RTX 4090',
      name: 'RTX 4090',
      manufacturer: 'NVIDIA',
      memory: 24,
      secure: true,
      community: true,
      price: { secure: 0.69, community: 0.34, serverless: 1.1 },
      maxCount: { secure: 8, community: 4 },
      cuda: ['12.4', '12.8'],
    },
    {
      id: 'NVIDIA A100-SXM4-80GB',
      name: 'A100 SXM',
      manufacturer: 'NVIDIA',
      memory: 80,
      secure: true,
      community: false,
      price: { secure: 1.49, community: 0 },
      maxCount: { secure: 8, community: 0 },
      cuda: ['12.8', '13.0'],
    },
    {
      id: 'NVIDIA H100 80GB HBM3',
      name: 'H100 SXM',
      manufacturer: 'NVIDIA',
      memory: 80,
      secure: true,
      community: false,
      price: { secure: 2.69, community: 0 },
      maxCount: { secure: 8, community: 0 },
      cuda: ['12.8'],
    },
  ];
  const stock: FakeRunPodStock[] = [
    { gpuId: 'NVIDIA GeForce RTX 4090', cloud: 'SECURE', dataCenter: { id: 'US-KS-2', name: 'US Kansas 2' }, free: 16 },
    { gpuId: 'NVIDIA GeForce RTX 4090', cloud: 'SECURE', dataCenter: { id: 'EU-RO-1', name: 'EU Romania 1' }, free: 1 },
    {
      gpuId: 'NVIDIA GeForce RTX 4090',
      cloud: 'COMMUNITY',
      dataCenter: { id: 'CA-MTL-1', name: 'CA Montreal 1' },
      free: 3,
    },
    { gpuId: 'NVIDIA A100-SXM4-80GB', cloud: 'SECURE', dataCenter: { id: 'US-KS-2', name: 'US Kansas 2' }, free: 8 },
    { gpuId: 'NVIDIA H100 80GB HBM3', cloud: 'SECURE', dataCenter: { id: 'US-TX-3', name: 'US Texas 3' }, free: 0 },
  ];
  const pods: FakeRunPod['pods'] = new Map();
  const created: Record<string, unknown>[] = [];
  let next = 1;
  const newId = () => `rp${(next++).toString(36).padStart(8, '0')}`;
  const { controls, middleware } = fakeControls(
    apiKey,
    () => ({ title: 'Too Many Requests', status: 429, detail: 'rate limit exceeded for the minute window' }),
    (c) => problem(c, 401, 'Unauthorized', 'invalid bearer token'),
  );

  const catalogEntry = (gpu: FakeRunPod['gpus'][number], cloud: RunPodCloud, count: number): RunPodGpuType => {
    const { cuda, ...base } = gpu;
    const key = cloud === 'SECURE' ? 'secure' : 'community';
    const offered = gpu[key] && count <= gpu.maxCount[key];
    const dataCenters = offered
      ? stock
          .filter((s) => s.gpuId === gpu.id && s.cloud === cloud)
          .map((s) => ({ ...s.dataCenter, availability: level(s.free, count) }))
      : [];
    const overall = dataCenters.reduce<RunPodAvailability>(
      (best, dc) => (LEVELS.indexOf(dc.availability) > LEVELS.indexOf(best) ? dc.availability : best),
      'NONE',
    );
    return {
      ...base,
      availability: overall,
      ...(overall !== 'NONE' ? { dataCenters } : {}),
      cudaVersions: cuda.map((version) => ({ version, available: overall !== 'NONE' })),
    };
  };

  const app = new Hono().basePath('/v2');
  app.use('*', middleware);

  app.get('/catalog/gpus', (c) => {
    const include = c.req.query('include');
    const product = c.req.query('product');
    const cloud = (c.req.query('cloud') ?? 'SECURE') as RunPodCloud;
    const count = Number(c.req.query('count') ?? 1);
    if (!include) {
      if (product || c.req.query('cloud') || c.req.query('count'))
        return problem(c, 400, 'Bad Request', 'product, cloud and count are valid only with include=AVAILABILITY');
      return c.json({ gpus: gpus.map(({ cuda: _cuda, ...base }) => base) });
    }
    if (include !== 'AVAILABILITY')
      return problem(c, 422, 'Unprocessable Entity', 'invalid include', [
        `include: '${include}' is not one of [AVAILABILITY]`,
      ]);
    if (!product) return problem(c, 400, 'Bad Request', 'product is required with include=AVAILABILITY');
    if (cloud !== 'SECURE' && cloud !== 'COMMUNITY')
      return problem(c, 422, 'Unprocessable Entity', 'invalid cloud', [
        `cloud: '${cloud}' is not one of [SECURE, COMMUNITY]`,
      ]);
    if (!Number.isInteger(count) || count < 1)
      return problem(c, 422, 'Unprocessable Entity', 'invalid count', ['count: must be >= 1']);
    return c.json({ gpus: gpus.map((gpu) => catalogEntry(gpu, cloud, count)) });
  });

  app.post('/pods', async (c) => {
    const body = (await c.req.json()) as Record<string, unknown>;
    created.push(body);
    const unknown = Object.keys(body).filter((field) => !CREATE_FIELDS.has(field));
    if (unknown.length)
      return problem(
        c,
        422,
        'Unprocessable Entity',
        'request body does not match the schema',
        unknown.map((field) => `$: additional properties '${field}' not allowed`),
      );
    const {
      name,
      image,
      gpu,
      cloud = 'SECURE',
      dataCenterIds = [],
      disk = 50,
      env = {},
      ports = [],
      args = '',
    } = body as CreateBody;
    const violations = [
      ...(typeof name === 'string' && name.length > 0 ? [] : ['$.name: required, at least 1 character']),
      ...(typeof image === 'string' && image.length > 0 ? [] : ['$.image: required unless templateId is set']),
      ...(Number.isInteger(disk) && disk >= 1 ? [] : ['$.disk: must be an integer >= 1']),
      ...Object.entries(env)
        .filter(([, value]) => typeof value !== 'string')
        .map(([key]) => `$.env.${key}: must be a string`),
    ];
    if (violations.length)
      return problem(c, 422, 'Unprocessable Entity', 'request body does not match the schema', violations);
    if (!gpu === !body.cpu) return problem(c, 400, 'Bad Request', 'exactly one of gpu or cpu must be set');
    const type = gpus.find((candidate) => candidate.id === gpu!.id);
    const count = gpu!.count ?? 1;
    const key = cloud === 'SECURE' ? 'secure' : 'community';
    if (!type || !type[key] || count > type.maxCount[key])
      return problem(c, 400, 'Bad Request', `GPU type '${gpu!.id}' x${count} is not offered on the ${cloud} cloud`);
    const place = stock.find(
      (s) =>
        s.gpuId === type.id &&
        s.cloud === cloud &&
        s.free >= count &&
        (dataCenterIds.length === 0 || dataCenterIds.includes(s.dataCenter.id)),
    );
    if (!place)
      return problem(
        c,
        400,
        'Bad Request',
        'There are no longer any instances available with the requested specifications. Please refresh and try again.',
      );
    place.free -= count;
    const id = newId();
    const pod: FakeRunPodPod = {
      id,
      name: name!,
      status: 'PROVISIONING',
      actions: ['stop', 'terminate'],
      image: image!,
      args,
      disk,
      ports,
      env: env as Record<string, string>,
      registry: null,
      mounts: {},
      gpu: { id: type.id, count },
      cloud,
      dataCenterId: place.dataCenter.id,
      cudaVersion: type.cuda.at(-1) ?? null,
      ssh: {
        proxy: {
          host: 'ssh.runpod.io',
          port: 22,
          username: `${id}-64411eb2`,
          command: `ssh ${id}-64411eb2@ssh.runpod.io`,
        },
        direct: null,
      },
      template: null,
      cost: Math.round(type.price[key] * count * 100) / 100,
      locked: false,
      globalNetworking: { enabled: false },
      runtime: null,
      createdAt: new Date().toISOString(),
      startedAt: null,
    };
    pods.set(id, pod);
    return c.json(pod, 201);
  });

  const placeOf = (pod: FakeRunPodPod) =>
    stock.find((s) => s.gpuId === pod.gpu?.id && s.cloud === pod.cloud && s.dataCenter.id === pod.dataCenterId);
  app.post('/pods/:id/stop', (c) => {
    const pod = pods.get(c.req.param('id'));
    if (!pod) return problem(c, 404, 'Not Found', 'pod not found');
    if (pod.status !== 'EXITED') {
      const place = placeOf(pod);
      if (place) place.free += pod.gpu!.count;
    }
    Object.assign(pod, { status: 'EXITED', runtime: null, cost: 0, actions: ['start', 'terminate'] });
    pod.ssh = { ...pod.ssh, direct: null };
    return c.json(pod);
  });
  app.post('/pods/:id/start', (c) => {
    const pod = pods.get(c.req.param('id'));
    if (!pod) return problem(c, 404, 'Not Found', 'pod not found');
    if (pod.status !== 'EXITED') return problem(c, 400, 'Bad Request', `pod is ${pod.status}; only EXITED pods start`);
    const place = placeOf(pod);
    if (!place || place.free < pod.gpu!.count)
      return problem(c, 400, 'Bad Request', 'There are not enough free GPUs on the host machine to start this pod.');
    place.free -= pod.gpu!.count;
    const type = gpus.find((gpu) => gpu.id === pod.gpu!.id)!;
    const price = type.price[pod.cloud === 'SECURE' ? 'secure' : 'community'] ?? 0;
    Object.assign(pod, {
      status: 'STARTING',
      actions: ['stop', 'terminate'],
      cost: Math.round(price * pod.gpu!.count * 100) / 100,
    });
    return c.json(pod);
  });

  app.get('/pods', (c) => c.json({ pods: [...pods.values()] }));
  app.get('/pods/:id', (c) => {
    const pod = pods.get(c.req.param('id'));
    return pod ? c.json(pod) : problem(c, 404, 'Not Found', 'pod not found');
  });
  app.delete('/pods/:id', (c) => {
    const pod = pods.get(c.req.param('id'));
    if (!pod) return problem(c, 404, 'Not Found', 'pod not found');
    pods.delete(pod.id);
    const place = placeOf(pod);
    if (place && pod.status !== 'EXITED') place.free += pod.gpu!.count;
    return c.body(null, 204);
  });

  const fake: FakeRunPod = Object.assign(controls, {
    // Like a real fetch, it gives up when the caller's signal aborts (a timeout), however slow the answer is.
    fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((resolve, reject) => {
        const signal = init?.signal;
        if (signal?.aborted) return reject(signal.reason as Error);
        signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
        Promise.resolve(app.fetch(new Request(input, init))).then(resolve, reject);
      })) as typeof fetch,
    gpus,
    stock,
    pods,
    created,
    boot(id: string, options: { direct?: boolean } = {}) {
      const pod = pods.get(id);
      if (!pod) return;
      const n = Number.parseInt(id.slice(2), 36);
      const ip = `203.0.113.${n % 250}`;
      const port = 30000 + n;
      const published = pod.ports.includes('22/tcp');
      Object.assign(pod, {
        status: 'RUNNING',
        actions: ['stop', 'restart', 'terminate'],
        startedAt: new Date().toISOString(),
        runtime: { uptime: 0, ports: published ? [{ private: 22, public: port, type: 'tcp', ip }] : [] },
        ssh: {
          ...pod.ssh,
          direct:
            published && options.direct !== false
              ? { host: ip, port, username: 'root', command: `ssh root@${ip} -p ${port}` }
              : null,
        },
      });
    },
    setStatus(id: string, status: RunPodPodStatus) {
      const pod = pods.get(id);
      if (!pod) return;
      pod.status = status;
      if (status !== 'RUNNING') Object.assign(pod, { runtime: null, ssh: { ...pod.ssh, direct: null } });
      if (status === 'EXITED' || status === 'TERMINATED') pod.cost = 0;
    },
    vanish(id: string) {
      pods.delete(id);
    },
    addForeign(name: string) {
      const id = newId();
      pods.set(id, {
        id,
        name,
        status: 'RUNNING',
        actions: ['stop', 'restart', 'terminate'],
        image: 'runpod/base:0.6.2',
        args: '',
        disk: 20,
        ports: [],
        env: {},
        registry: null,
        mounts: {},
        gpu: { id: 'NVIDIA GeForce RTX 4090', count: 1 },
        cloud: 'COMMUNITY',
        dataCenterId: 'CA-MTL-1',
        cudaVersion: '12.8',
        ssh: {
          proxy: {
            host: 'ssh.runpod.io',
            port: 22,
            username: `${id}-64411eb2`,
            command: `ssh ${id}-64411eb2@ssh.runpod.io`,
          },
          direct: null,
        },
        template: null,
        cost: 0.34,
        locked: false,
        globalNetworking: { enabled: false },
        runtime: { uptime: 120, ports: [] },
        createdAt: new Date().toISOString(),
        startedAt: new Date().toISOString(),
      });
      return id;
    },
  });
  return fake;
}
