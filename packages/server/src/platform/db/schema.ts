/**
 * The database schema (Drizzle, PostgreSQL dialect: the same tables on PGlite and PostgreSQL).
 * Migrations in packages/server/drizzle/ are generated from this file by drizzle-kit.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

export const tenants = pgTable('tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** First characters of the key, to find its row without comparing secrets in SQL. */
    lookup: text('lookup').notNull(),
    prefix: text('prefix').notNull(),
    /** sha256 of the whole key, hex. */
    keyHash: text('key_hash').notNull().unique(),
    createdAt: createdAt(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (table) => [index('api_keys_lookup_idx').on(table.lookup), index('api_keys_tenant_idx').on(table.tenantId)],
);

/** Session tokens issued to devices when they register (the devices area issues them). */
export const sdkTokens = pgTable('sdk_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  tenantId: text('tenant_id')
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  deviceId: text('device_id').notNull(),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
  revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
});

export type TensorInfo = { name: string; type: string; shape: (number | string)[] };

export const models = pgTable(
  'models',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    format: text('format', { enum: ['onnx', 'torchscript'] }).notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    /** `sha256:<hex>`; also the key of the file in the content-addressed store. */
    checksum: text('checksum').notNull(),
    inputs: jsonb('inputs').$type<TensorInfo[]>().notNull(),
    outputs: jsonb('outputs').$type<TensorInfo[]>().notNull(),
    inputShape: jsonb('input_shape').$type<number[] | null>(),
    outputShape: jsonb('output_shape').$type<number[] | null>(),
    inputSchema: jsonb('input_schema').$type<Record<string, unknown> | null>(),
    outputSchema: jsonb('output_schema').$type<Record<string, unknown> | null>(),
    labels: jsonb('labels').$type<string[] | null>(),
    preprocessing: text('preprocessing'),
    postprocessing: text('postprocessing'),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [
    index('models_tenant_uploaded_idx').on(table.tenantId, table.uploadedAt.desc()),
    index('models_checksum_idx').on(table.checksum),
  ],
);

/** Uploaded training data (openapi/datasets.yaml): the file is in the blob store under `checksum`. */
export const datasets = pgTable(
  'datasets',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    format: text('format', { enum: ['csv', 'jsonl'] }).notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    checksum: text('checksum').notNull(),
    rows: bigint('rows', { mode: 'number' }).notNull(),
    /** Feature column names in file order (the label column left out). */
    columns: jsonb('columns').$type<string[]>().notNull(),
    labelColumn: text('label_column').notNull(),
    labelType: text('label_type', { enum: ['class', 'float'] }).notNull(),
    numClasses: integer('num_classes'),
    labelMin: doublePrecision('label_min').notNull(),
    labelMax: doublePrecision('label_max').notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    index('datasets_tenant_created_idx').on(table.tenantId, table.createdAt.desc()),
    index('datasets_checksum_idx').on(table.checksum),
  ],
);

/**
 * Responses to POSTs sent with an Idempotency-Key, kept 24 hours. `state` is `processing` while the
 * first request runs, so a concurrent retry is told to wait instead of doing the work twice.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    fingerprint: text('fingerprint').notNull(),
    state: text('state', { enum: ['processing', 'completed'] }).notNull(),
    responseStatus: integer('response_status'),
    responseBody: text('response_body'),
    responseHeaders: jsonb('response_headers').$type<Record<string, string>>(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .default(sql`now() + interval '24 hours'`),
  },
  (table) => [
    primaryKey({ columns: [table.scope, table.key] }),
    index('idempotency_keys_expires_idx').on(table.expiresAt),
  ],
);

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/**
 * File contents by sha256, for deployments where several replicas share one PostgreSQL and no disk
 * (DATABASE_URL set): a model uploaded to one replica must run on every other.
 */
export const blobs = pgTable('blobs', {
  checksum: text('checksum').primaryKey(),
  size: bigint('size', { mode: 'number' }).notNull(),
  bytes: bytea('bytes').notNull(),
  /** 0: the file is in `bytes`; otherwise it is split over this many `blob_chunks` rows (and `bytes` is empty). */
  chunks: integer('chunks').notNull().default(0),
  createdAt: createdAt(),
});

/** Parts of a large blob, in order: a file is written and read a part at a time, never whole in one value. */
export const blobChunks = pgTable(
  'blob_chunks',
  {
    checksum: text('checksum')
      .notNull()
      .references(() => blobs.checksum, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    bytes: bytea('bytes').notNull(),
  },
  (table) => [primaryKey({ columns: [table.checksum, table.seq] })],
);

export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type TaskStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/** Async and batch inference jobs. Counters are advanced only by task updates that really happened. */
export const inferenceJobs = pgTable(
  'inference_jobs',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    modelId: text('model_id').notNull(),
    kind: text('kind', { enum: ['single', 'batch'] }).notNull(),
    status: text('status').$type<JobStatus>().notNull().default('queued'),
    name: text('name'),
    projectId: text('project_id'),
    options: jsonb('options').$type<Record<string, unknown>>().notNull().default({}),
    totalTasks: integer('total_tasks').notNull(),
    completedTasks: integer('completed_tasks').notNull().default(0),
    failedTasks: integer('failed_tasks').notNull().default(0),
    cancelledTasks: integer('cancelled_tasks').notNull().default(0),
    error: text('error'),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
    /** Async jobs with options.timeout fail when still unfinished at this time. */
    deadlineAt: timestamp('deadline_at', { withTimezone: true, mode: 'date' }),
  },
  (table) => [
    index('inference_jobs_tenant_idx').on(table.tenantId, table.createdAt),
    index('inference_jobs_status_idx').on(table.status),
  ],
);

/** One item's outcome inside a task's `results`. */
export interface ItemResult {
  status: 'completed' | 'failed';
  result: unknown;
  error: string | null;
}

/**
 * A slice of a job's inputs (up to the runner's chunk size), the unit workers claim and complete. A slice
 * is claimed with FOR UPDATE SKIP LOCKED and a lease; one whose lease ran out (its server died) is claimed
 * again. Completion is conditional on still holding the claim token, so no slice is completed twice, and
 * its results are written in one statement with the job's counters.
 */
export const inferenceTasks = pgTable(
  'inference_tasks',
  {
    jobId: text('job_id')
      .notNull()
      .references(() => inferenceJobs.id, { onDelete: 'cascade' }),
    idx: integer('idx').notNull(),
    firstItem: integer('first_item').notNull(),
    itemCount: integer('item_count').notNull(),
    status: text('status').$type<TaskStatus>().notNull().default('queued'),
    /** JSON text of the slice's inputs: stored and read as text, since the database never looks inside. */
    items: text('items').notNull(),
    /** JSON text of ItemResult[] once completed. */
    results: text('results'),
    claimedBy: text('claimed_by'),
    claimToken: text('claim_token'),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true, mode: 'date' }),
    attempts: integer('attempts').notNull().default(0),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
  },
  (table) => [
    primaryKey({ columns: [table.jobId, table.idx] }),
    index('inference_tasks_claim_idx').on(table.status, table.leaseExpiresAt),
  ],
);

/** Deployment-wide values every replica must agree on (e.g. the deployment id that labels provider instances). */
export const platformSettings = pgTable('platform_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export type GpuSessionStatus = 'pending' | 'provisioning' | 'running' | 'stopping' | 'stopped' | 'failed';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * GPU sessions (gpu-sessions.md). A row is written as `pending` before any provider call, so no
 * instance can exist that the database does not know. `next_check_at` is the work-claim column of the
 * lifecycle loops (claimed with FOR UPDATE SKIP LOCKED, so replicas share the work).
 */
export const gpuSessions = pgTable(
  'gpu_sessions',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    consumerId: text('consumer_id').notNull(),
    status: text('status').$type<GpuSessionStatus>().notNull(),
    /** `cp-<deployment id>-<session id>`: the name the instance carries at its provider. */
    label: text('label').notNull(),
    offerId: text('offer_id').notNull(),
    provider: text('provider').notNull(),
    providerOfferId: text('provider_offer_id').notNull(),
    instanceId: text('instance_id'),
    gpuType: text('gpu_type').notNull(),
    gpuCount: integer('gpu_count').notNull(),
    vramGb: integer('vram_gb').notNull(),
    pricePerHour: doublePrecision('price_per_hour').notNull(),
    /** What the session asked for (workload, image, ports, retry policy, ...), as in the create request. */
    request: jsonb('request').$type<Record<string, unknown>>().notNull(),
    reservationHours: integer('reservation_hours').notNull(),
    idleThresholdMinutes: integer('idle_threshold_minutes').notNull().default(0),
    retryCount: integer('retry_count').notNull().default(0),
    triedOffers: jsonb('tried_offers').$type<string[]>().notNull().default([]),
    sshHost: text('ssh_host'),
    sshPort: integer('ssh_port'),
    sshUser: text('ssh_user'),
    sshPublicKey: text('ssh_public_key').notNull(),
    /** Held only until SSH is verified (or the session ends), then cleared. */
    sshPrivateKey: text('ssh_private_key'),
    failureReason: text('failure_reason'),
    stopReason: text('stop_reason'),
    createdAt: createdAt(),
    updatedAt: at('updated_at').notNull().defaultNow(),
    provisionedAt: at('provisioned_at'),
    startedAt: at('started_at'),
    expiresAt: at('expires_at').notNull(),
    hardExpiresAt: at('hard_expires_at').notNull(),
    stoppedAt: at('stopped_at'),
    /** Billing runs from the provider's instance creation to its confirmed destruction. */
    billingStartedAt: at('billing_started_at'),
    billingEndedAt: at('billing_ended_at'),
    lastActivityAt: at('last_activity_at'),
    keyCollectedAt: at('key_collected_at'),
    destroyAttempts: integer('destroy_attempts').notNull().default(0),
    /** While `stopping`: the status the session ends in once its instance is destroyed. */
    endStatus: text('end_status').$type<'stopped' | 'failed'>(),
    /** Cost and hours of earlier instances of this session (provisioning attempts replaced by auto-retry). */
    priorCost: doublePrecision('prior_cost').notNull().default(0),
    priorHours: doublePrecision('prior_hours').notNull().default(0),
    preserveStorage: boolean('preserve_storage').notNull().default(false),
    nextCheckAt: at('next_check_at').notNull().defaultNow(),
  },
  (table) => [
    index('gpu_sessions_tenant_idx').on(table.tenantId, table.createdAt),
    index('gpu_sessions_check_idx').on(table.status, table.nextCheckAt),
    index('gpu_sessions_billing_idx').on(table.tenantId, table.billingStartedAt),
    // One active session per consumer and offer (the seed's 409), enforced by the database across replicas.
    uniqueIndex('gpu_sessions_active_offer_idx')
      .on(table.tenantId, table.consumerId, table.offerId)
      .where(sql`status IN ('pending', 'provisioning', 'running')`),
  ],
);

/**
 * Registered devices (the devices area). `status` is what the device last said (idle or busy); it is
 * offline when `last_heartbeat_at` is older than the offline grace, which every replica computes alike.
 */
export const devices = pgTable(
  'devices',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    capabilities: jsonb('capabilities').$type<Record<string, unknown>>().notNull(),
    status: text('status').$type<'idle' | 'busy'>().notNull().default('idle'),
    runningTasks: integer('running_tasks').notNull().default(0),
    /** The server process holding its socket (a replica's node id), null when none does. */
    connectedNode: text('connected_node'),
    lastHeartbeatAt: at('last_heartbeat_at'),
    tasksCompleted: integer('tasks_completed').notNull().default(0),
    tasksFailed: integer('tasks_failed').notNull().default(0),
    totalLatencyMs: doublePrecision('total_latency_ms').notNull().default(0),
    createdAt: createdAt(),
  },
  (table) => [index('devices_tenant_idx').on(table.tenantId, table.createdAt)],
);

export const schema = {
  tenants,
  apiKeys,
  sdkTokens,
  models,
  datasets,
  idempotencyKeys,
  blobs,
  blobChunks,
  inferenceJobs,
  inferenceTasks,
  platformSettings,
  gpuSessions,
  devices,
};

/**
 * Training jobs (modules/training). The whole training state lives in the row: the request's configuration,
 * the progress shown by the API, and the checkpoint (weights, optimizer state, version, data position) a
 * runner resumes from. A runner claims a due job with FOR UPDATE SKIP LOCKED and a lease (`claim_token`,
 * `lease_until`); every checkpoint write is conditional on still holding that claim.
 */
export const trainingJobs = pgTable(
  'training_jobs',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    modelId: text('model_id').notNull(),
    status: text('status').$type<'queued' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled'>().notNull(),
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    loss: jsonb('loss').$type<{ kind: 'cross_entropy' | 'mse'; inferred: boolean }>().notNull(),
    progress: jsonb('progress').$type<Record<string, unknown>>().notNull(),
    checkpoint: jsonb('checkpoint').$type<Record<string, unknown> | null>(),
    assignedDevices: jsonb('assigned_devices').$type<string[]>().notNull().default([]),
    resultModelId: text('result_model_id'),
    error: text('error'),
    claimToken: text('claim_token'),
    leaseUntil: timestamp('lease_until', { withTimezone: true, mode: 'date' }),
    attempts: integer('attempts').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
    /** The project the job counts towards (projects module), if any. */
    projectId: text('project_id'),
  },
  (table) => [
    index('training_jobs_tenant_idx').on(table.tenantId, table.createdAt),
    index('training_jobs_status_idx').on(table.status),
  ],
);

/** Labs (the pods area): a tenant's group of pods with shared limits, a budget and SSH keys. */
export const labs = pgTable(
  'labs',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    idleAlertMinutes: integer('idle_alert_minutes').notNull(),
    idleStopMinutes: integer('idle_stop_minutes').notNull(),
    autoScheduleEnabled: boolean('auto_schedule_enabled').notNull().default(false),
    /** USD per calendar month (UTC); null: no budget. */
    monthlyBudget: doublePrecision('monthly_budget'),
    budgetAction: text('budget_action').$type<'stop' | 'alert'>().notNull().default('stop'),
    sshPublicKeys: jsonb('ssh_public_keys').$type<string[]>().notNull().default([]),
    /** The month (`YYYY-MM`) whose budget overrun was already reported. */
    budgetAlertedMonth: text('budget_alerted_month'),
    /** Work-claim column of the budget loop (FOR UPDATE SKIP LOCKED). */
    nextBudgetCheckAt: at('next_budget_check_at').notNull().defaultNow(),
    createdAt: createdAt(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('labs_tenant_slug_idx').on(table.tenantId, table.slug),
    index('labs_budget_check_idx').on(table.nextBudgetCheckAt),
  ],
);

export type PodStatus = 'creating' | 'running' | 'stopped' | 'terminated' | 'failed';

/**
 * Pods (pods.md). Like sessions, a row is written (`creating`, no instance yet) before the provider is
 * called; `next_check_at` is the lifecycle loops' claim column. Running time is `running_seconds` plus the
 * current run since `run_started_at`.
 */
export const pods = pgTable(
  'pods',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    labId: text('lab_id')
      .notNull()
      .references(() => labs.id, { onDelete: 'cascade' }),
    status: text('status').$type<PodStatus>().notNull(),
    label: text('label').notNull(),
    provider: text('provider').notNull(),
    offerId: text('offer_id').notNull(),
    providerOfferId: text('provider_offer_id').notNull(),
    instanceId: text('instance_id'),
    volumeId: text('volume_id').notNull(),
    gpuType: text('gpu_type').notNull(),
    gpuCount: integer('gpu_count').notNull(),
    /** Captured from the offer when the pod was created (compute, while running). */
    pricePerHour: doublePrecision('price_per_hour').notNull(),
    /** The volume's storage price (while stopped, and retained after terminate). */
    storagePricePerHour: doublePrecision('storage_price_per_hour').notNull(),
    image: text('image').notNull(),
    env: jsonb('env').$type<Record<string, string>>().notNull(),
    volumeSize: integer('volume_size').notNull(),
    volumePath: text('volume_path').notNull(),
    maxHours: doublePrecision('max_hours'),
    sshHost: text('ssh_host'),
    sshPort: integer('ssh_port'),
    sshUser: text('ssh_user'),
    /** The pod's own key and the lab's keys at creation, one per line. */
    sshPublicKeys: text('ssh_public_keys').notNull(),
    runningSeconds: doublePrecision('running_seconds').notNull().default(0),
    runStartedAt: at('run_started_at'),
    lastActivityAt: at('last_activity_at'),
    telemetry: jsonb('telemetry').$type<Record<string, unknown> | null>(),
    idleAlertedAt: at('idle_alerted_at'),
    maxHoursWarnedAt: at('max_hours_warned_at'),
    keyCollectedAt: at('key_collected_at'),
    failureReason: text('failure_reason'),
    stopReason: text('stop_reason'),
    createdAt: createdAt(),
    updatedAt: at('updated_at').notNull().defaultNow(),
    stoppedAt: at('stopped_at'),
    terminatedAt: at('terminated_at'),
    volumeDeleteAt: at('volume_delete_at'),
    volumeDeletedAt: at('volume_deleted_at'),
    nextCheckAt: at('next_check_at').notNull().defaultNow(),
  },
  (table) => [
    index('pods_lab_idx').on(table.labId, table.createdAt),
    index('pods_check_idx').on(table.status, table.nextCheckAt),
  ],
);

/** What a pod costs, as spans at one price: `compute` while running, `storage` while its volume is kept. */
export const podUsage = pgTable(
  'pod_usage',
  {
    id: text('id').primaryKey(),
    podId: text('pod_id')
      .notNull()
      .references(() => pods.id, { onDelete: 'cascade' }),
    labId: text('lab_id').notNull(),
    tenantId: text('tenant_id').notNull(),
    kind: text('kind').$type<'compute' | 'storage'>().notNull(),
    pricePerHour: doublePrecision('price_per_hour').notNull(),
    startedAt: at('started_at').notNull(),
    endedAt: at('ended_at'),
  },
  (table) => [
    index('pod_usage_lab_idx').on(table.labId, table.startedAt),
    uniqueIndex('pod_usage_open_idx')
      .on(table.podId, table.kind)
      .where(sql`ended_at IS NULL`),
  ],
);

/** Warnings and alerts of a lab's pods and budget (`GET /api/v1/labs/{slug}/events`). */
export const podEvents = pgTable(
  'pod_events',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    labId: text('lab_id')
      .notNull()
      .references(() => labs.id, { onDelete: 'cascade' }),
    podId: text('pod_id'),
    type: text('type').notNull(),
    message: text('message').notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('pod_events_lab_idx').on(table.labId, table.createdAt)],
);

export type ProjectType = 'realtime' | 'batch' | 'training' | 'benchmark';
export type ProjectStatus = 'active' | 'completed' | 'cancelled';

/**
 * Projects (the seed's "Projects"): a tenant's group of inference or training tasks. The counters are
 * advanced only by single `col = col + n` statements (the task recorder's flush), so every replica's
 * records add up exactly.
 */
export const projects = pgTable(
  'projects',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    name: text('name').notNull(),
    type: text('type').$type<ProjectType>().notNull(),
    modelId: text('model_id'),
    status: text('status').$type<ProjectStatus>().notNull().default('active'),
    /** Declared at creation (progress is measured against it); null: progress against submitted tasks. */
    totalTasks: integer('total_tasks'),
    submittedTasks: bigint('submitted_tasks', { mode: 'number' }).notNull().default(0),
    completedTasks: bigint('completed_tasks', { mode: 'number' }).notNull().default(0),
    failedTasks: bigint('failed_tasks', { mode: 'number' }).notNull().default(0),
    computeMs: doublePrecision('compute_ms').notNull().default(0),
    latencyMsSum: doublePrecision('latency_ms_sum').notNull().default(0),
    latencySamples: bigint('latency_samples', { mode: 'number' }).notNull().default(0),
    bytesIn: bigint('bytes_in', { mode: 'number' }).notNull().default(0),
    bytesOut: bigint('bytes_out', { mode: 'number' }).notNull().default(0),
    createdAt: createdAt(),
    firstTaskAt: at('first_task_at'),
    lastTaskAt: at('last_task_at'),
    completedAt: at('completed_at'),
    cancelledAt: at('cancelled_at'),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.id] }),
    index('projects_tenant_idx').on(table.tenantId, table.createdAt),
  ],
);

/**
 * One row per task that ran (a sync request, a batch slice's row range, a training checkpoint's step
 * batches), written in bulk by the task recorder. `device_kind` is the seed's instance type: `aws` for the
 * platform's own compute (the built-in engine), `user` for a user-contributed device.
 */
export const taskRecords = pgTable(
  'task_records',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: text('tenant_id').notNull(),
    projectId: text('project_id'),
    kind: text('kind').$type<'inference' | 'batch' | 'training' | 'benchmark'>().notNull(),
    jobId: text('job_id'),
    deviceId: text('device_id').notNull(),
    deviceKind: text('device_kind').$type<'aws' | 'user'>().notNull(),
    processor: text('processor').$type<'cpu' | 'gpu'>().notNull(),
    tasks: integer('tasks').notNull(),
    failed: integer('failed').notNull(),
    computeMs: doublePrecision('compute_ms').notNull(),
    latencyMs: doublePrecision('latency_ms').notNull(),
    bytesIn: bigint('bytes_in', { mode: 'number' }).notNull(),
    bytesOut: bigint('bytes_out', { mode: 'number' }).notNull(),
    finishedAt: at('finished_at').notNull(),
  },
  (table) => [
    index('task_records_tenant_idx').on(table.tenantId, table.finishedAt),
    index('task_records_project_idx').on(table.tenantId, table.projectId, table.finishedAt),
    index('task_records_finished_idx').on(table.finishedAt),
  ],
);

/** Hourly rollups of task records (advanced by the same flush that writes the records). */
export const usageHourly = pgTable(
  'usage_hourly',
  {
    tenantId: text('tenant_id').notNull(),
    /** '' when the tasks belong to no project. */
    projectId: text('project_id').notNull(),
    deviceId: text('device_id').notNull(),
    deviceKind: text('device_kind').$type<'aws' | 'user'>().notNull(),
    processor: text('processor').$type<'cpu' | 'gpu'>().notNull(),
    hour: at('hour').notNull(),
    okTasks: bigint('ok_tasks', { mode: 'number' }).notNull().default(0),
    failedTasks: bigint('failed_tasks', { mode: 'number' }).notNull().default(0),
    okComputeMs: doublePrecision('ok_compute_ms').notNull().default(0),
    failedComputeMs: doublePrecision('failed_compute_ms').notNull().default(0),
    bytesIn: bigint('bytes_in', { mode: 'number' }).notNull().default(0),
    bytesOut: bigint('bytes_out', { mode: 'number' }).notNull().default(0),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.projectId, table.deviceId, table.processor, table.hour] }),
    index('usage_hourly_hour_idx').on(table.hour),
  ],
);

/**
 * A training job's progress at each checkpoint (the efficiency figures are computed from these): samples
 * trained so far, accuracy and loss, and the devices that took part.
 */
export const trainingSamples = pgTable(
  'training_samples',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    jobId: text('job_id').notNull(),
    tenantId: text('tenant_id').notNull(),
    at: at('at').notNull(),
    batchesCompleted: integer('batches_completed').notNull(),
    samplesCompleted: bigint('samples_completed', { mode: 'number' }).notNull(),
    accuracy: doublePrecision('accuracy'),
    loss: doublePrecision('loss'),
    devices: integer('devices').notNull(),
    deviceKind: text('device_kind').$type<'aws' | 'user' | 'mixed'>().notNull(),
    powerWatts: doublePrecision('power_watts'),
  },
  (table) => [index('training_samples_job_idx').on(table.jobId, table.at)],
);

/**
 * Performance benchmarks (dashboard module): the request, each finished step's results, and a heartbeat
 * (`updated_at`, advanced while it runs) by which a benchmark whose server stopped is seen as failed.
 */
export const benchmarks = pgTable(
  'benchmarks',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    status: text('status').$type<'running' | 'completed' | 'failed'>().notNull(),
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    steps: jsonb('steps').$type<Record<string, unknown>[]>().notNull().default([]),
    error: text('error'),
    createdAt: createdAt(),
    updatedAt: at('updated_at').notNull(),
    completedAt: at('completed_at'),
  },
  (table) => [index('benchmarks_tenant_idx').on(table.tenantId, table.createdAt)],
);

/**
 * Compute peers (modules/compute): reachable nodes serving the Open Inference Protocol (`grpc_peer`) and/or
 * the device protocol (`realtime_peer_url`). An endpoint names at most one peer of a tenant (the upsert
 * key); `last_seen_at` is the last registration or heartbeat, which health is judged by.
 */
export const computePeers = pgTable(
  'compute_peers',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    grpcPeer: text('grpc_peer'),
    realtimePeerUrl: text('realtime_peer_url'),
    instanceId: text('instance_id'),
    /** The bearer token the platform presents to the peer's endpoints (sent by the peer; never returned). */
    authToken: text('auth_token'),
    capabilities: jsonb('capabilities').$type<Record<string, unknown>>().notNull().default({}),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastProbeAt: timestamp('last_probe_at', { withTimezone: true, mode: 'date' }),
    probeLatencyMs: doublePrecision('probe_latency_ms'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [
    index('compute_peers_tenant_idx').on(table.tenantId, table.createdAt),
    uniqueIndex('compute_peers_grpc_idx')
      .on(table.tenantId, table.grpcPeer)
      .where(sql`grpc_peer IS NOT NULL`),
    uniqueIndex('compute_peers_realtime_idx')
      .on(table.tenantId, table.realtimePeerUrl)
      .where(sql`realtime_peer_url IS NOT NULL`),
  ],
);

/**
 * Jobs of the compute workspace (modules/compute/jobs), served with training jobs by the shared jobs
 * registry (`GET /v1/train/jobs/{id}`). A worker job's stages (name, status, times, timeout) are in
 * `stages`; its `env` is never stored (secrets), so a worker job whose server stopped mid-way is failed
 * at the next start (once older than any stage may take) and its instance destroyed.
 */
export const computeJobs = pgTable(
  'compute_jobs',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'worker' | 'stage'>().notNull(),
    status: text('status').$type<'queued' | 'running' | 'completed' | 'failed' | 'cancelled'>().notNull(),
    stage: text('stage'),
    stages: jsonb('stages').$type<Record<string, unknown>[]>().notNull().default([]),
    provider: text('provider'),
    instanceId: text('instance_id'),
    /** The API key issued to the worker (its id only), revoked when the instance is terminated. */
    apiKeyId: text('api_key_id'),
    request: jsonb('request').$type<Record<string, unknown>>().notNull().default({}),
    report: jsonb('report').$type<Record<string, unknown> | null>(),
    error: text('error'),
    /** When its instance was terminated: its peers are removed once they are unhealthy. */
    terminatedAt: timestamp('terminated_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [
    index('compute_jobs_tenant_idx').on(table.tenantId, table.createdAt),
    index('compute_jobs_instance_idx').on(table.instanceId),
  ],
);

/** What an instance asked for at create, kept to start it again (secrets stay here, never in a response). */
export interface InstanceSpecRecord {
  cmd?: string[];
  entrypoint?: string[];
  env: Record<string, string>;
  credentials?: Record<
    string,
    { inject: { as: { format: string; header: string }; hosts?: string[] }[]; source: { env: string } }
  >;
  devices?: string[];
  disk_io_bps?: string;
  hotplug_size?: string;
  overlay_size?: string;
  size?: string;
  vcpus?: number;
  network?: {
    enabled?: boolean;
    bandwidth_download?: string;
    bandwidth_upload?: string;
    egress?: { enabled?: boolean; enforcement?: { mode?: 'all' | 'http_https_only' } };
  };
  gpu?: { profile?: string };
}

/**
 * Instances (the instances area): an OCI workload on this node's runtime. `state` follows the seed's
 * state table (modules/instances/instance-states.ts); every change is a conditional update on it.
 */
export const instances = pgTable(
  'instances',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    image: text('image').notNull(),
    imageDigest: text('image_digest').notNull(),
    /** The node (host name and data directory) whose runtime holds the container. */
    nodeId: text('node_id').notNull(),
    state: text('state').notNull(),
    spec: jsonb('spec').$type<InstanceSpecRecord>().notNull(),
    tags: jsonb('tags').$type<Record<string, string>>().notNull().default({}),
    hypervisor: text('hypervisor').notNull(),
    ip: text('ip'),
    mac: text('mac'),
    exitCode: integer('exit_code'),
    exitMessage: text('exit_message'),
    stateError: text('state_error'),
    createdAt: createdAt(),
    startedAt: at('started_at'),
    stoppedAt: at('stopped_at'),
  },
  (table) => [
    uniqueIndex('instances_tenant_name_idx').on(table.tenantId, table.name),
    index('instances_node_idx').on(table.nodeId, table.state),
  ],
);

/** Images pulled for instances, per tenant; unpacked once per digest on disk (`digest`). */
export const instanceImages = pgTable(
  'instance_images',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    status: text('status').$type<'pending' | 'pulling' | 'converting' | 'ready' | 'failed'>().notNull(),
    digest: text('digest'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    error: text('error'),
    /** The image's config (entrypoint, cmd, env, working dir) once pulled. */
    config: jsonb('config').$type<{ entrypoint?: string[]; cmd?: string[]; env?: string[]; workingDir?: string }>(),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.name] }),
    index('instance_images_status_idx').on(table.status),
  ],
);

/** Volumes: an ext4 file system of `size_gb` in a sparse file, attachable to instances. */
export const instanceVolumes = pgTable(
  'instance_volumes',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    sizeGb: integer('size_gb').notNull(),
    tags: jsonb('tags').$type<Record<string, string>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('instance_volumes_tenant_name_idx').on(table.tenantId, table.name)],
);

export const instanceVolumeAttachments = pgTable(
  'instance_volume_attachments',
  {
    volumeId: text('volume_id')
      .notNull()
      .references(() => instanceVolumes.id, { onDelete: 'cascade' }),
    instanceId: text('instance_id')
      .notNull()
      .references(() => instances.id, { onDelete: 'cascade' }),
    mountPath: text('mount_path').notNull(),
    readonly: boolean('readonly').notNull().default(false),
    overlay: boolean('overlay').notNull().default(false),
    overlaySize: text('overlay_size'),
    position: integer('position').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.volumeId, table.instanceId] })],
);
