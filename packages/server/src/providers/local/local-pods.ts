/**
 * Pods on the local provider: a pod's volume is a directory `<root>/volumes/<volume id>` mounted at
 * `/workspace`, which outlives the pod's containers. Stop destroys the container (the volume stays), start
 * makes a new container on the same volume (a new instance id), and deleting the volume removes the
 * directory. Activity is measured, not assumed: the container's cgroup CPU time and process count (through
 * the container driver), the SSH connections of its endpoint, and `nvidia-smi` inside it where the machine
 * has GPUs.
 */
import { access, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerDriver } from '../../platform/containers/index.js';
import type { ActivitySample, CreateInstanceRequest, PodOperations } from '../provider.js';
import { gpuDevices, VOLUME } from './local-container.js';

/** Processes of an idle container: its init shell and the `sleep` it waits on. */
const INIT_PROCESSES = 2;
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export function volumeDir(root: string, volumeId: string): string {
  if (!SAFE_ID.test(volumeId)) throw new Error(`volume id '${volumeId}' is not a plain name`);
  return join(root, 'volumes', volumeId);
}

/** Mean GPU utilisation as `nvidia-smi` inside the container reports it; null when it cannot tell. */
function gpuUtilization(containers: ContainerDriver, id: string): Promise<number | null> {
  if (gpuDevices().length === 0) return Promise.resolve(null);
  return new Promise((resolve) => {
    const child = containers.exec(id, ['nvidia-smi', '--query-gpu=utilization.gpu', '--format=csv,noheader,nounits']);
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const values = out.split('\n').map(Number.parseFloat).filter(Number.isFinite);
      resolve(code === 0 && values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);
    });
    child.on('error', () => resolve(null));
  });
}

export function localPods(options: {
  root: string;
  containers: ContainerDriver;
  /** The provider's live instances (their SSH endpoints count connections). */
  instances: Map<string, { endpoint: { connections(): number } }>;
  createInstance(request: CreateInstanceRequest): Promise<{ instanceId: string }>;
  destroy(id: string): Promise<void>;
  clock: () => Date;
}): PodOperations {
  const previous = new Map<string, { cpuNanos: number; at: number }>();
  return {
    volumePath: VOLUME,
    vanishedKeepsVolume: true,
    async stop(instanceId) {
      await options.destroy(instanceId);
      previous.delete(instanceId);
    },
    async start(_instanceId, request) {
      // A volume is on the disk of the node that created it; another replica cannot start it.
      await access(volumeDir(options.root, request.volume.id)).catch(() => {
        throw new Error(`the volume '${request.volume.id}' is not on this node`);
      });
      return options.createInstance(request);
    },
    async deleteVolume(volumeId, instanceId) {
      if (instanceId) await options.destroy(instanceId);
      await rm(volumeDir(options.root, volumeId), { recursive: true, force: true });
    },
    async sample(instanceId): Promise<ActivitySample | null> {
      const instance = options.instances.get(instanceId);
      if (!instance) return null;
      const stats = await options.containers.stats(instanceId).catch(() => undefined);
      const at = options.clock();
      const gpu = await gpuUtilization(options.containers, instanceId);
      if (!stats) return null;
      const last = previous.get(instanceId);
      // CPU share over real elapsed time (the clock may be a test's fake one).
      const monotonic = performance.now();
      previous.set(instanceId, { cpuNanos: stats.cpuNanos, at: monotonic });
      const elapsedMs = last ? monotonic - last.at : 0;
      return {
        at,
        cpuPercent: last && elapsedMs > 0 ? ((stats.cpuNanos - last.cpuNanos) / 1e6 / elapsedMs) * 100 : null,
        processes: Math.max(0, stats.pids - INIT_PROCESSES),
        sshSessions: instance.endpoint.connections(),
        gpuUtilization: gpu,
      };
    },
  };
}
