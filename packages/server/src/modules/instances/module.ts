/**
 * The instances module (openapi/instances.yaml): OCI workloads on this node's runc, pulled images,
 * size-limited volumes, a bridge network with egress policy, and the credential-brokering egress proxy.
 * Its files live under `<dataDir>/instances`; containers keep running across a server restart and are
 * re-attached at start (engine/instance-monitor.ts).
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createRuncDriver, probeRunc, type ContainerDriver } from '../../platform/containers/index.js';
import type { Module } from '../../platform/module.js';
import type { Services } from '../../platform/services.js';
import { createDestinationCheck } from './engine/egress/destination-check.js';
import { createCredentialRegistry } from './engine/egress/credential-registry.js';
import { loadEgressCa } from './engine/egress/egress-ca.js';
import { createEgressProxy, type EgressProxy } from './engine/egress/egress-proxy.js';
import { createImagePuller } from './engine/image-puller.js';
import { resolveReference } from './engine/image-reference.js';
import { createImageStore } from './engine/image-store.js';
import { createInstanceMonitor } from './engine/instance-monitor.js';
import { createInstanceRuntime } from './engine/instance-runtime.js';
import { createInstanceNetwork, type EgressEndpoint } from './engine/network/instance-network.js';
import { hasTool } from './engine/run-tool.js';
import { instancesArea } from './http/instances-area.js';
import { imageRepository } from './image-repository.js';
import { imageUseCases } from './images.js';
import { instanceActions } from './instance-actions.js';
import type { InstanceContext } from './instance-context.js';
import { INSTANCE_STATES } from './instance-states.js';
import { instanceRepository, type InstanceRow } from './instance-repository.js';
import { instanceQueries } from './instance-queries.js';
import { createVolumeStore } from './volumes/volume-store.js';
import { volumeRepository } from './volumes/volume-repository.js';
import { volumeUseCases } from './volumes/volume-use-cases.js';

export function createInstancesModule(
  platform: Services,
  deps: { dataDir: string; driver?: ContainerDriver; upstreamCa?: string },
) {
  const dir = join(deps.dataDir, 'instances');
  const settings = platform.settings.instances;
  const importDir = settings.importDir ?? join(deps.dataDir, 'import');
  const db = platform.database.db;
  const driver = deps.driver ?? createRuncDriver({ stateDir: join(dir, 'state') });
  const nodeId = createHash('sha256').update(`${hostname()}:${dir}`).digest('hex').slice(0, 12);
  const registry = createCredentialRegistry();
  const addresses = new Map<string, string>();
  let proxy: { server: EgressProxy; endpoint: Promise<EgressEndpoint> } | undefined;

  /** The proxy starts with the first instance that needs it (or at start-up, when running ones do). */
  const egress = () => {
    if (!proxy) {
      const endpoint = (async () => {
        const ca = await loadEgressCa(join(dir, 'egress'));
        const server = createEgressProxy({
          ca,
          registry,
          check: createDestinationCheck(settings.egressAllowedPrivateCidrs),
          logger: platform.logger,
          ...(deps.upstreamCa ? { upstreamCa: deps.upstreamCa } : {}),
        });
        proxy!.server = server;
        const host = network.gateway;
        return { host, port: await server.listen(host, settings.egressProxyPort), caPath: ca.certPath };
      })();
      proxy = { server: undefined as never, endpoint };
      endpoint.catch(() => (proxy = undefined));
    }
    return proxy.endpoint;
  };
  const network = createInstanceNetwork({
    subnet: settings.subnet,
    usedAddresses: async () => new Set(addresses.values()),
    onAddress: (id, address) => (address ? addresses.set(id, address) : addresses.delete(id)),
    egress,
  });
  const networkWithCredentials: typeof network = {
    ...network,
    async setup(row) {
      const result = await network.setup(row);
      if (row.spec.network?.egress?.enabled) registry.register(result.ip, row.id, row.spec);
      return result;
    },
    async teardown(id) {
      registry.unregister(id);
      await network.teardown(id);
    },
  };

  const probe = (async () => {
    const runc = await probeRunc();
    if (runc) return runc;
    for (const tool of ['skopeo', 'umoci'])
      if (!(await hasTool(tool))) return `${tool} is not installed (Debian package ${tool})`;
    return null;
  })();

  const monitor = createInstanceMonitor(() => ctx);
  const ctx: InstanceContext = {
    instances: instanceRepository(db),
    images: imageRepository(db),
    imageStore: createImageStore(join(dir, 'images')),
    volumes: volumeRepository(db),
    volumeStore: createVolumeStore(dir),
    runtime: createInstanceRuntime(driver, dir),
    network: networkWithCredentials,
    settings,
    unavailable: () => probe,
    nodeId,
    clock: platform.clock,
    logger: platform.logger,
    watch: (id) => monitor.watch(id),
    busy: new Set(),
  };
  const puller = createImagePuller({
    repository: ctx.images,
    store: ctx.imageStore,
    resolve: (name) => resolveReference(name, importDir),
    logger: platform.logger,
  });
  const images = imageUseCases({
    repository: ctx.images,
    store: ctx.imageStore,
    puller,
    importDir,
    clock: platform.clock,
    inUse: (digest) => ctx.instances.digestInUse(digest),
  });
  const queries = instanceQueries(ctx);
  const actions = instanceActions(ctx);
  const volumes = volumeUseCases(ctx);
  /** Puts an instance's current credentials in the proxy's registry (after a PATCH, or a restart). */
  const rotate = (row: InstanceRow) => {
    if (row.ip && row.spec.network?.egress?.enabled && ['Running', 'Paused'].includes(row.state))
      registry.register(row.ip, row.id, row.spec);
  };

  let started: Promise<void> | undefined;
  return {
    areas: [instancesArea({ ctx, queries, actions, volumes, images, rotate })],
    start() {
      started = (async () => {
        await mkdir(importDir, { recursive: true });
        if (await probe) return;
        for (const volume of await ctx.volumes.all())
          await ctx.volumeStore.ensureMounted(volume.id, volume.sizeGb).catch(() => undefined);
        const known = INSTANCE_STATES.filter((state) => state !== 'Unknown');
        for (const row of await ctx.instances.onNode(nodeId, known)) if (row.ip) addresses.set(row.id, row.ip);
        const counts = await monitor.reattach();
        const live = await ctx.instances.onNode(nodeId, ['Running', 'Paused']);
        if (live.some((row) => row.spec.network?.egress?.enabled)) await egress();
        for (const row of live) rotate(row);
        platform.logger.info(counts, 'instances re-attached');
        await puller.start();
        monitor.start();
      })().catch((error: unknown) => platform.logger.error({ err: error }, 'instances module failed to start'));
    },
    async stop() {
      await started;
      monitor.stop();
      await puller.stop();
      if (proxy) await (await proxy.endpoint.then(() => proxy?.server).catch(() => undefined))?.close();
    },
    /** Resolves once start-up (re-attach, queued pulls) is done; for tests. */
    ready: () => started ?? Promise.resolve(),
  } satisfies Module & Record<string, unknown>;
}

export type InstancesModule = ReturnType<typeof createInstancesModule>;
