/**
 * The device protocol (docs/device-protocol.md): JSON text frames over one WebSocket per device, and from
 * version 2 binary frames for the messages that carry tensors (binary-frames.ts). Every frame is validated
 * with these zod schemas by both sides; a frame that fails is answered with an `error` frame and dropped.
 * `v` is the protocol version: 1 or 2; a frame of another version fails validation like any other.
 */
import { z } from 'zod';
import { decodeBinaryFrame, encodeBinaryFrame } from './binary-frames.js';

/** The version this package speaks; a peer that said hello (or welcome) with 1 gets JSON frames only. */
export const PROTOCOL_VERSION = 2;
export type ProtocolVersion = 1 | 2;
const version = z.union([z.literal(1), z.literal(2)]);
/** A tensor's values: JSON numbers (or booleans), or in a binary frame the typed array of its type. */
const typedArray = z.custom<ArrayBufferView>((value) => ArrayBuffer.isView(value) && !(value instanceof DataView), {
  message: 'expected an array of numbers',
});

/** Close codes the server uses (4000-4999 are free for applications). */
export const CLOSE_CODES = {
  replaced: 4409,
  serverShutdown: 4503,
} as const;

const id = z.string().min(1).max(128);
const tensor = z.object({
  type: z.string().min(1).max(16),
  dims: z
    .array(
      z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1),
    )
    .max(16),
  data: z.union([z.array(z.union([z.number(), z.boolean()])).max(16 * 1024 * 1024), typedArray]),
});
export type WireTensor = z.infer<typeof tensor>;
/** A tensor's values as plain numbers, whichever form they came in (booleans as 0 and 1, int64 as numbers). */
export const numbersOf = (data: WireTensor['data']): number[] =>
  Array.from(data as ArrayLike<number | bigint | boolean>, Number);

export const capabilitiesSchema = z.object({
  platform: z.string().min(1).max(64),
  arch: z.string().min(1).max(32).optional(),
  sdk_type: z.string().min(1).max(32),
  sdk_version: z.string().min(1).max(64),
  cpu_cores: z.number().int().min(1).max(4096),
  memory_bytes: z
    .number()
    .int()
    .min(0)
    .max(2 ** 53 - 1),
  gpu: z
    .object({
      name: z.string().max(256),
      memory_bytes: z
        .number()
        .int()
        .min(0)
        .max(2 ** 53 - 1),
    })
    .nullable()
    .optional(),
  execution_providers: z.array(z.string().min(1).max(64)).max(32),
  max_tasks: z.number().int().min(1).max(1024).optional(),
});
export type Capabilities = z.infer<typeof capabilitiesSchema>;

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
const logEntry = z.object({
  at: z.string().max(64),
  level: z.enum(LOG_LEVELS),
  message: z.string().max(4096),
});
export type LogEntry = z.infer<typeof logEntry>;

/** A file a peer is asked to stage: downloaded from `url` (with `headers`), or the platform's model `model_checksum`. */
const stageFile = z.object({
  path: z.string().min(1).max(1024),
  url: z.string().max(4096).optional(),
  headers: z.record(z.string().max(64), z.string().max(8192)).optional(),
  model_checksum: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/)
    .optional(),
  /** Expected sha256 (hex) of the file, when the source publishes one. */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});
export type StageFile = z.infer<typeof stageFile>;
const stagedFile = z.object({
  path: z.string().min(1).max(1024),
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type StagedFile = z.infer<typeof stagedFile>;

/** Frames a device sends. */
export const deviceMessageSchema = z.discriminatedUnion('type', [
  z.object({ v: version, type: z.literal('hello'), capabilities: capabilitiesSchema }),
  z.object({
    v: version,
    type: z.literal('heartbeat'),
    running_tasks: z.number().int().min(0).max(1024),
    /** The device's power draw in watts (power.ts), null when it cannot be read; absent from older peers. */
    power_watts: z.number().min(0).max(1_000_000).nullable().optional(),
  }),
  z.object({
    v: version,
    type: z.literal('logs'),
    request_id: id,
    entries: z.array(logEntry).max(10_000),
  }),
  z.object({
    v: version,
    type: z.literal('result'),
    task_id: id,
    ok: z.boolean(),
    outputs: z.record(z.string().max(256), tensor).optional(),
    error: z.string().max(4096).optional(),
    duration_ms: z.number().min(0).max(86_400_000),
  }),
  /** Staging (a peer's realtime endpoint): bytes of one file so far. */
  z.object({
    v: version,
    type: z.literal('stage_progress'),
    request_id: id,
    path: z.string().max(1024),
    bytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    total: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
  }),
  /** Staging finished: every file with its size and sha256, or why not. */
  z.object({
    v: version,
    type: z.literal('stage_result'),
    request_id: id,
    ok: z.boolean(),
    dest_dir: z.string().max(4096),
    files: z.array(stagedFile).max(10_000),
    error: z.string().max(4096).optional(),
  }),
  z.object({ v: version, type: z.literal('error'), message: z.string().max(4096) }),
]);
export type DeviceMessage = z.infer<typeof deviceMessageSchema>;

/** Frames the server sends. */
export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({
    v: version,
    type: z.literal('welcome'),
    device_id: id,
    heartbeat_interval_ms: z.number().int().min(100).max(600_000),
  }),
  z.object({
    v: version,
    type: z.literal('get_logs'),
    request_id: id,
    lines: z.number().int().min(1).max(10_000),
    level: z.enum(['all', ...LOG_LEVELS]),
  }),
  z.object({
    v: version,
    type: z.literal('run_inference'),
    task_id: id,
    model_checksum: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    inputs: z.record(z.string().max(256), tensor),
  }),
  /**
   * A training step: run the train-step graph (identified by its sha256; inline as base64 in JSON, as bytes in
   * a binary frame, and in version 2 left out once sent on this connection) on the batch and the weights in
   * `inputs`; the device answers with a `result` holding the loss and one gradient per weight.
   */
  z.object({
    v: version,
    type: z.literal('run_train_step'),
    task_id: id,
    graph_sha256: z.string().regex(/^[0-9a-f]{64}$/),
    graph: z
      .union([
        z.string().max(48 * 1024 * 1024),
        z.custom<Uint8Array>((value) => value instanceof Uint8Array && value.byteLength <= 36 * 1024 * 1024),
      ])
      .optional(),
    inputs: z.record(z.string().max(256), tensor),
  }),
  /**
   * Staging (sent to a peer's realtime endpoint): download `files` into `dest_dir` (relative to the peer's
   * staging directory), resuming partial files, checking sizes and checksums.
   */
  z.object({
    v: version,
    type: z.literal('stage_model'),
    request_id: id,
    repo_id: z.string().min(1).max(256),
    dest_dir: z.string().min(1).max(512),
    files: z.array(stageFile).max(10_000),
  }),
  z.object({ v: version, type: z.literal('error'), message: z.string().max(4096) }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

type Parsed<T> = { ok: true; message: T } | { ok: false; error: string };

function parseWith<T>(schema: z.ZodType<T>, raw: string | Uint8Array, binary: boolean): Parsed<T> {
  let json: unknown;
  try {
    json = binary
      ? decodeBinaryFrame(raw as Uint8Array)
      : JSON.parse(typeof raw === 'string' ? raw : Buffer.from(raw).toString());
  } catch (error) {
    return { ok: false, error: binary ? `invalid frame: ${(error as Error).message}` : 'frame is not JSON' };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  return {
    ok: false,
    error: `invalid frame: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unknown'}`,
  };
}

/** A frame as received: JSON text, or (`binary`) a binary frame. */
export const parseDeviceMessage = (raw: string | Uint8Array, binary = false): Parsed<DeviceMessage> =>
  parseWith(deviceMessageSchema, raw, binary);
export const parseServerMessage = (raw: string | Uint8Array, binary = false): Parsed<ServerMessage> =>
  parseWith(serverMessageSchema, raw, binary);

/** JSON text: typed arrays become number arrays, a graph given as bytes becomes base64. */
const asJson = (message: object) =>
  JSON.stringify(message, function (this: Record<string, unknown>, key, json: unknown) {
    // The value before toJSON (a Buffer's toJSON would turn it into {type, data}).
    const value = this[key] ?? json;
    if (key === 'graph' && value instanceof Uint8Array) return Buffer.from(value).toString('base64');
    if (ArrayBuffer.isView(value) && !(value instanceof DataView))
      return Array.from(value as unknown as ArrayLike<number | bigint>, Number);
    return json;
  });

/**
 * Serialises a frame after checking it against its schema (a peer never receives a frame we would refuse):
 * JSON text, or with `binary` a binary frame (for a peer that speaks version 2).
 */
export function encodeServerMessage(message: ServerMessage, binary = false): string | Buffer {
  const checked = serverMessageSchema.parse(message);
  return binary ? encodeBinaryFrame(checked) : asJson(checked);
}
export function encodeDeviceMessage(message: DeviceMessage, binary = false): string | Buffer {
  const checked = deviceMessageSchema.parse(message);
  return binary ? encodeBinaryFrame(checked) : asJson(checked);
}

export { decodeBinaryFrame, encodeBinaryFrame } from './binary-frames.js';
