/**
 * gRPC clients of the peers' Open Inference Protocol endpoints (@grpc/grpc-js over
 * `proto/open-inference.proto` of @computeplane/device-protocol, the definition the worker serves): one client per endpoint, kept while in use
 * and closed with the module. Calls carry a deadline and, for a peer that gave one, its bearer token
 * (metadata `authorization`); a failure says which peer and why.
 */
import * as grpc from '@grpc/grpc-js';
import {
  loadInferenceService,
  type ModelInferRequest,
  type ModelInferResponse,
} from '@computeplane/device-protocol/open-inference';
import type { GrpcTarget } from './endpoints.js';

export class PeerCallError extends Error {
  constructor(
    message: string,
    /** `unavailable`: the peer could not be reached (try elsewhere); `timeout`: no answer by the deadline. */
    readonly kind: 'unavailable' | 'timeout' | 'failed',
  ) {
    super(message);
  }
}

type MetadataCall<Req, Res> = (
  request: Req,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, response: Res) => void,
) => void;

interface InferenceClient extends grpc.Client {
  ModelInfer: MetadataCall<ModelInferRequest, ModelInferResponse>;
}

export function createPeerClients() {
  const Service = loadInferenceService();
  const clients = new Map<string, InferenceClient>();

  function clientFor(target: GrpcTarget): InferenceClient {
    let client = clients.get(target.endpoint);
    if (!client) {
      const credentials = target.tls ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
      client = new Service(target.address, credentials, {
        'grpc.max_receive_message_length': 256 * 1024 * 1024,
        'grpc.max_send_message_length': 256 * 1024 * 1024,
      }) as unknown as InferenceClient;
      clients.set(target.endpoint, client);
    }
    return client;
  }

  function call<Req, Res>(
    target: GrpcTarget,
    method: 'ModelInfer',
    request: Req,
    timeoutMs: number,
    token: string | undefined,
  ) {
    const client = clientFor(target);
    const metadata = new grpc.Metadata();
    if (token) metadata.set('authorization', `Bearer ${token}`);
    return new Promise<Res>((resolve, reject) => {
      const fn = client[method] as unknown as MetadataCall<Req, Res>;
      fn.call(client, request, metadata, { deadline: Date.now() + timeoutMs }, (error, response) => {
        if (!error) return resolve(response);
        const kind =
          error.code === grpc.status.UNAVAILABLE
            ? 'unavailable'
            : error.code === grpc.status.DEADLINE_EXCEEDED
              ? 'timeout'
              : 'failed';
        reject(new PeerCallError(`peer ${target.endpoint}: ${error.details || error.message}`, kind));
      });
    });
  }

  return {
    infer: (target: GrpcTarget, request: ModelInferRequest, timeoutMs: number, token?: string) =>
      call<ModelInferRequest, ModelInferResponse>(target, 'ModelInfer', request, timeoutMs, token),
    close() {
      for (const client of clients.values()) client.close();
      clients.clear();
    },
  };
}

export type PeerClients = ReturnType<typeof createPeerClients>;
