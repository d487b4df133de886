/**
 * Every setting of a server, and the one place their defaults are written. `config.ts` reads the
 * environment over these defaults; `createApp()` fills what a caller leaves out with them; the engines
 * take their values from here (they state no defaults of their own).
 */

/** Credentials and API base of the remote GPU providers; a provider without a key is not offered. */
export interface ProviderSettings {
  vastai?: { apiKey: string; baseUrl: string };
  lambda?: { apiKey: string; baseUrl: string };
  tensordock?: { apiKey: string; baseUrl: string };
  runpod?: { apiKey: string; baseUrl: string };
  /** Price per hour shown for this machine's offers (default 0). */
  localPricePerHour?: number;
  /**
   * Tenants (ids or names) that may use the local provider, or '*' for every tenant; default
   * (undefined): `localProviderTenantsFor(driver)`.
   */
  localProviderTenants?: '*' | string[];
  /** Limits of each local instance's container. */
  localInstance?: { cpus: number; memoryMb: number };
}

/**
 * Who may use the local provider when the operator does not say: every tenant on the embedded default
 * (PGlite: one user, one machine), nobody with PostgreSQL (a shared deployment, where a local instance runs
 * on the server's own machine).
 */
export function localProviderTenantsFor(driver: 'pglite' | 'postgres'): '*' | string[] {
  return driver === 'pglite' ? '*' : [];
}

export interface MarketplaceSettings extends ProviderSettings {
  /** How often offers are refreshed from every provider. */
  refreshMs: number;
}

export interface InferenceSettings {
  /** Worker threads running models (default: cores, at most 4). */
  workers?: number;
  /** ONNX Runtime intra-op threads per session (default: cores / workers). */
  intraOpNumThreads?: number;
  /** Sessions cached per worker (LRU). */
  maxSessions: number;
  /** Rows stacked into one run() at most. */
  maxBatchSize: number;
  /** How long a partial batch may wait for more rows, in microseconds (0: go as soon as a worker is free). */
  maxQueueDelayUs: number;
  /** Requests waiting in the engine at most; beyond it, 429. */
  maxQueue: number;
  /** Inputs per stored job slice. */
  chunkSize: number;
  /** Input bytes per stored slice of a stacked batch (see modules/inference/jobs/stacked-storage.ts). */
  stackedSliceBytes: number;
  /** How long a claimed slice stays with its server without a renewal. */
  leaseMs: number;
  /** Idle interval of the job runner's database poll. */
  pollMs: number;
  /** Run the job runner in this process. */
  runJobs: boolean;
}

/** The session broker's settings that operators set (the broker's internal timings live in broker-context.ts). */
export interface SessionSettings {
  tickMs: number;
  reconcileMs: number;
  keyGraceMinutes: number;
  /** Labels this deployment's provider instances; default: generated once and stored in the database. */
  deploymentId?: string;
  /** Image for remote instances when neither docker_image nor a template names one. */
  defaultImage: string;
}

/** Pods (the pods area): its lifecycle loops, defaults and storage prices. */
export interface PodSettings {
  /** How often the lifecycle loop looks for due pods and labs. */
  tickMs: number;
  /** How often a running pod is sampled (activity, existence, limits). */
  checkMs: number;
  /** How often a lab's month is compared with its budget. */
  budgetCheckMs: number;
  /** Image when the create request names none. */
  defaultImage: string;
  /** Days a terminated pod's volume is kept before it is deleted. */
  volumeRetentionDays: number;
  /** USD per GB and month of a kept volume, per provider (a provider not listed: 0). */
  storagePricePerGbMonth: Record<string, number>;
  /** Minutes before `maxHours` at which the warning event is written. */
  maxHoursWarningMinutes: number;
  /** A pod still `creating` after this many minutes failed. */
  createTimeoutMinutes: number;
  /** Idle auto-stop and alert thresholds of a new lab. */
  defaultIdleStopMinutes: number;
  defaultIdleAlertMinutes: number;
}

/** The instances area (openapi/instances.yaml). Directories default under the app's data directory. */
export interface InstanceSettings {
  /** Where local image references (`oci:`, `oci-archive:`, `docker-archive:`) may point; default `DATA_DIR/import`. */
  importDir?: string;
  /** Host devices an instance may name in `devices` (`INSTANCE_DEVICES=l4-gpu=/dev/nvidia0,...`). */
  devices: Record<string, string>;
  /** Private destinations the egress proxy may reach anyway (`EGRESS_ALLOWED_PRIVATE_CIDRS`), e.g. for tests. */
  egressAllowedPrivateCidrs: string[];
  /** Port of the egress proxy on the bridge address (`EGRESS_PROXY_PORT`); fixed, so running guests keep it across restarts. */
  egressProxyPort: number;
  /** The instances' bridge network (`INSTANCE_SUBNET`, a /16 to /29 IPv4 subnet; the bridge takes its first address). */
  subnet: string;
  /** Memory, CPUs and writable layer of an instance that names none. */
  defaultMemoryMb: number;
  defaultVcpus: number;
  defaultOverlayMb: number;
}

/** Device liveness (docs/device-protocol.md). */
export interface DeviceSettings {
  /** How often a device sends a heartbeat. */
  heartbeatIntervalMs: number;
  /** A device with no heartbeat for this long is offline (three missed heartbeats by default). */
  offlineAfterMs: number;
}

/** Task records, usage and billing (platform/usage, modules/projects). */
export interface UsageSettings {
  /** How often buffered task records are written. */
  flushMs: number;
  /** Records waiting that trigger a write at once. */
  maxRows: number;
  /** Records kept while the database cannot take them; beyond it the oldest are dropped (and logged). */
  maxBuffered: number;
  /** Estimated price of one hour of CPU compute, in `currency`. */
  cpuPricePerHour: number;
  /** Estimated price of one hour of GPU compute, in `currency`. */
  gpuPricePerHour: number;
  currency: string;
}

/** The dashboard's live streams (modules/dashboard). */
export interface DashboardSettings {
  /** Project streams one tenant may hold open at once. */
  maxStreamsPerTenant: number;
  /** A stream whose event has not been taken by the client within this time is closed. */
  streamWriteTimeoutMs: number;
  /** Shortest performance benchmark accepted, in seconds (the seed's minimum is 60). */
  benchmarkMinDurationS: number;
}

/** Data lifecycle (modules/lifecycle): how long finished work is kept. */
export interface RetentionSettings {
  /** Finished inference and training jobs (with their stored inputs and results) are deleted after this many days. */
  jobDays: number;
  /** Task records (the rows analytics read; the hourly rollups are kept) are deleted after this many days. */
  taskRecordDays: number;
  /** How often a replica looks for expired data. */
  sweepMs: number;
}

export interface ServerSettings {
  version: string;
  /** Largest model file accepted, in bytes. */
  maxModelBytes: number;
  /** Largest non-multipart request body, in bytes. */
  maxJsonBytes: number;
  /** Largest batch inference body, in bytes. */
  maxBatchBytes: number;
  /** Most sample passes (`epochs * total_samples`) one training job may ask for. */
  maxTrainingSamplePasses: number;
  /** How long a client may take to send a request's headers (slow clients are cut off). */
  headersTimeoutMs: number;
  /** How long a request body may stall between two chunks before its connection is closed. */
  bodyIdleTimeoutMs: number;
  /** How long receiving one whole request (headers and body) may take at most. */
  requestTimeoutMs: number;
  /** Port of the metrics listener (`GET /metrics` without a credential); 0 picks a free port. */
  metricsPort: number;
  /** Address the metrics listener binds to: loopback, so only this machine can scrape it. */
  metricsHost: string;
  inference: InferenceSettings;
  sessions: SessionSettings;
  pods: PodSettings;
  marketplace: MarketplaceSettings;
  devices: DeviceSettings;
  usage: UsageSettings;
  dashboard: DashboardSettings;
  retention: RetentionSettings;
  compute: ComputeSettings;
  instances: InstanceSettings;
}

/** Compute peers (modules/compute, docs/compute.md). */
export interface ComputeSettings {
  /** A peer not seen (registered or heartbeat) for this long is unhealthy and leaves routing. */
  peerGraceMs: number;
  /** How long a TCP probe of a peer's endpoint may take to connect. */
  probeTimeoutMs: number;
  /** How long one inference call to a peer may take when the request sets no timeout. */
  peerCallTimeoutMs: number;
  /**
   * `header`: requests run on a peer only when they name one (x-hybrie-preferred-peer-id); `first`: the
   * server's own engine does not serve sync requests while the tenant has a healthy peer: they run on the
   * first healthy one (one holding the model first), in-process when there is none.
   */
  peerRouting: 'header' | 'first';
  /** How long each stage of a worker job may take (modules/compute/workers/stages.ts). */
  stageTimeoutsMs: Record<WorkerStage, number>;
  /**
   * The server's URL as a worker's runtime reaches it (`COMPUTE_SERVER_URL`); unset: a worker on the local
   * provider reaches this server's own port through its instance's host forward, and other providers need it.
   */
  serverUrl?: string;
  /** The model hub staging reads Hugging Face repos from (`HF_ENDPOINT`, as Hugging Face's tools). */
  hubEndpoint: string;
  /** Its token (`HF_TOKEN`); a secret, sent only to the hub and to the peer that downloads. */
  hubToken?: string;
  /** How long one staging job may take. */
  stagingTimeoutMs: number;
}

export const WORKER_STAGES = [
  'launching',
  'booting',
  'waiting_for_ssh',
  'installing_runtime',
  'starting_runtime',
  'registering',
] as const;
export type WorkerStage = (typeof WORKER_STAGES)[number];

/** What a server does when nothing says otherwise. */
export const DEFAULT_SETTINGS: ServerSettings = {
  version: '0.1.0',
  maxModelBytes: 256 * 1024 * 1024,
  maxJsonBytes: 1024 * 1024,
  maxBatchBytes: 64 * 1024 * 1024,
  // 20 times the seed's example job (10,000 samples, 10 epochs): minutes of CPU for a small model.
  maxTrainingSamplePasses: 2_000_000,
  headersTimeoutMs: 10_000,
  bodyIdleTimeoutMs: 30_000,
  // 256 MiB (the default model limit) in 15 minutes is 2.4 Mbit/s.
  requestTimeoutMs: 15 * 60_000,
  metricsPort: 9464,
  metricsHost: '127.0.0.1',
  inference: {
    maxSessions: 8,
    maxBatchSize: 64,
    maxQueueDelayUs: 0,
    maxQueue: 1024,
    chunkSize: 1024,
    stackedSliceBytes: 1024 * 1024,
    leaseMs: 30_000,
    pollMs: 250,
    runJobs: true,
  },
  marketplace: { refreshMs: 60_000, localPricePerHour: 0, localInstance: { cpus: 2, memoryMb: 4096 } },
  sessions: {
    tickMs: 2_000,
    reconcileMs: 5 * 60_000,
    keyGraceMinutes: 15,
    defaultImage: 'nvidia/cuda:12.4.1-runtime-ubuntu22.04',
  },
  pods: {
    tickMs: 2_000,
    checkMs: 60_000,
    budgetCheckMs: 60_000,
    defaultImage: 'hubify/base:latest',
    volumeRetentionDays: 7,
    // RunPod bills a stopped pod's volume at $0.20 per GB and month.
    storagePricePerGbMonth: { runpod: 0.2, local: 0 },
    maxHoursWarningMinutes: 10,
    createTimeoutMinutes: 15,
    defaultIdleStopMinutes: 360,
    defaultIdleAlertMinutes: 30,
  },
  devices: { heartbeatIntervalMs: 5_000, offlineAfterMs: 15_000 },
  usage: {
    flushMs: 500,
    maxRows: 1_000,
    maxBuffered: 200_000,
    cpuPricePerHour: 0.05,
    gpuPricePerHour: 0.5,
    currency: 'USD',
  },
  dashboard: { maxStreamsPerTenant: 10, streamWriteTimeoutMs: 30_000, benchmarkMinDurationS: 60 },
  retention: { jobDays: 30, taskRecordDays: 30, sweepMs: 10 * 60_000 },
  // Runtimes heartbeat every grace / 3 (10 s): a peer is unhealthy after three missed heartbeats.
  compute: {
    peerGraceMs: 30_000,
    probeTimeoutMs: 3_000,
    peerCallTimeoutMs: 120_000,
    peerRouting: 'header',
    // Cloud GPU instances take minutes to boot; copying the runtime (about 40 MB) takes the longest locally.
    stageTimeoutsMs: {
      launching: 120_000,
      booting: 900_000,
      waiting_for_ssh: 300_000,
      installing_runtime: 600_000,
      starting_runtime: 60_000,
      registering: 120_000,
    },
    hubEndpoint: 'https://huggingface.co',
    stagingTimeoutMs: 3_600_000,
  },
  instances: {
    devices: {},
    egressAllowedPrivateCidrs: [],
    egressProxyPort: 3128,
    subnet: '10.88.0.0/16',
    defaultMemoryMb: 512,
    defaultVcpus: 1,
    defaultOverlayMb: 1024,
  },
};

/** Where each remote provider's API is when its `*_BASE_URL` is not set. */
export const DEFAULT_PROVIDER_BASE_URLS = {
  vastai: 'https://console.vast.ai',
  lambda: 'https://cloud.lambdalabs.com/api/v1',
  tensordock: 'https://dashboard.tensordock.com/api/v2',
  runpod: 'https://api.runpod.io/v2',
} as const;

/** Settings a caller gives: any part of any group. */
export type SettingsOverrides = Partial<
  Omit<
    ServerSettings,
    | 'inference'
    | 'sessions'
    | 'pods'
    | 'marketplace'
    | 'devices'
    | 'usage'
    | 'dashboard'
    | 'retention'
    | 'compute'
    | 'instances'
  >
> & {
  devices?: Partial<DeviceSettings>;
  pods?: Partial<PodSettings>;
  usage?: Partial<UsageSettings>;
  dashboard?: Partial<DashboardSettings>;
  retention?: Partial<RetentionSettings>;
  compute?: Partial<ComputeSettings>;
  instances?: Partial<InstanceSettings>;
  inference?: Partial<InferenceSettings>;
  sessions?: Partial<SessionSettings>;
  marketplace?: Partial<MarketplaceSettings>;
};

/** The defaults with the overrides laid over them, group by group. */
export function resolveSettings(overrides: SettingsOverrides = {}): ServerSettings {
  return {
    ...DEFAULT_SETTINGS,
    ...overrides,
    inference: { ...DEFAULT_SETTINGS.inference, ...overrides.inference },
    sessions: { ...DEFAULT_SETTINGS.sessions, ...overrides.sessions },
    pods: { ...DEFAULT_SETTINGS.pods, ...overrides.pods },
    marketplace: { ...DEFAULT_SETTINGS.marketplace, ...overrides.marketplace },
    devices: { ...DEFAULT_SETTINGS.devices, ...overrides.devices },
    usage: { ...DEFAULT_SETTINGS.usage, ...overrides.usage },
    dashboard: { ...DEFAULT_SETTINGS.dashboard, ...overrides.dashboard },
    retention: { ...DEFAULT_SETTINGS.retention, ...overrides.retention },
    compute: { ...DEFAULT_SETTINGS.compute, ...overrides.compute },
    instances: { ...DEFAULT_SETTINGS.instances, ...overrides.instances },
  };
}
