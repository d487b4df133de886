/**
 * An engine that runs on a connected device: the same `submit(model, feeds)` as the in-process engine, so
 * the batch and item paths (runStacked, runItems, runItem) and the storage of their results are exactly
 * the in-process ones, only the `run()` happens on the device (a `run_inference` task over its socket).
 * Tensors go as JSON numbers (device protocol v1); only element types a device can carry exactly go.
 */
import { numbersOf, type WireTensor } from '@computeplane/device-protocol';
import type { ExecutableModel } from '../requests/model-lookup.js';
import { ExecutionError, InferenceTimeoutError } from './inference-errors.js';
import type { EngineLike, InferenceOutcome, ModelHandle } from './inference-engine.js';
import type { ElementType, Feeds, TensorData } from './tensors.js';

/** Element types the worker runtime converts (packages/worker/src/tensors.ts). */
const DEVICE_TYPES = new Set<string>(['float32', 'float64', 'int8', 'uint8', 'int32', 'int64', 'bool']);

/** Whether a device can run the model: every input and output is of a type the protocol carries. */
export function deviceCanRun(model: ExecutableModel): boolean {
  return [...model.row.inputs, ...model.row.outputs].every((info) => DEVICE_TYPES.has(info.type));
}

export interface DeviceLink {
  deviceId: string;
  run(
    deviceId: string,
    task: { checksum: string; inputs: Record<string, WireTensor> },
    timeoutMs: number,
  ): Promise<Record<string, WireTensor>>;
}

/** The device's socket closed while it held the task: the work is not lost, it is to be run elsewhere. */
export class DeviceLost extends Error {}

const DEFAULT_TIMEOUT_MS = 120_000;

function toWire(tensor: TensorData): WireTensor {
  const data: (number | boolean)[] = new Array(tensor.data.length);
  for (let i = 0; i < tensor.data.length; i++) {
    const value = tensor.data[i]!;
    data[i] = tensor.type === 'bool' ? value !== 0 : Number(value);
  }
  return { type: tensor.type, dims: tensor.dims, data };
}

function fromWire(tensor: WireTensor): TensorData {
  const numbers = numbersOf(tensor.data);
  const type = tensor.type as ElementType;
  switch (type) {
    case 'float32':
      return { type, dims: tensor.dims, data: Float32Array.from(numbers) };
    case 'float64':
      return { type, dims: tensor.dims, data: Float64Array.from(numbers) };
    case 'int8':
      return { type, dims: tensor.dims, data: Int8Array.from(numbers) };
    case 'uint8':
    case 'bool':
      return { type, dims: tensor.dims, data: Uint8Array.from(numbers) };
    case 'int32':
      return { type, dims: tensor.dims, data: Int32Array.from(numbers) };
    case 'int64':
      return { type, dims: tensor.dims, data: BigInt64Array.from(numbers.map((n) => BigInt(Math.trunc(n)))) };
    default:
      throw new ExecutionError(`the device returned an output of type ${tensor.type}`);
  }
}

/**
 * `classify(error)` says whether a failure means the socket closed (the hub's DeviceGone: `lost()` then
 * stays true, and the job runner gives the slice back instead of storing failures) or the device did not
 * answer in time.
 */
export function createDeviceEngine(
  link: DeviceLink,
  options: EngineLike['options'],
  classify: (error: unknown) => 'gone' | 'timeout' | 'failed',
) {
  let lost = false;
  const engine: EngineLike & { lost(): boolean } = {
    options,
    lost: () => lost,
    async submit(model: ModelHandle, feeds: Feeds, { timeoutMs }: { timeoutMs?: number } = {}) {
      if (lost) throw new DeviceLost(`device ${link.deviceId} disconnected`);
      const inputs = Object.fromEntries(Object.entries(feeds).map(([name, tensor]) => [name, toWire(tensor)]));
      const started = performance.now();
      let wire: Record<string, WireTensor>;
      try {
        wire = await link.run(link.deviceId, { checksum: model.key, inputs }, timeoutMs ?? DEFAULT_TIMEOUT_MS);
      } catch (error) {
        const kind = classify(error);
        if (kind === 'gone') {
          lost = true;
          throw new DeviceLost(`device ${link.deviceId} disconnected`);
        }
        if (kind === 'timeout') throw new InferenceTimeoutError(timeoutMs ?? DEFAULT_TIMEOUT_MS);
        throw new ExecutionError((error as Error).message.replace(/^device failed the task: /, ''));
      }
      const outputs: Feeds = {};
      for (const [name, tensor] of Object.entries(wire)) outputs[name] = fromWire(tensor);
      const outcome: InferenceOutcome = { outputs, worker: 0, queueMs: 0, computeMs: performance.now() - started };
      return outcome;
    },
  };
  return engine;
}

export type DeviceEngine = ReturnType<typeof createDeviceEngine>;
