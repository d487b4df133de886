/**
 * Peer mode (`--listen HOST:PORT`): the Open Inference Protocol over gRPC on that address, the realtime
 * WebSocket endpoint beside it (`--realtime-port`, default the gRPC port + 1), and the registration that
 * makes this machine a compute peer of the tenant, kept alive by heartbeats. It runs next to the device
 * socket, on the same thread pool and model cache.
 */
import { join } from 'node:path';
import type { Capabilities } from '@computeplane/device-protocol';
import { startGrpcServer } from './grpc-server.js';
import type { LogRing } from './log-ring.js';
import type { ModelCache } from './model-cache.js';
import type { WorkerOptions } from './options.js';
import { newPeerToken } from './peer-auth.js';
import { keepRegistered } from './peer-registration.js';
import { startRealtimeServer } from './realtime-server.js';
import { createStager } from './stager.js';
import type { ResultMessage, Task } from './task-runner.js';
import type { ThreadPool } from './thread-pool.js';

export const WORKER_VERSION = '0.1.0';

const hostPart = (host: string) => (host.includes(':') ? `[${host}]` : host);

export async function startPeer(
  options: WorkerOptions & { listen: NonNullable<WorkerOptions['listen']> },
  worker: {
    pool: ThreadPool;
    cache: ModelCache;
    capabilities: Capabilities;
    runTask: (task: Task) => Promise<ResultMessage>;
    log: LogRing;
  },
) {
  const { host } = options.listen;
  const token = options.peerToken ?? newPeerToken();
  const stager = createStager({ root: join(options.cacheDir, 'staged'), cache: worker.cache, log: worker.log });
  const grpc = await startGrpcServer({ host, port: options.listen.port, ...worker, version: WORKER_VERSION, token });
  const realtime = await startRealtimeServer({
    host,
    port: options.realtimePort ?? (options.listen.port === 0 ? 0 : grpc.port + 1),
    ...worker,
    stager,
    token,
  }).catch(async (error: unknown) => {
    await grpc.close();
    throw error;
  });
  const advertise = hostPart(options.advertiseHost ?? host);
  const grpcPeer = `http://${advertise}:${grpc.port}`;
  const realtimePeerUrl = `ws://${advertise}:${realtime.port}/realtime`;
  const registration = keepRegistered({
    server: options.server,
    apiKey: options.apiKey,
    identity: {
      name: options.name,
      grpcPeer,
      realtimePeerUrl,
      token,
      ...(process.env.COMPUTEPLANE_INSTANCE_ID ? { instanceId: process.env.COMPUTEPLANE_INSTANCE_ID } : {}),
    },
    capabilities: async () => ({
      ...worker.capabilities,
      models: await worker.cache.list(),
      staged: await stager.list(),
    }),
    log: worker.log,
  });
  await registration.first;
  return {
    grpcPeer,
    realtimePeerUrl,
    get peerId() {
      return registration.peerId;
    },
    async stop() {
      registration.stop();
      await Promise.all([grpc.close(), realtime.close()]);
    },
  };
}
