/**
 * The parts of RunPod's REST API v2 (https://api.runpod.io/v2, `Authorization: Bearer <api key>`) the adapter
 * uses, as its OpenAPI schema (https://api.runpod.io/v2/openapi.json, version 2.0.0) documents them:
 * `GET /catalog/gpus?include=AVAILABILITY&product=POD&cloud=&count=` (GPU types with per-GPU prices and stock
 * per data center), `POST /pods` (201 with the pod), `GET /pods` (`{pods: [...]}`), `GET /pods/{id}` and
 * `DELETE /pods/{id}` (204), and for pods that keep their volume `POST /pods/{id}/stop` and `POST /pods/{id}/start`
 * (200 with the pod). Errors are RFC 9457 problems `{title, status, detail, errors?}`; 429s carry
 * Retry-After. Only the fields we read or send are listed.
 *
 * Version: v2. REST v1 (`https://rest.runpod.io/v1`, flat create bodies, `desiredStatus`) is deprecated and was
 * retired on November 15, 2026 (an earlier revision of the notice said December 1, 2026); v1 also had no GPU
 * catalog. Docs:
 * - https://docs.runpod.io/api-reference-v2/overview
 * - https://docs.runpod.io/api-reference-v2/migrate-from-v1
 * - https://docs.runpod.io/api-reference-v2/catalog/list-gpu-types
 * - https://docs.runpod.io/api-reference-v2/pods/create-a-pod
 * - https://docs.runpod.io/api-reference-v2/pods/list-pods
 * - https://docs.runpod.io/api-reference-v2/pods/get-a-pod
 * - https://docs.runpod.io/api-reference-v2/pods/terminate-a-pod
 * - https://docs.runpod.io/api-reference-v2/pods/stop-a-pod, .../start-a-pod (a stopped pod keeps its volume
 *   at `volumeMountPath` and is billed only its storage; terminating deletes it)
 * - https://docs.runpod.io/pods/configuration/use-ssh (the `PUBLIC_KEY` variable RunPod images install)
 */

/** SECURE: RunPod-owned data centers; COMMUNITY: community-hosted hardware. */
export type RunPodCloud = 'SECURE' | 'COMMUNITY';

export type RunPodAvailability = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH';

/** A GPU type of `GET /catalog/gpus`; `availability`, `dataCenters` and `cudaVersions` only with include=AVAILABILITY. */
export interface RunPodGpuType {
  /** e.g. "NVIDIA GeForce RTX 4090": the id pods are created with */
  id: string;
  /** e.g. "RTX 4090" */
  name: string;
  manufacturer: string;
  /** VRAM per GPU, GB */
  memory: number;
  /** offered on the secure / community cloud */
  secure: boolean;
  community: boolean;
  /** USD per hour for one GPU, per cloud */
  price: { secure: number; community: number; serverless?: number };
  /** the most GPUs one pod of this type can have, per cloud (a ceiling, not stock) */
  maxCount: { secure: number; community: number };
  /** overall stock for the requested cloud and count */
  availability?: RunPodAvailability;
  /** stock per data center; omitted when the configuration is unavailable everywhere */
  dataCenters?: { id: string; name: string; availability: RunPodAvailability }[];
  /** CUDA versions (`major.minor`) of machines with this GPU, and whether one has free capacity */
  cudaVersions?: { version: string; available: boolean }[];
}

/** PROVISIONING → STARTING → RUNNING; EXITED (stopped), ERROR, TERMINATED (deleted). */
export type RunPodPodStatus = 'PROVISIONING' | 'STARTING' | 'RUNNING' | 'EXITED' | 'ERROR' | 'TERMINATED';

export interface RunPodSshEndpoint {
  host: string;
  port: number;
  username: string;
  command: string;
}

export interface RunPodPod {
  id: string;
  name: string;
  status: RunPodPodStatus;
  image: string;
  args: string;
  disk: number;
  /** "22/tcp", "8888/http" */
  ports: string[];
  env: Record<string, string>;
  gpu?: { id: string; count: number };
  cloud: RunPodCloud;
  dataCenterId: string | null;
  cudaVersion: string | null;
  /**
   * `direct` is the pod's sshd over its published 22/tcp mapping (null until running with a public port);
   * `proxy` is RunPod's interactive-only proxy.
   */
  ssh: { proxy: RunPodSshEndpoint | null; direct: RunPodSshEndpoint | null };
  /** USD per hour, 0 when EXITED or TERMINATED */
  cost: number;
  /** null unless RUNNING */
  runtime: {
    uptime?: number;
    /** Utilisation of each GPU, as the pod's agent last reported it. */
    gpus?: { id: string; gpuUtilPercent?: number; memoryUtilPercent?: number }[];
    container?: { cpuPercent?: number; memoryPercent?: number };
    ports?: { private: number; public: number | null; type: string; ip: string | null }[];
  } | null;
  createdAt: string;
  startedAt: string | null;
}

/** The create-pod body (`CreatePodRequest`); the API rejects unknown fields by name (422). */
export interface RunPodCreatePodRequest {
  name: string;
  image: string;
  gpu: { id: string; count: number };
  cloud: RunPodCloud;
  dataCenterIds: string[];
  /** container disk, GB */
  disk: number;
  env: Record<string, string>;
  ports: string[];
  /** lets the provisioner set up SSH; it keeps a `PUBLIC_KEY` the request sets */
  startSsh: boolean;
  /** the container start command: replaces the image's CMD */
  args?: string;
  /** the pod's volume, GB: kept while the pod is stopped */
  volumeInGb?: number;
  volumeMountPath?: string;
}

/** RFC 9457 problem, every error response. */
export interface RunPodProblem {
  title: string;
  status: number;
  detail: string;
  errors?: string[];
}
