/**
 * Worker jobs: `start` checks the request, stores the job (before any provider call, so a crash never
 * leaves an untracked instance), launches the instance (stage `launching`) and answers with the job and
 * the instance while the other stages run in the background (provision-worker.ts). `terminate` destroys
 * a worker's instance, cancels its job if it is still provisioning, removes its peers and revokes the key
 * it was issued. `recover` fails the jobs a stopped server left running and destroys their instances.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Db } from '../../../platform/db/database.js';
import { issueApiKey, revokeApiKey } from '../../../platform/auth/api-keys.js';
import { randomId } from '../../../platform/http/ids.js';
import { ApiProblem, notFound } from '../../../platform/http/problem.js';
import type { ComputeSettings } from '../../../platform/settings.js';
import type { GpuProvider } from '../../../providers/provider.js';
import { generateEd25519KeyPair } from '../../../providers/ssh-key-pair.js';
import type { ComputeJobRepository } from '../jobs/job-repository.js';
import type { PeerRepository } from '../peer-repository.js';
import { destroyWithRetries, provisionWorker, type ProvisionDeps } from './provision-worker.js';
import type { RuntimeBundle } from './runtime-bundle.js';
import { initialStages, runStage, StageFailed } from './stages.js';

export interface WorkerRequest {
  spec: { offer_id: string; count?: number; start_script?: string };
  env?: Record<string, string>;
}

export interface WorkersDeps {
  db: Db;
  jobs: ComputeJobRepository;
  peers: PeerRepository;
  bundle: RuntimeBundle;
  providers: Map<string, GpuProvider>;
  /** The marketplace inventory's offer lookup. */
  findOffer(id: string): { provider: string; providerId: string; available: boolean } | 'stale' | undefined;
  localAllowed(tenantId: string): Promise<boolean>;
  settings: ComputeSettings;
  image: string;
  /** This server's HTTP port once it listens (a local worker reaches the server there). */
  serverPort(): number | undefined;
  clock: () => Date;
  logger: Logger;
}

/** A free TCP port of this machine's loopback (a local worker's gRPC and realtime ports are forwarded from it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function workersUseCases(deps: WorkersDeps) {
  const { jobs, clock } = deps;
  const provisionDeps: ProvisionDeps = {
    jobs,
    peers: deps.peers,
    bundle: deps.bundle,
    settings: deps.settings,
    clock,
    logger: deps.logger,
  };
  const running = new Set<Promise<void>>();

  function providerFor(providerName: string, offerId: string) {
    const found = deps.findOffer(offerId);
    if (found === undefined)
      throw new ApiProblem(404, 'NOT_FOUND', `Offer '${offerId}' not found; list offers with GET /api/v1/inventory`);
    if (found === 'stale' || !found.available)
      throw new ApiProblem(503, 'STALE_INVENTORY', `offer '${offerId}' is no longer available; list offers again`);
    if (found.provider !== providerName)
      throw new ApiProblem(
        400,
        'VALIDATION_ERROR',
        `spec.offer_id '${offerId}' is an offer of ${found.provider}, not of provider=${providerName}`,
      );
    const provider = deps.providers.get(providerName);
    if (!provider)
      throw new ApiProblem(503, 'PROVIDER_UNAVAILABLE', `provider ${providerName} is not configured on this server`);
    return { provider, providerOfferId: found.providerId };
  }

  return {
    async start(tenantId: string, providerName: string, body: WorkerRequest) {
      const { provider, providerOfferId } = providerFor(providerName, body.spec.offer_id);
      const local = provider.name === 'local';
      if (local && !(await deps.localAllowed(tenantId)))
        throw new ApiProblem(
          403,
          'FORBIDDEN',
          `provider=local: this tenant may not use the local provider; the operator enables it per tenant with LOCAL_PROVIDER_TENANTS`,
        );
      const serverPort = deps.serverPort();
      const serverUrl = local && serverPort !== undefined ? `http://127.0.0.1:${serverPort}` : deps.settings.serverUrl;
      if (!serverUrl)
        throw new ApiProblem(
          503,
          'PROVIDER_UNAVAILABLE',
          `a worker on ${provider.name} could not reach this server: set COMPUTE_SERVER_URL to the server's address as the node sees it`,
        );
      const env = body.env ?? {};
      const id = randomId('wjob');
      const stages = initialStages(deps.settings.stageTimeoutsMs);
      const now = clock();
      await jobs.insert({
        id,
        tenantId,
        kind: 'worker',
        status: 'running',
        stage: 'launching',
        stages: stages as never,
        provider: provider.name,
        // What was asked, without the env values (secrets): their names only.
        request: { provider: provider.name, spec: body.spec, env_names: Object.keys(env).sort() },
        createdAt: now,
        updatedAt: now,
      });
      // The runtime registers with the key given in env, or with one issued to this worker.
      let apiKey = env.COMPUTEPLANE_API_KEY ?? env.HYBRIE_API_KEY;
      let apiKeyId: string | null = null;
      if (!apiKey) {
        const issued = await issueApiKey(deps.db, tenantId, `worker ${id}`);
        apiKey = issued.key;
        apiKeyId = issued.id;
      }
      const [grpcPort, realtimePort] = local ? [await freePort(), await freePort()] : [9090, 9091];
      const keys = generateEd25519KeyPair(`computeplane-worker-${id}`);
      const record = async (stage: string, recorded: typeof stages) =>
        (await jobs.progress(id, { stage, stages: recorded as never, apiKeyId, updatedAt: clock() })) !== undefined;
      let instanceId: string;
      try {
        ({ instanceId } = await runStage(
          'launching',
          stages,
          { timeoutMs: deps.settings.stageTimeoutsMs.launching, clock, record },
          () =>
            provider.createInstance({
              providerOfferId,
              image: deps.image,
              label: `cpw-${id}`,
              diskGb: 20,
              env: { EXPOSED_PORTS: `${grpcPort},${realtimePort}` },
              onStartCmd: null,
              sshPublicKey: keys.publicKey,
              ...(local && serverPort !== undefined ? { hostPorts: [serverPort] } : {}),
            }),
        ));
      } catch (error) {
        const message = error instanceof StageFailed ? error.message : (error as Error).message;
        await jobs.finish(id, { status: 'failed', error: message, stages: stages as never, updatedAt: clock() });
        if (apiKeyId) await revokeApiKey(deps.db, apiKeyId, clock());
        throw new ApiProblem(
          503,
          'PROVIDER_UNAVAILABLE',
          `launching the instance on ${provider.name} failed: ${message}`,
        );
      }
      await jobs.progress(id, { instanceId, updatedAt: clock() });
      const work = provisionWorker(provisionDeps, {
        jobId: id,
        tenantId,
        instanceId,
        provider,
        privateKey: keys.privateKey,
        startScript: body.spec.start_script ?? null,
        env: { ...env, COMPUTEPLANE_API_KEY: apiKey },
        serverUrl,
        grpcPort,
        realtimePort,
        stages,
      }).catch((error: unknown) => deps.logger.error({ err: error, job_id: id }, 'worker job crashed'));
      running.add(work);
      void work.finally(() => running.delete(work));
      return { job_id: id, instance_id: instanceId };
    },

    /**
     * Destroys the instance; its peers stop answering at once (routing skips them), go unhealthy when
     * their heartbeats stop, and are then removed by `sweepTerminated`.
     */
    async terminate(tenantId: string, instanceId: string) {
      const owned = await jobs.byInstance(tenantId, instanceId);
      if (owned.length === 0) throw notFound('Compute instance', instanceId);
      for (const job of owned)
        await jobs.progress(job.id, { status: 'cancelled', error: 'the instance was terminated', updatedAt: clock() });
      const provider = deps.providers.get(owned[0]!.provider ?? '');
      if (provider && !(await destroyWithRetries(provider, instanceId, deps.logger, 3)))
        throw new ApiProblem(503, 'PROVIDER_UNAVAILABLE', `destroying instance ${instanceId} failed; retry`);
      for (const job of owned) {
        await jobs.finish(job.id, { terminatedAt: clock(), updatedAt: clock() });
        if (job.apiKeyId) await revokeApiKey(deps.db, job.apiKeyId, clock());
      }
    },

    /** Removes the peers of terminated instances once they are unhealthy. */
    sweepTerminated: () => deps.peers.deleteTerminated(new Date(clock().getTime() - deps.settings.peerGraceMs)),

    /**
     * Jobs left running by a server that stopped: on this node's local provider, those whose instance is
     * gone (it ended with that process); elsewhere, those not updated for twice the longest stage timeout.
     */
    async recover() {
      const longest = Math.max(...Object.values(deps.settings.stageTimeoutsMs));
      // A job on this node's local provider whose instance is gone lost its server (the instances ended with it).
      const now = clock();
      const lost = await jobs.activeOlderThan(now);
      const orphaned = [];
      for (const job of lost) {
        const provider = deps.providers.get(job.provider ?? '');
        const endedWithProcess =
          job.kind === 'worker' &&
          provider?.instancesEndWithProcess === true &&
          job.instanceId !== null &&
          job.instanceId.startsWith(provider.instanceIdPrefix ?? '') &&
          (await provider.getInstance(job.instanceId)) === undefined;
        const allowed = job.kind === 'stage' ? deps.settings.stagingTimeoutMs : 2 * longest;
        const stale = job.updatedAt.getTime() < now.getTime() - allowed;
        if (endedWithProcess || stale) orphaned.push(job);
      }
      for (const job of orphaned) {
        await jobs.finish(job.id, {
          status: 'failed',
          error: `${job.stage ?? 'launching'}: the server running the job stopped`,
          updatedAt: clock(),
        });
        const provider = deps.providers.get(job.provider ?? '');
        if (provider && job.instanceId) await destroyWithRetries(provider, job.instanceId, deps.logger, 2);
      }
    },

    /** Waits for the jobs in flight (tests, shutdown). */
    async settle() {
      await Promise.all([...running]);
    },
  };
}

export type WorkersUseCases = ReturnType<typeof workersUseCases>;
