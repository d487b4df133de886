/**
 * An engine that runs on a compute peer over the Open Inference Protocol (gRPC ModelInfer): the same
 * `submit(model, feeds)` as the in-process engine, so runItem/runStacked and the postprocessing are the
 * in-process ones and only `run()` happens on the peer. Tensors travel as raw bytes (the protocol's
 * `raw_input_contents`, little-endian row-major), so values arrive bit for bit. The model is named by its
 * checksum (`sha256:<hex>`), which our runtime resolves from its cache, staged models or the server.
 */
import {
  fromV2Datatype,
  toV2Datatype,
  type ModelInferRequest,
  type ModelInferResponse,
} from '@computeplane/device-protocol/open-inference';
import type { RoutablePeer } from '../../compute/module.js';
import { ExecutionError, InferenceTimeoutError } from './inference-errors.js';
import type { EngineLike, InferenceOutcome, ModelHandle } from './inference-engine.js';
import { isSupportedType, typedArrayFrom, type Feeds } from './tensors.js';

export interface PeerLink {
  infer(
    target: RoutablePeer['grpc'],
    request: ModelInferRequest,
    timeoutMs: number,
    token?: string,
  ): Promise<ModelInferResponse>;
  callTimeoutMs: number;
  /** A failed call: the peer could not be reached, did not answer in time, or failed the request. */
  classify(error: unknown): 'unavailable' | 'timeout' | 'failed';
}

/** The peer could not be reached: nothing ran, the work is to be run elsewhere. */
export class PeerUnavailable extends Error {}

const bytesOf = (data: ArrayBufferView) => new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

export function createPeerEngine(peer: RoutablePeer, link: PeerLink, options: EngineLike['options']): EngineLike {
  return {
    options,
    async submit(model: ModelHandle, feeds: Feeds, { timeoutMs }: { timeoutMs?: number } = {}) {
      const names = Object.keys(feeds);
      const request: ModelInferRequest = {
        model_name: model.key,
        inputs: names.map((name) => {
          const tensor = feeds[name]!;
          const datatype = toV2Datatype(tensor.type);
          if (!datatype) throw new ExecutionError(`input ${name}: type ${tensor.type} cannot be sent to a peer`);
          return { name, datatype, shape: tensor.dims };
        }),
        raw_input_contents: names.map((name) => bytesOf(feeds[name]!.data)),
      };
      const started = performance.now();
      let response: ModelInferResponse;
      try {
        response = await link.infer(peer.grpc, request, timeoutMs ?? link.callTimeoutMs, peer.token);
      } catch (error) {
        const kind = link.classify(error);
        if (kind === 'unavailable') throw new PeerUnavailable(`peer ${peer.id}: ${(error as Error).message}`);
        if (kind === 'timeout') throw new InferenceTimeoutError(timeoutMs ?? link.callTimeoutMs);
        throw new ExecutionError((error as Error).message);
      }
      const outputs: Feeds = {};
      const raw = response.raw_output_contents ?? [];
      response.outputs.forEach((output, index) => {
        const type = fromV2Datatype(output.datatype);
        if (!type || !isSupportedType(type) || raw[index] === undefined)
          throw new ExecutionError(
            `peer ${peer.id} returned output ${output.name} as ${output.datatype} without raw contents`,
          );
        outputs[output.name] = { type, dims: output.shape.map(Number), data: typedArrayFrom(type, raw[index]) };
      });
      const outcome: InferenceOutcome = { outputs, worker: 0, queueMs: 0, computeMs: performance.now() - started };
      return outcome;
    },
  };
}
