/**
 * The local provider, the embedded default: an "instance" is a working directory on this machine with its
 * own SSH endpoint (real SSH, the session's key only), its start command run as a child process, and its
 * activity measured from SSH use. Offers describe the machine itself; templates are a small built-in
 * catalog (local-templates.ts). The start command runs in its own process group, and destroying the
 * instance ends the whole group, so servers it started in the background end with it too. Instances live
 * as long as this process: after a restart they are gone, which the reconciler sees as ghosts, as with
 * any provider.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CreateInstanceRequest, GpuProvider, ProviderInstance } from '../provider.js';
import { LOCAL_TEMPLATES } from './local-templates.js';
import { offersFor, readGpus } from './machine-offers.js';
import { startSshEndpoint, type SshEndpoint } from './ssh-endpoint.js';

interface LocalInstance {
  id: string;
  label: string;
  workDir: string;
  endpoint: SshEndpoint;
  startedAt: Date;
  lastActivityAt: Date;
  startProcess: ChildProcess | null;
  pricePerHour: number;
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
}

/** Ends the start command and everything it started (it leads its own process group). */
function killGroup(child: ChildProcess | null) {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

export function createLocalProvider(options: LocalProviderOptions): GpuProvider & { close(): Promise<void> } {
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? (() => new Date());
  const instances = new Map<string, LocalInstance>();
  const idPrefix = `local-${options.nodeId ?? randomUUID().slice(0, 8)}-`;
  // Directories this node's earlier process left behind (it was killed): their instances ended with it.
  // Offers and instance lists wait for it, so a started server never shows those directories.
  const cleanup = readdir(options.root)
    .then((names) =>
      Promise.all(
        names
          .filter((name) => name.startsWith(idPrefix) && !instances.has(name))
          .map((name) => rm(join(options.root, name), { recursive: true, force: true })),
      ),
    )
    .then(
      () => undefined,
      () => undefined,
    );

  const view = (instance: LocalInstance): ProviderInstance => ({
    provider: 'local',
    instanceId: instance.id,
    status: 'running',
    label: instance.label,
    ssh: { host, port: instance.endpoint.port, user: process.env.USER ?? 'root' },
    startedAt: instance.startedAt,
    pricePerHour: instance.pricePerHour,
    lastActivityAt: instance.lastActivityAt,
  });

  /** Ends the instance; with preserveStorage its directory moves to `<root>/preserved/<id>` instead of being removed. */
  async function destroy(id: string, destroyOptions: { preserveStorage?: boolean } = {}) {
    const instance = instances.get(id);
    if (!instance) return;
    instances.delete(id);
    killGroup(instance.startProcess);
    await instance.endpoint.close();
    if (destroyOptions.preserveStorage) {
      await mkdir(join(options.root, 'preserved'), { recursive: true });
      await rename(instance.workDir, join(options.root, 'preserved', id));
    } else {
      await rm(instance.workDir, { recursive: true, force: true });
    }
  }

  return {
    name: 'local',
    preservesStorage: true,
    instancesEndWithProcess: true,
    instanceIdPrefix: idPrefix,
    async listOffers() {
      await cleanup;
      return offersFor(await readGpus(), options.pricePerHour ?? 0);
    },
    async listTemplates() {
      return [...LOCAL_TEMPLATES];
    },
    async createInstance(request: CreateInstanceRequest) {
      const id = `${idPrefix}${randomUUID().slice(0, 8)}`;
      const workDir = join(options.root, id);
      await mkdir(workDir, { recursive: true });
      const now = clock();
      const instance = {
        id,
        label: request.label,
        workDir,
        startedAt: now,
        lastActivityAt: now,
        startProcess: null,
        pricePerHour: options.pricePerHour ?? 0,
      } as unknown as LocalInstance;
      instance.endpoint = await startSshEndpoint({
        host,
        authorizedKey: request.sshPublicKey,
        workDir,
        env: request.env,
        onActivity: () => {
          instance.lastActivityAt = clock();
        },
      });
      if (request.onStartCmd) {
        instance.startProcess = spawn('/bin/sh', ['-c', request.onStartCmd], {
          cwd: workDir,
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: workDir, ...request.env },
          stdio: 'ignore',
          detached: true,
        });
        instance.startProcess.on('error', () => undefined);
      }
      instances.set(id, instance);
      return { instanceId: id };
    },
    async getInstance(instanceId) {
      const instance = instances.get(instanceId);
      return instance ? view(instance) : undefined;
    },
    async listInstances() {
      await cleanup;
      return [...instances.values()].map(view);
    },
    destroyInstance: destroy,
    async close() {
      await Promise.all([...instances.keys()].map((id) => destroy(id)));
    },
  };
}
