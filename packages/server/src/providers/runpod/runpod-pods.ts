/**
 * Pods on RunPod: a pod created with a volume (`volumeInGb`, mounted at `/workspace`) is stopped with
 * `POST /pods/{id}/stop` (the GPU is released, the volume stays and bills as storage) and started again
 * with `POST /pods/{id}/start` under the same id. Deleting the volume terminates the pod
 * (`DELETE /pods/{id}`), which is the only way RunPod deletes it. Activity is what the pod's agent reports
 * in `runtime` (GPU utilisation per GPU, the container's CPU share); a pod that reports none gives no
 * sample, which the pods area counts as active.
 */
import type { ActivitySample, PodOperations } from '../provider.js';
import { ignoreGone, type ProviderHttp } from '../provider-http.js';
import type { RunPodPod } from './runpod-types.js';

export const RUNPOD_VOLUME_PATH = '/workspace';

const path = (id: string) => `/pods/${encodeURIComponent(id)}`;

export function runPodPods(http: ProviderHttp): PodOperations {
  return {
    volumePath: RUNPOD_VOLUME_PATH,
    vanishedKeepsVolume: false,
    async stop(instanceId) {
      await http('stop_instance', 'POST', `${path(instanceId)}/stop`);
    },
    async start(instanceId) {
      await http('start_instance', 'POST', `${path(instanceId)}/start`);
      return { instanceId };
    },
    async deleteVolume(_volumeId, instanceId) {
      if (instanceId) await ignoreGone(http('destroy_instance', 'DELETE', path(instanceId)));
    },
    async sample(instanceId): Promise<ActivitySample | null> {
      const pod = await ignoreGone(http<RunPodPod>('get_instance', 'GET', path(instanceId)));
      const gpus = (pod?.runtime?.gpus ?? [])
        .map((gpu) => gpu.gpuUtilPercent)
        .filter((value): value is number => typeof value === 'number');
      const cpu = pod?.runtime?.container?.cpuPercent;
      if (!pod || (gpus.length === 0 && typeof cpu !== 'number')) return null;
      return {
        at: new Date(),
        cpuPercent: typeof cpu === 'number' ? cpu : null,
        processes: null,
        sshSessions: null,
        gpuUtilization: gpus.length ? gpus.reduce((a, b) => a + b, 0) / gpus.length : null,
      };
    },
  };
}
