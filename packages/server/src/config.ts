/**
 * Server configuration from the environment, validated once at start-up: a bad value stops the server
 * with a message naming the variable, instead of surfacing later as a strange failure.
 */
import { resolve } from 'node:path';
import {
  DEFAULT_PROVIDER_BASE_URLS,
  DEFAULT_SETTINGS,
  WORKER_STAGES,
  type ComputeSettings,
  type DeviceSettings,
  type UsageSettings,
  type DashboardSettings,
  type RetentionSettings,
  type InferenceSettings,
  type MarketplaceSettings,
  type PodSettings,
  type SessionSettings,
  type InstanceSettings,
} from './platform/settings.js';

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  adminKey: string | undefined;
  maxModelBytes: number;
  maxJsonBytes: number;
  logLevel: string;
  /** How long SIGTERM waits for in-flight requests before closing anyway. */
  shutdownGraceMs: number;
  maxBatchBytes: number;
  maxTrainingSamplePasses: number;
  headersTimeoutMs: number;
  bodyIdleTimeoutMs: number;
  requestTimeoutMs: number;
  metricsPort: number;
  metricsHost: string;
  marketplace: MarketplaceSettings;
  inference: Pick<
    InferenceSettings,
    | 'workers'
    | 'maxBatchSize'
    | 'maxQueueDelayUs'
    | 'maxQueue'
    | 'leaseMs'
    | 'chunkSize'
    | 'stackedSliceBytes'
    | 'runJobs'
  >;
  sessions: SessionSettings;
  pods: PodSettings;
  devices: DeviceSettings;
  usage: UsageSettings;
  dashboard: DashboardSettings;
  retention: RetentionSettings;
  compute: ComputeSettings;
  instances: InstanceSettings;
}

const D = DEFAULT_SETTINGS;
const URLS = DEFAULT_PROVIDER_BASE_URLS;

function deploymentIdFrom(raw: string): string {
  if (!/^[a-z0-9]{3,24}$/.test(raw))
    throw new Error(`DEPLOYMENT_ID must be 3-24 lowercase letters or digits; got "${raw}"`);
  return raw;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel))
    throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${logLevel}"`);
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const adminKey = env.ADMIN_KEY?.trim() || undefined;
  if (adminKey !== undefined && adminKey.length < 16) throw new Error('ADMIN_KEY must be at least 16 characters');
  const headersTimeoutMs = integer(env, 'HEADERS_TIMEOUT_MS', D.headersTimeoutMs, 100, 600_000);
  const requestTimeoutMs = integer(env, 'REQUEST_TIMEOUT_MS', D.requestTimeoutMs, 1_000, 86_400_000);
  if (headersTimeoutMs > requestTimeoutMs)
    throw new Error(
      `HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not exceed REQUEST_TIMEOUT_MS (${requestTimeoutMs})`,
    );
  return {
    port: integer(env, 'PORT', 8080, 0, 65_535),
    host: env.HOST ?? '0.0.0.0',
    dataDir: resolve(env.DATA_DIR ?? './data'),
    databaseUrl,
    adminKey,
    maxModelBytes: integer(env, 'MAX_MODEL_BYTES', D.maxModelBytes, 1, Number.MAX_SAFE_INTEGER),
    maxJsonBytes: integer(env, 'MAX_JSON_BYTES', D.maxJsonBytes, 1, Number.MAX_SAFE_INTEGER),
    logLevel,
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    maxBatchBytes: integer(env, 'MAX_BATCH_BYTES', D.maxBatchBytes, 1, Number.MAX_SAFE_INTEGER),
    maxTrainingSamplePasses: integer(
      env,
      'TRAINING_MAX_SAMPLE_PASSES',
      D.maxTrainingSamplePasses,
      1,
      Number.MAX_SAFE_INTEGER,
    ),
    headersTimeoutMs,
    bodyIdleTimeoutMs: integer(env, 'BODY_IDLE_TIMEOUT_MS', D.bodyIdleTimeoutMs, 100, 3_600_000),
    requestTimeoutMs,
    metricsPort: integer(env, 'METRICS_PORT', D.metricsPort, 0, 65_535),
    metricsHost: env.METRICS_HOST?.trim() || D.metricsHost,
    marketplace: {
      refreshMs: integer(env, 'INVENTORY_REFRESH_MS', D.marketplace.refreshMs, 1_000, 86_400_000),
      localPricePerHour: Number(env.LOCAL_PRICE_PER_HOUR ?? D.marketplace.localPricePerHour) || 0,
      ...(env.LOCAL_PROVIDER_TENANTS !== undefined
        ? { localProviderTenants: tenantList(env.LOCAL_PROVIDER_TENANTS) }
        : {}),
      localInstance: {
        cpus: decimal(env, 'LOCAL_INSTANCE_CPUS', D.marketplace.localInstance!.cpus, 0.01, 1024),
        memoryMb: integer(env, 'LOCAL_INSTANCE_MEMORY_MB', D.marketplace.localInstance!.memoryMb, 16, 16 * 1024 * 1024),
      },
      ...(env.VASTAI_API_KEY
        ? { vastai: { apiKey: env.VASTAI_API_KEY, baseUrl: env.VASTAI_BASE_URL ?? URLS.vastai } }
        : {}),
      ...(env.LAMBDA_API_KEY
        ? { lambda: { apiKey: env.LAMBDA_API_KEY, baseUrl: env.LAMBDA_BASE_URL ?? URLS.lambda } }
        : {}),
      ...(env.TENSORDOCK_API_KEY
        ? { tensordock: { apiKey: env.TENSORDOCK_API_KEY, baseUrl: env.TENSORDOCK_BASE_URL ?? URLS.tensordock } }
        : {}),
      ...(env.RUNPOD_API_KEY
        ? { runpod: { apiKey: env.RUNPOD_API_KEY, baseUrl: env.RUNPOD_BASE_URL ?? URLS.runpod } }
        : {}),
    },
    inference: {
      ...(env.INFERENCE_WORKERS ? { workers: integer(env, 'INFERENCE_WORKERS', 1, 1, 256) } : {}),
      maxBatchSize: integer(env, 'INFERENCE_MAX_BATCH', D.inference.maxBatchSize, 1, 65_536),
      maxQueueDelayUs: integer(env, 'INFERENCE_QUEUE_DELAY_US', D.inference.maxQueueDelayUs, 0, 10_000_000),
      maxQueue: integer(env, 'INFERENCE_MAX_QUEUE', D.inference.maxQueue, 1, 1_000_000),
      leaseMs: integer(env, 'INFERENCE_LEASE_MS', D.inference.leaseMs, 500, 3_600_000),
      chunkSize: integer(env, 'INFERENCE_CHUNK_SIZE', D.inference.chunkSize, 1, 100_000),
      stackedSliceBytes: integer(env, 'INFERENCE_STACKED_SLICE_BYTES', D.inference.stackedSliceBytes, 1, 1024 ** 3),
      runJobs: (env.INFERENCE_RUN_JOBS ?? 'true') !== 'false',
    },
    sessions: {
      tickMs: integer(env, 'SESSION_TICK_MS', D.sessions.tickMs, 100, 3_600_000),
      reconcileMs: integer(env, 'SESSION_RECONCILE_MS', D.sessions.reconcileMs, 1_000, 86_400_000),
      keyGraceMinutes: integer(env, 'SESSION_KEY_GRACE_MINUTES', D.sessions.keyGraceMinutes, 1, 1_440),
      ...(env.DEPLOYMENT_ID ? { deploymentId: deploymentIdFrom(env.DEPLOYMENT_ID) } : {}),
      defaultImage: env.SESSION_DEFAULT_IMAGE?.trim() || D.sessions.defaultImage,
    },
    pods: {
      ...D.pods,
      tickMs: integer(env, 'PODS_TICK_MS', D.pods.tickMs, 100, 3_600_000),
      checkMs: integer(env, 'PODS_CHECK_MS', D.pods.checkMs, 1_000, 3_600_000),
      defaultImage: env.PODS_DEFAULT_IMAGE?.trim() || D.pods.defaultImage,
      volumeRetentionDays: decimal(env, 'PODS_VOLUME_RETENTION_DAYS', D.pods.volumeRetentionDays, 0, 365),
      storagePricePerGbMonth: {
        runpod: decimal(env, 'RUNPOD_STORAGE_PRICE_PER_GB_MONTH', D.pods.storagePricePerGbMonth.runpod!, 0, 1_000),
        local: decimal(env, 'LOCAL_STORAGE_PRICE_PER_GB_MONTH', D.pods.storagePricePerGbMonth.local!, 0, 1_000),
      },
      defaultIdleStopMinutes: integer(env, 'PODS_IDLE_STOP_MINUTES', D.pods.defaultIdleStopMinutes, 1, 10_080),
    },
    instances: {
      ...(env.IMAGE_IMPORT_DIR?.trim() ? { importDir: resolve(env.IMAGE_IMPORT_DIR.trim()) } : {}),
      devices: instanceDevices(env.INSTANCE_DEVICES ?? ''),
      egressAllowedPrivateCidrs: (env.EGRESS_ALLOWED_PRIVATE_CIDRS ?? '')
        .split(',')
        .map((cidr) => cidr.trim())
        .filter(Boolean),
      egressProxyPort: integer(env, 'EGRESS_PROXY_PORT', D.instances.egressProxyPort, 0, 65_535),
      subnet: env.INSTANCE_SUBNET?.trim() || D.instances.subnet,
      defaultMemoryMb: integer(env, 'INSTANCE_DEFAULT_MEMORY_MB', D.instances.defaultMemoryMb, 16, 1024 * 1024),
      defaultVcpus: integer(env, 'INSTANCE_DEFAULT_VCPUS', D.instances.defaultVcpus, 1, 64),
      defaultOverlayMb: integer(env, 'INSTANCE_DEFAULT_OVERLAY_MB', D.instances.defaultOverlayMb, 16, 1024 * 1024),
    },
    devices: deviceSettings({
      heartbeatIntervalMs: integer(env, 'DEVICE_HEARTBEAT_MS', D.devices.heartbeatIntervalMs, 100, 600_000),
      offlineAfterMs: integer(env, 'DEVICE_OFFLINE_AFTER_MS', D.devices.offlineAfterMs, 300, 3_600_000),
    }),
    usage: {
      flushMs: integer(env, 'USAGE_FLUSH_MS', D.usage.flushMs, 10, 60_000),
      maxRows: integer(env, 'USAGE_FLUSH_ROWS', D.usage.maxRows, 1, 100_000),
      maxBuffered: D.usage.maxBuffered,
      cpuPricePerHour: decimal(env, 'PRICE_CPU_HOUR', D.usage.cpuPricePerHour, 0, 1_000_000),
      gpuPricePerHour: decimal(env, 'PRICE_GPU_HOUR', D.usage.gpuPricePerHour, 0, 1_000_000),
      currency: env.PRICE_CURRENCY?.trim() || D.usage.currency,
    },
    dashboard: {
      maxStreamsPerTenant: integer(env, 'DASHBOARD_MAX_STREAMS', D.dashboard.maxStreamsPerTenant, 1, 10_000),
      streamWriteTimeoutMs: D.dashboard.streamWriteTimeoutMs,
      benchmarkMinDurationS: integer(env, 'BENCHMARK_MIN_DURATION_S', D.dashboard.benchmarkMinDurationS, 1, 3600),
    },
    retention: {
      jobDays: integer(env, 'RETENTION_JOB_DAYS', D.retention.jobDays, 1, 36_500),
      taskRecordDays: integer(env, 'RETENTION_TASK_RECORD_DAYS', D.retention.taskRecordDays, 1, 36_500),
      sweepMs: integer(env, 'RETENTION_SWEEP_MS', D.retention.sweepMs, 1_000, 86_400_000),
    },
    compute: {
      peerGraceMs: integer(env, 'COMPUTE_PEER_GRACE_MS', D.compute.peerGraceMs, 300, 86_400_000),
      probeTimeoutMs: integer(env, 'COMPUTE_PROBE_TIMEOUT_MS', D.compute.probeTimeoutMs, 10, 60_000),
      peerCallTimeoutMs: integer(env, 'COMPUTE_PEER_CALL_TIMEOUT_MS', D.compute.peerCallTimeoutMs, 100, 3_600_000),
      peerRouting: peerRouting(env.COMPUTE_PEER_ROUTING),
      stageTimeoutsMs: Object.fromEntries(
        WORKER_STAGES.map((stage) => [
          stage,
          integer(env, `COMPUTE_${stage.toUpperCase()}_TIMEOUT_MS`, D.compute.stageTimeoutsMs[stage], 100, 86_400_000),
        ]),
      ) as ComputeSettings['stageTimeoutsMs'],
      ...(env.COMPUTE_SERVER_URL ? { serverUrl: serverUrl(env.COMPUTE_SERVER_URL, 'COMPUTE_SERVER_URL') } : {}),
      hubEndpoint: env.HF_ENDPOINT ? serverUrl(env.HF_ENDPOINT, 'HF_ENDPOINT') : D.compute.hubEndpoint,
      ...(env.HF_TOKEN?.trim() ? { hubToken: env.HF_TOKEN.trim() } : {}),
      stagingTimeoutMs: integer(env, 'COMPUTE_STAGING_TIMEOUT_MS', D.compute.stagingTimeoutMs, 1_000, 86_400_000),
    },
  };
}

function serverUrl(raw: string, name: string): string {
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
  } catch {
    // falls through to the error below
  }
  throw new Error(`${name} must be an http(s) URL such as https://api.example.com; got "${raw}"`);
}

function peerRouting(raw: string | undefined): 'header' | 'first' {
  if (raw === undefined || raw === '' || raw === 'header') return 'header';
  if (raw === 'first') return 'first';
  throw new Error(`COMPUTE_PEER_ROUTING must be header or first; got "${raw}"`);
}

/** `INSTANCE_DEVICES`: comma-separated `name=/dev/path` pairs, e.g. `l4-gpu=/dev/nvidia0`. */
function instanceDevices(raw: string): Record<string, string> {
  const devices: Record<string, string> = {};
  for (const entry of raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [name, path] = entry.split('=').map((part) => part.trim());
    if (!name || !path?.startsWith('/dev/'))
      throw new Error(`INSTANCE_DEVICES entries are name=/dev/path, comma-separated; got "${entry}"`);
    devices[name] = path;
  }
  return devices;
}

function deviceSettings(devices: DeviceSettings): DeviceSettings {
  if (devices.offlineAfterMs <= devices.heartbeatIntervalMs)
    throw new Error(
      `DEVICE_OFFLINE_AFTER_MS (${devices.offlineAfterMs}) must be larger than DEVICE_HEARTBEAT_MS (${devices.heartbeatIntervalMs})`,
    );
  return devices;
}

/** `LOCAL_PROVIDER_TENANTS`: `*` for every tenant, else comma-separated tenant ids or names (empty: nobody). */
function tenantList(raw: string): '*' | string[] {
  if (raw.trim() === '*') return '*';
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

function decimal(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || value < min || value > max) {
    throw new Error(`${name} must be a number between ${min} and ${max}; got "${raw}"`);
  }
  return value;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}; got "${raw}"`);
  }
  return value;
}
