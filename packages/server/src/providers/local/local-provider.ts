/**
 * The local provider: an instance is a container on this machine (platform/containers, runc) with the
 * instance's directory as its volume, its own SSH endpoint (real SSH, the session's key only) whose
 * commands run inside the container, its start command run inside it too, and its activity measured from
 * SSH use. Offers describe the machine itself; templates are a small built-in catalog (local-templates.ts).
 * Destroying the instance destroys the container and everything running in it. A pod's instance mounts a
 * named volume under `<root>/volumes/` instead, which outlives its containers (local-pods.ts). Instances live as long as
 * this process: the next start of this node sweeps the containers and directories a killed process left,
 * which the reconciler then sees as ghosts, as with any provider. Without a container runtime (runc, root)
 * the provider offers nothing and says why (`unavailableReason`).
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerDriver, ContainerLimits } from '../../platform/containers/index.js';
import { blockedAncestor, createRuncDriver, probeRunc } from '../../platform/containers/index.js';
import { DEFAULT_SETTINGS } from '../../platform/settings.js';
import type { CreateInstanceRequest, GpuProvider, ProviderInstance } from '../provider.js';
import { createUidAllocator, HOME, instanceContainer, VOLUME } from './local-container.js';
import { localPods, volumeDir } from './local-pods.js';
import { LOCAL_TEMPLATES } from './local-templates.js';
import { offersFor, readGpus } from './machine-offers.js';
import { forwardHostPorts } from './host-forward.js';
import { exposedPorts, forwardPorts } from './port-forward.js';
import { startSshEndpoint, type SshEndpoint } from './ssh-endpoint.js';

interface LocalInstance {
  id: string;
  label: string;
  workDir: string;
  /** A named volume's directory stays when the instance ends. */
  namedVolume: boolean;
  endpoint: SshEndpoint;
  forwards: { close(): Promise<void> } | null;
  hostForwards: { close(): Promise<void> } | null;
  startedAt: Date;
  lastActivityAt: Date;
  pricePerHour: number;
  userHostId: number | null;
}

export interface LocalProviderOptions {
  /** Where instance directories are created. */
  root: string;
  /** Address the SSH endpoints listen on (default 127.0.0.1). */
  host?: string;
  /** Price shown on the machine's offers, for cost accounting (default 0). */
  pricePerHour?: number;
  clock?: () => Date;
  /** Identifies this node in instance ids (`local-<node>-<random>`), so replicas tell their instances apart. */
  nodeId?: string;
  /** The container runtime; default: runc with its state under `<root>/.containers`. */
  containers?: ContainerDriver;
  /** CPU, memory and process limits of each instance (default: `localInstance` of the settings, 4096 processes). */
  limits?: ContainerLimits;
  /** Why containers cannot run here, if it is known already; default: probed (runc present, running as root). */
  unavailableReason?: string | null;
}

/** Processes and threads an instance may have at most (fork bombs end there). */
export const INSTANCE_PIDS = 4096;
const DEFAULT_LIMITS = instanceLimits(DEFAULT_SETTINGS.marketplace.localInstance!);

/** An instance's container limits from the `localInstance` settings. */
export function instanceLimits(settings: { cpus: number; memoryMb: number }): ContainerLimits {
  return { cpus: settings.cpus, memoryBytes: settings.memoryMb * 1024 * 1024, pids: INSTANCE_PIDS };
}

export function createLocalProvider(options: LocalProviderOptions): GpuProvider & {
  close(): Promise<void>;
  unavailableReason(): Promise<string | null>;
  notices(): Promise<string[]>;
} {
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? (() => new Date());
  const instances = new Map<string, LocalInstance>();
  const idPrefix = `local-${options.nodeId ?? randomUUID().slice(0, 8)}-`;
  const containers = options.containers ?? createRuncDriver({ stateDir: join(options.root, '.containers') });
  const uids = createUidAllocator();
  const unavailable =
    options.unavailableReason !== undefined ? Promise.resolve(options.unavailableReason) : probeRunc();
  // Containers and directories this node's earlier process left behind (it was killed): their instances
  // ended with it. Offers and instance lists wait for it, so a started server never shows them.
  const cleanup = (async () => {
    await mkdir(options.root, { recursive: true });
    if (!(await unavailable)) await containers.sweep(idPrefix).catch(() => undefined);
    const names = await readdir(options.root).catch(() => [] as string[]);
    await Promise.all(
      names
        .filter((name) => name.startsWith(idPrefix) && !instances.has(name))
        .map((name) => rm(join(options.root, name), { recursive: true, force: true })),
    );
  })().catch(() => undefined);
  // A user namespace's root must be able to reach the volume; the instances directory is ours to open.
  const blocked = (async () => {
    await cleanup;
    await chmod(options.root, 0o711).catch(() => undefined);
    return blockedAncestor(options.root);
  })();
  const userNamespaces = blocked.then((dir) => dir === null);

  const view = (instance: LocalInstance): ProviderInstance => ({
    provider: 'local',
    instanceId: instance.id,
    status: 'running',
    label: instance.label,
    ssh: { host, port: instance.endpoint.port, user: 'root' },
    startedAt: instance.startedAt,
    pricePerHour: instance.pricePerHour,
    lastActivityAt: instance.lastActivityAt,
  });

  /** Ends the instance; with preserveStorage its directory moves to `<root>/preserved/<id>` instead of being removed. */
  async function destroy(id: string, destroyOptions: { preserveStorage?: boolean } = {}) {
    const instance = instances.get(id);
    if (!instance) return;
    // First the container: if runc fails, the instance stays listed and the broker's retry tries again.
    await containers.destroy(id);
    instances.delete(id);
    await instance.endpoint.close();
    await instance.forwards?.close();
    await instance.hostForwards?.close();
    if (instance.userHostId !== null) uids.give(instance.userHostId);
    if (instance.namedVolume) return;
    if (destroyOptions.preserveStorage) {
      await mkdir(join(options.root, 'preserved'), { recursive: true, mode: 0o700 });
      await rename(instance.workDir, join(options.root, 'preserved', id));
    } else {
      await rm(instance.workDir, { recursive: true, force: true });
    }
  }

  async function startContainer(id: string, workDir: string, env: Record<string, string>) {
    const userHostId = (await userNamespaces) ? uids.take() : null;
    try {
      await containers.create(
        instanceContainer({ id, workDir, env, limits: options.limits ?? DEFAULT_LIMITS, userHostId }),
      );
    } catch (error) {
      if (userHostId !== null) uids.give(userHostId);
      throw error;
    }
    return userHostId;
  }

  async function createInstance(request: CreateInstanceRequest) {
    await cleanup;
    const reason = await unavailable;
    if (reason) throw new Error(`the local provider is unavailable: ${reason}`);
    const id = `${idPrefix}${randomUUID().slice(0, 8)}`;
    const namedVolume = request.volume !== undefined;
    const workDir = request.volume ? volumeDir(options.root, request.volume.id) : join(options.root, id);
    await mkdir(workDir, { recursive: true, mode: 0o755 });
    let userHostId: number | null;
    try {
      userHostId = await startContainer(id, workDir, request.env);
    } catch (error) {
      if (!namedVolume) await rm(workDir, { recursive: true, force: true });
      throw error;
    }
    const now = clock();
    const instance: LocalInstance = {
      id,
      label: request.label,
      workDir,
      namedVolume,
      startedAt: now,
      lastActivityAt: now,
      pricePerHour: options.pricePerHour ?? 0,
      userHostId,
      endpoint: undefined as unknown as SshEndpoint,
      forwards: null,
      hostForwards: null,
    };
    instances.set(id, instance);
    try {
      instance.endpoint = await startSshEndpoint({
        host,
        authorizedKey: request.sshPublicKey,
        run: (command) => containers.exec(id, command === null ? ['/bin/sh'] : ['/bin/sh', '-c', command]),
        onActivity: () => {
          instance.lastActivityAt = clock();
        },
      });
    } catch (error) {
      instances.delete(id);
      await containers.destroy(id);
      if (!namedVolume) await rm(workDir, { recursive: true, force: true });
      throw error;
    }
    const ports = exposedPorts(request.env);
    const activity = () => {
      instance.lastActivityAt = clock();
    };
    if (ports.length) instance.forwards = await forwardPorts(ports, (args) => containers.exec(id, args), activity);
    if (request.hostPorts?.length)
      instance.hostForwards = await forwardHostPorts(request.hostPorts, {
        workDir,
        volume: VOLUME,
        exec: (args) => containers.exec(id, args, { stdio: 'ignore' }),
      });
    if (request.onStartCmd)
      containers.exec(id, ['/bin/sh', '-c', request.onStartCmd], { cwd: VOLUME, env: { HOME }, stdio: 'ignore' });
    return { instanceId: id };
  }

  return {
    name: 'local',
    preservesStorage: true,
    instancesEndWithProcess: true,
    instanceIdPrefix: idPrefix,
    unavailableReason: () => unavailable,
    async notices() {
      const dir = !(await unavailable) && (await blocked);
      return dir
        ? [
            `local instances run without a user namespace (their root is the host's root, with few capabilities): ${dir} is not traversable by others (o+x); move DATA_DIR or allow it`,
          ]
        : [];
    },
    async listOffers() {
      await cleanup;
      if (await unavailable) return [];
      return offersFor(await readGpus(), options.pricePerHour ?? 0);
    },
    async listTemplates() {
      return [...LOCAL_TEMPLATES];
    },
    createInstance,
    async getInstance(instanceId) {
      const instance = instances.get(instanceId);
      return instance ? view(instance) : undefined;
    },
    async listInstances() {
      await cleanup;
      return [...instances.values()].map(view);
    },
    destroyInstance: destroy,
    pods: localPods({ root: options.root, containers, instances, createInstance, destroy, clock }),
    async close() {
      await cleanup;
      await Promise.all([...instances.keys()].map((id) => destroy(id)));
    },
  };
}
