/**
 * The peer's gRPC endpoint: the KServe v2 / Open Inference Protocol (`inference.GRPCInferenceService`,
 * device-protocol's proto/open-inference.proto) served with @grpc/grpc-js. A model is named by its checksum
 * (`sha256:<hex>`, what the platform sends): ModelInfer takes it from the cache, downloading it from the
 * server with the device's token when it is not here yet, and runs it on the thread pool. Inputs come as
 * raw bytes or typed contents; outputs go back as raw bytes. Every call must present the peer token.
 */
import * as grpc from '@grpc/grpc-js';
import {
  loadInferenceService,
  v2ToWire,
  wireToRaw,
  toV2Datatype,
  type ModelInferRequest,
  type ModelInferResponse,
} from '@computeplane/device-protocol/open-inference';
import type { WireTensor } from '@computeplane/device-protocol';
import type { LogRing } from './log-ring.js';
import type { ModelCache } from './model-cache.js';
import { modelMetadata } from './model-metadata.js';
import { presents } from './peer-auth.js';
import type { ThreadPool } from './thread-pool.js';

const CHECKSUM = /^sha256:[0-9a-f]{64}$/;

type Callback<T> = grpc.sendUnaryData<T>;
type Call<T> = grpc.ServerUnaryCall<T, unknown>;

const fail = (code: grpc.status, details: string) => Object.assign(new Error(details), { code, details });

export async function startGrpcServer(deps: {
  host: string;
  port: number;
  pool: ThreadPool;
  cache: ModelCache;
  log: LogRing;
  version: string;
  /** Callers must present it (`authorization: Bearer <token>` metadata). */
  token: string;
}) {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': 256 * 1024 * 1024,
    'grpc.max_send_message_length': 256 * 1024 * 1024,
  });

  async function modelPath(name: string): Promise<string> {
    if (!CHECKSUM.test(name))
      throw fail(
        grpc.status.NOT_FOUND,
        `model ${name} not found: name a model by its checksum, sha256:<64 hex digits>`,
      );
    try {
      return await deps.cache.path(name);
    } catch (error) {
      throw fail(grpc.status.NOT_FOUND, `model ${name}: ${(error as Error).message}`);
    }
  }

  async function infer(request: ModelInferRequest): Promise<ModelInferResponse> {
    const path = await modelPath(request.model_name);
    const raw = request.raw_input_contents ?? [];
    if (raw.length > 0 && raw.length !== request.inputs.length)
      throw fail(
        grpc.status.INVALID_ARGUMENT,
        `raw_input_contents has ${raw.length} entries for ${request.inputs.length} inputs`,
      );
    const inputs: Record<string, WireTensor> = {};
    try {
      request.inputs.forEach((tensor, index) => {
        inputs[tensor.name] = v2ToWire(tensor, raw.length > 0 ? raw[index] : undefined);
      });
    } catch (error) {
      throw fail(grpc.status.INVALID_ARGUMENT, (error as Error).message);
    }
    deps.log.info(
      `ModelInfer ${request.model_name}: ${request.inputs.map((t) => `${t.name}[${t.shape.join(',')}]`).join(' ')}`,
    );
    const reply = await deps.pool.run(path, inputs);
    if (!reply.ok) throw fail(grpc.status.INVALID_ARGUMENT, reply.error);
    const wanted = (request.outputs ?? []).map((output) => output.name);
    const names = Object.keys(reply.outputs).filter((name) => wanted.length === 0 || wanted.includes(name));
    return {
      model_name: request.model_name,
      model_version: '',
      id: request.id ?? '',
      outputs: names.map((name) => {
        const tensor = reply.outputs[name]!;
        return { name, datatype: toV2Datatype(tensor.type) ?? tensor.type.toUpperCase(), shape: tensor.dims };
      }),
      raw_output_contents: names.map((name) => wireToRaw(reply.outputs[name]!)),
    };
  }

  /** A unary handler from an async function; a thrown `{code, details}` is the call's status. */
  const unary =
    <Req, Res>(work: (request: Req) => Promise<Res>) =>
    (call: Call<Req>, callback: Callback<Res>) => {
      const authorization = call.metadata.get('authorization')[0];
      if (!presents(typeof authorization === 'string' ? authorization : undefined, deps.token))
        return callback({
          code: grpc.status.UNAUTHENTICATED,
          details: 'present the peer token: authorization: Bearer <token>',
        });
      work(call.request).then(
        (response) => callback(null, response),
        (error: { code?: grpc.status; message?: string }) => {
          if (error.code === undefined) deps.log.warn(`gRPC call failed: ${error.message}`);
          callback({ code: error.code ?? grpc.status.INTERNAL, details: error.message ?? 'failed' });
        },
      );
    };

  server.addService(loadInferenceService().service, {
    ServerLive: unary(async () => ({ live: true })),
    ServerReady: unary(async () => ({ ready: true })),
    ServerMetadata: unary(async () => ({ name: 'computeplane-worker', version: deps.version, extensions: [] })),
    ModelReady: unary(async (request: { name: string }) => ({
      ready: CHECKSUM.test(request.name) && (await deps.cache.has(request.name)),
    })),
    ModelMetadata: unary(async (request: { name: string }) => ({
      name: request.name,
      versions: [],
      platform: 'onnxruntime_onnx',
      ...(await modelMetadata(await modelPath(request.name))),
    })),
    ModelInfer: unary(infer),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${deps.host.includes(':') ? `[${deps.host}]` : deps.host}:${deps.port}`,
      grpc.ServerCredentials.createInsecure(),
      (error, bound) => (error ? reject(error) : resolve(bound)),
    ),
  );
  deps.log.info(`Open Inference Protocol (gRPC) on ${deps.host}:${port}`);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2_000).unref();
      }),
  };
}
