/**
 * The RunPod adapter (REST API v2): offers from the GPU catalog's pod stock, one per GPU type, cloud, data
 * center and GPU count (1, 2, 4, 8 up to the type's ceiling), with ids `<cloud>.<data center>.<count>x.<gpu type>`
 * (see `offerId`); pods created in exactly that cloud and data center, carrying the deployment label as their
 * name and the session's key in `PUBLIC_KEY`; SSH straight to the pod's published 22/tcp port.
 */
import type {
  CreateInstanceRequest,
  GpuProvider,
  InstanceStatus,
  ProviderInstance,
  ProviderOffer,
} from '../provider.js';
import { ignoreGone, ProviderApiError, type ProviderHttp } from '../provider-http.js';
import { runPodPods, RUNPOD_VOLUME_PATH } from './runpod-pods.js';
import type { RunPodCloud, RunPodCreatePodRequest, RunPodGpuType, RunPodPod, RunPodPodStatus } from './runpod-types.js';

const STATUS: Record<RunPodPodStatus, InstanceStatus> = {
  PROVISIONING: 'provisioning',
  STARTING: 'provisioning',
  RUNNING: 'running',
  EXITED: 'stopped',
  ERROR: 'failed',
  TERMINATED: 'stopped',
};

export const CLOUDS: RunPodCloud[] = ['SECURE', 'COMMUNITY'];
/** The pod sizes offered; stock is asked per size, and only for sizes some GPU type of the cloud reaches. */
export const GPU_COUNTS = [1, 2, 4, 8];

const cloudKey = (cloud: RunPodCloud) => (cloud === 'SECURE' ? 'secure' : 'community');

/**
 * Offer ids may hold only `[A-Za-z0-9_.@-]`, and GPU type ids have spaces ("NVIDIA GeForce RTX 4090"): a part
 * keeps letters, digits and dashes, writes a space as `_` and any other byte as `@` and two hex digits, so
 * that parts never contain the `.` separating them and decode exactly.
 */
function encodePart(text: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) {
    const char = String.fromCharCode(byte);
    out += /^[A-Za-z0-9-]$/.test(char)
      ? char
      : byte === 0x20
        ? '_'
        : `@${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function decodePart(text: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '_') bytes.push(0x20);
    else if (/^[A-Za-z0-9-]$/.test(char)) bytes.push(char.charCodeAt(0));
    else if (char === '@' && /^[0-9A-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else return undefined;
  }
  return bytes.length ? new TextDecoder().decode(new Uint8Array(bytes)) : undefined;
}

export interface RunPodOfferKey {
  cloud: RunPodCloud;
  dataCenterId: string;
  gpuCount: number;
  gpuTypeId: string;
}

/** e.g. `secure.US-KS-2.1x.NVIDIA_GeForce_RTX_4090` */
export const offerId = (key: RunPodOfferKey) =>
  `${cloudKey(key.cloud)}.${encodePart(key.dataCenterId)}.${key.gpuCount}x.${encodePart(key.gpuTypeId)}`;

export function parseOfferId(id: string): RunPodOfferKey | undefined {
  const [cloud, dataCenter, count, gpu, ...rest] = id.split('.');
  const gpuCount = /^([1-9]\d*)x$/.exec(count ?? '')?.[1];
  const dataCenterId = decodePart(dataCenter ?? '');
  const gpuTypeId = decodePart(gpu ?? '');
  if (rest.length || (cloud !== 'secure' && cloud !== 'community') || !gpuCount || !dataCenterId || !gpuTypeId)
    return undefined;
  return { cloud: cloud === 'secure' ? 'SECURE' : 'COMMUNITY', dataCenterId, gpuCount: Number(gpuCount), gpuTypeId };
}

/** The newest CUDA version (`major.minor`, compared numerically) some machine of the type has free capacity on. */
function newestCuda(versions: RunPodGpuType['cudaVersions']): number | null {
  const parsed = (versions ?? [])
    .filter((v) => v.available)
    .map((v) => v.version.split('.').map(Number) as [number, number]);
  parsed.sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  return parsed[0] ? Number(`${parsed[0][0]}.${parsed[0][1]}`) : null;
}

/** The offers of one catalog answer (asked for `cloud` and `count`): one per data center listing the GPU type. */
export function toOffers(gpus: RunPodGpuType[], cloud: RunPodCloud, count: number): ProviderOffer[] {
  const key = cloudKey(cloud);
  return gpus
    .filter((gpu) => gpu[key] && count <= gpu.maxCount[key] && gpu.price[key] > 0)
    .flatMap((gpu) =>
      (gpu.dataCenters ?? []).map((dataCenter) => ({
        provider: 'runpod' as const,
        providerId: offerId({ cloud, dataCenterId: dataCenter.id, gpuCount: count, gpuTypeId: gpu.id }),
        gpuType: gpu.name,
        gpuCount: count,
        vramGb: gpu.memory,
        pricePerHour: Math.round(gpu.price[key] * count * 10_000) / 10_000,
        location: `${dataCenter.name} (${dataCenter.id})`,
        reliability: 1,
        available: dataCenter.availability !== 'NONE',
        maxDurationHours: 0,
        cudaVersion: newestCuda(gpu.cudaVersions),
      })),
    );
}

/** SSH straight to the pod's sshd: its `ssh.direct` endpoint, else the public IP and port 22/tcp is published on. */
function sshOf(pod: RunPodPod): ProviderInstance['ssh'] {
  if (pod.status !== 'RUNNING') return null;
  const direct = pod.ssh?.direct;
  if (direct) return { host: direct.host, port: direct.port, user: direct.username || 'root' };
  const mapped = pod.runtime?.ports?.find(
    (port) => port.private === 22 && port.type === 'tcp' && port.ip && port.public,
  );
  return mapped ? { host: mapped.ip!, port: mapped.public!, user: 'root' } : null;
}

export function toInstance(pod: RunPodPod): ProviderInstance {
  return {
    provider: 'runpod',
    instanceId: pod.id,
    status: STATUS[pod.status] ?? 'unknown',
    label: pod.name || null,
    ssh: sshOf(pod),
    startedAt: pod.startedAt ? new Date(pod.startedAt) : null,
    pricePerHour: typeof pod.cost === 'number' ? pod.cost : null,
    lastActivityAt: null,
  };
}

export function createRunPodProvider(http: ProviderHttp): GpuProvider {
  const catalog = async (cloud: RunPodCloud, count: number) =>
    (
      await http<{ gpus: RunPodGpuType[] }>(
        'list_offers',
        'GET',
        `/catalog/gpus?include=AVAILABILITY&product=POD&cloud=${cloud}&count=${count}`,
      )
    ).gpus;

  async function offersOf(cloud: RunPodCloud): Promise<ProviderOffer[]> {
    const single = await catalog(cloud, 1);
    const key = cloudKey(cloud);
    const most = Math.max(0, ...single.filter((gpu) => gpu[key]).map((gpu) => gpu.maxCount[key]));
    const counts = GPU_COUNTS.filter((count) => count > 1 && count <= most);
    const multi = await Promise.all(counts.map(async (count) => toOffers(await catalog(cloud, count), cloud, count)));
    return [...toOffers(single, cloud, 1), ...multi.flat()];
  }

  return {
    name: 'runpod',
    pods: runPodPods(http),
    async listOffers() {
      return (await Promise.all(CLOUDS.map(offersOf))).flat();
    },
    async createInstance(request: CreateInstanceRequest) {
      const offer = parseOfferId(request.providerOfferId);
      if (!offer) {
        throw new ProviderApiError(
          'runpod',
          'create_instance',
          400,
          `runpod create_instance: offer id '${request.providerOfferId}' is not <cloud>.<data center>.<count>x.<gpu type>`,
        );
      }
      const body: RunPodCreatePodRequest = {
        name: request.label,
        image: request.image,
        gpu: { id: offer.gpuTypeId, count: offer.gpuCount },
        cloud: offer.cloud,
        dataCenterIds: [offer.dataCenterId],
        disk: request.diskGb,
        env: { ...request.env, PUBLIC_KEY: request.sshPublicKey },
        ports: ['22/tcp'],
        startSsh: true,
        ...(request.onStartCmd ? { args: request.onStartCmd } : {}),
        ...(request.volume ? { volumeInGb: request.volume.sizeGb, volumeMountPath: RUNPOD_VOLUME_PATH } : {}),
      };
      const pod = await http<RunPodPod | undefined>('create_instance', 'POST', '/pods', body);
      if (!pod?.id)
        throw new ProviderApiError(
          'runpod',
          'create_instance',
          201,
          'runpod create_instance: no pod id in the response',
        );
      return { instanceId: pod.id };
    },
    async getInstance(instanceId) {
      return ignoreGone(
        http<RunPodPod>('get_instance', 'GET', `/pods/${encodeURIComponent(instanceId)}`).then((pod) =>
          pod.status === 'TERMINATED' ? undefined : toInstance(pod),
        ),
      );
    },
    async listInstances() {
      const { pods } = await http<{ pods: RunPodPod[] }>('list_instances', 'GET', '/pods');
      return pods.filter((pod) => pod.status !== 'TERMINATED').map(toInstance);
    },
    async destroyInstance(instanceId) {
      await ignoreGone(http('destroy_instance', 'DELETE', `/pods/${encodeURIComponent(instanceId)}`));
    },
  };
}
