/**
 * The inference use-cases: a sync run goes straight to the engine; async and batch requests are stored
 * as jobs (before the 202) and run by the job runner of whichever server claims them; jobs are read and
 * cancelled within their tenant. Engine and input failures come out as API errors.
 */
import { randomId } from '../../platform/http/ids.js';
import { ApiProblem, notFound } from '../../platform/http/problem.js';
import type { BlobStore } from '../../platform/storage/blob-store.js';
import { ExecutionError, InferenceTimeoutError, QueueFullError } from './engine/inference-errors.js';
import type { InferenceEngine } from './engine/inference-engine.js';
import type { JobRepository, JobRow } from './jobs/job-repository.js';
import { readResults } from './jobs/job-results.js';
import type { JobRunner } from './jobs/job-runner.js';
import { toInferenceJob } from './jobs/job-view.js';
import { sliceItems, type StoredSlice } from './jobs/slices.js';
import { storeStackedSlices } from './jobs/stacked-storage.js';
import { NON_FINITE_RESULT, NonFiniteResultError } from './requests/finite-results.js';
import { InputProblem } from './requests/input-problem.js';
import type { ModelLookup } from './requests/model-lookup.js';
import { prepareRequest } from './requests/prepare-request.js';
import type { RequestItem } from './requests/prepare-request.js';
import { runItem, toRequestItem } from './requests/run-item.js';
import { whyRowsAreNotTasks } from './requests/model-signature.js';
import { prepareStacked, stackItems, type StackedRequest } from './requests/stacked-batch.js';
import { DeviceLost } from './engine/device-engine.js';
import type { EngineLike } from './engine/inference-engine.js';
import type { SyncRouter } from './requests/sync-router.js';
import type { TaskRecorder } from '../../platform/usage/index.js';
import { recordSync, type Place } from './task-records.js';
import type { PeerPlacement } from './requests/peer-routing.js';
import { PeerUnavailable } from './engine/peer-engine.js';

/** The devices connected to this process, as sync requests and job submission see them. */
export interface DevicePlacement {
  router: SyncRouter;
  /** An engine that runs on the device `deviceId` (device-engine.ts). */
  engineFor(deviceId: string): EngineLike;
  /** New work was stored: the devices' runners look now. */
  notify(): void;
  /** Whether the tenant has a device that reports a GPU online (any replica). */
  gpuOnline(tenantId: string): Promise<boolean>;
}

const noGpu = (where: string) =>
  new ApiProblem(
    503,
    'NO_DEVICES',
    `options.require_gpu: no device of this tenant that reports a GPU is ${where}; start one (computeplane-worker on a GPU host) or drop require_gpu`,
  );

export interface InferenceDeps {
  engine: InferenceEngine;
  models: ModelLookup;
  jobs: JobRepository;
  runner: JobRunner;
  blobs: BlobStore;
  clock: () => Date;
  /** Inputs per stored task slice. */
  chunkSize: number;
  /** Input bytes per stored slice of a stacked batch. */
  stackedSliceBytes: number;
  devices?: DevicePlacement;
  /** Task records and projects (platform/usage), with where a sync request ran. */
  usage?: { recorder: TaskRecorder; local: Place; device(deviceId: string): Place };
  /** Compute peers (requests/peer-routing.ts). */
  peers?: PeerPlacement;
}

export interface JobBody {
  model_id: string;
  project_id?: string;
  options?: { timeout?: number; top_k?: number; prefer_gpu?: boolean; require_gpu?: boolean } & Record<string, unknown>;
  name?: string;
}

/** Engine failures as API errors; input problems as 400s naming the field. */
function asApiProblem(error: unknown): unknown {
  if (error instanceof InputProblem) return error.toApiProblem();
  if (error instanceof QueueFullError)
    return new ApiProblem(429, 'RATE_LIMITED', error.message, { headers: { 'Retry-After': '1' } });
  if (error instanceof InferenceTimeoutError) return new ApiProblem(504, 'INFERENCE_TIMEOUT', error.message);
  if (error instanceof ExecutionError) return new ApiProblem(400, 'VALIDATION_ERROR', error.message);
  if (error instanceof NonFiniteResultError) return new ApiProblem(422, NON_FINITE_RESULT, error.message);
  return error;
}

async function apiErrors<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asApiProblem(error);
  }
}

export function inferenceUseCases(deps: InferenceDeps) {
  const { engine, models, jobs, runner, clock } = deps;

  /** `require_gpu` work is refused (NO_DEVICES) while the tenant has no GPU device online. */
  async function checkRequirements(tenantId: string, body: JobBody) {
    if (body.options?.require_gpu !== true) return;
    if (!deps.devices || !(await deps.devices.gpuOnline(tenantId))) throw noGpu('online');
  }

  /**
   * A job naming a peer keeps its id in its options (`preferred_peer_id`): its slices run there while the
   * peer is healthy. An id the tenant does not have is a 404 now, not a surprise later.
   */
  async function namePeer<T extends JobBody>(
    tenantId: string,
    body: T,
    preferredPeerId: string | undefined,
  ): Promise<T> {
    if (preferredPeerId === undefined || !deps.peers) return body;
    await deps.peers.pick(tenantId, undefined, preferredPeerId);
    return { ...body, options: { ...body.options, preferred_peer_id: preferredPeerId } };
  }

  /** Stores a job (before any 202 goes out), wakes this server's runner, and returns the job's URL. */
  async function queueJob(
    tenantId: string,
    kind: 'single' | 'batch',
    body: JobBody,
    slices: StoredSlice[],
    projectId: string | null,
  ) {
    const now = clock();
    const submitted = slices.reduce((sum, slice) => sum + slice.itemCount, 0);
    const ledger = deps.usage?.recorder.projects;
    if (projectId !== null && ledger)
      await ledger.submit(tenantId, projectId, kind === 'batch' ? 'batch' : 'realtime', submitted);
    const create = () =>
      jobs.create(
        {
          id: randomId(kind === 'single' ? 'infer' : 'batch'),
          tenantId,
          modelId: body.model_id,
          kind,
          name: body.name ?? null,
          projectId,
          options: body.options ?? {},
          deadlineAt: body.options?.timeout ? new Date(now.getTime() + body.options.timeout) : null,
          createdAt: now,
        },
        slices,
      );
    let job;
    try {
      job = await create();
    } catch (error) {
      if (projectId !== null && ledger) await ledger.withdraw(tenantId, projectId, submitted).catch(() => undefined);
      throw error;
    }
    runner.notify();
    deps.devices?.notify();
    return { job, pollUrl: `/api/v1/inference/${job.id}` };
  }

  const view = async (job: JobRow, page: { offset: number; limit: number }) =>
    toInferenceJob(job, await readResults(jobs, deps.blobs, job.id, page.offset, page.limit), page);

  return {
    /**
     * Runs one request now, in-process or on a device connected here (requests/sync-router.ts); `worker`
     * names the engine worker that ran it, `deviceId` the device when one did.
     */
    async run(
      tenantId: string,
      body: JobBody,
      item: RequestItem,
      bytesIn = 0,
      /** Where it must run (benchmarks): the built-in engine, or one device connected here. */
      force?: { where: 'local' } | { where: 'device'; deviceId: string },
      preferredPeerId?: string,
    ): Promise<{ result: unknown; worker: number; deviceId?: string }> {
      const model = await models.get(tenantId, body.model_id);
      const usage = deps.usage;
      const projectId = body.project_id ?? null;
      if (usage && projectId !== null) await usage.recorder.projects.submit(tenantId, projectId, 'realtime', 0);
      /** One task record per request that ran (input problems are refused before anything runs). */
      const record = (place: Place | undefined, started: number, outcome: { result: unknown } | undefined) => {
        if (!usage || !place) return;
        recordSync(
          usage.recorder,
          place,
          {
            tenantId,
            projectId,
            ms: performance.now() - started,
            ok: outcome !== undefined,
            bytesIn,
            bytesOut: outcome ? (JSON.stringify(outcome.result)?.length ?? 0) : 0,
          },
          clock(),
        );
      };
      const options = {
        ...(body.options?.timeout ? { timeoutMs: body.options.timeout } : {}),
        ...(body.options?.top_k ? { topK: body.options.top_k } : {}),
      };
      // A forced placement (benchmarks) names where it runs; a peer is never chosen for it.
      const peer =
        force || body.options?.require_gpu ? undefined : await deps.peers?.pick(tenantId, model, preferredPeerId);
      if (peer && deps.peers) {
        const started = performance.now();
        // A peer is a provisioned node serving the platform (the seed's "aws" kind), not a user's device.
        const place: Place = { deviceId: `peer/${peer.id}`, deviceKind: 'aws', processor: 'cpu' };
        try {
          const outcome = await runItem(deps.peers.engineFor(peer), model, item, options);
          record(place, started, outcome);
          return { ...outcome, deviceId: place.deviceId };
        } catch (error) {
          // The peer could not be reached: the request runs where it would without it (nothing ran yet).
          if (!(error instanceof PeerUnavailable)) {
            if (!(error instanceof InputProblem)) record(place, started, undefined);
            throw asApiProblem(error);
          }
        }
      }
      const placement = deps.devices;
      const requireGpu = body.options?.require_gpu === true;
      const route = force
        ? force.where === 'device'
          ? ({ where: 'device', deviceId: force.deviceId } as const)
          : undefined
        : placement?.router.route(tenantId, model, {
            preferGpu: body.options?.prefer_gpu === true,
            requireGpu,
          });
      if (requireGpu && route?.where !== 'device') throw noGpu('connected to this server with room for the request');
      if (placement && route?.where === 'device') {
        const started = performance.now();
        try {
          const outcome = await runItem(placement.engineFor(route.deviceId), model, item, options);
          placement.router.record(model, route.deviceId, performance.now() - started);
          record(usage?.device(route.deviceId), started, outcome);
          return { ...outcome, deviceId: route.deviceId };
        } catch (error) {
          // The device went away: the request runs in-process instead (nothing was returned yet).
          if (!(error instanceof DeviceLost)) {
            if (!(error instanceof InputProblem)) record(usage?.device(route.deviceId), started, undefined);
            throw asApiProblem(error);
          }
          if (requireGpu) throw noGpu('connected any more (it disconnected during the request)');
        }
      }
      const started = performance.now();
      let outcome;
      try {
        outcome = await runItem(engine, model, item, options);
      } catch (error) {
        if (!(error instanceof InputProblem) && !(error instanceof QueueFullError))
          record(usage?.local, started, undefined);
        throw asApiProblem(error);
      }
      placement?.router.record(model, 'local', performance.now() - started);
      record(usage?.local, started, outcome);
      return outcome;
    },

    /** Checks one request against its model and stores it as a single job. */
    async queue(tenantId: string, body: JobBody, item: RequestItem, preferredPeerId?: string) {
      const model = await models.get(tenantId, body.model_id);
      await apiErrors(() => prepareRequest(model.row, item));
      await checkRequirements(tenantId, body);
      const stored = item.inputs !== undefined ? { inputs: item.inputs } : item.input;
      const withPeer = await namePeer(tenantId, body, preferredPeerId);
      return queueJob(tenantId, 'single', withPeer, sliceItems([stored], 1), body.project_id ?? null);
    },

    /** Checks and stores a batch sent as `inputs`, `stacked_input` or `stacked_inputs` (exactly one). */
    async queueBatch(
      tenantId: string,
      body: JobBody & StackedRequest & { inputs?: unknown[] },
      preferredPeerId?: string,
    ) {
      const forms = (['inputs', 'stacked_input', 'stacked_inputs'] as const).filter(
        (field) => body[field] !== undefined,
      );
      if (forms.length !== 1) {
        throw new ApiProblem(
          400,
          'VALIDATION_ERROR',
          forms.length === 0
            ? 'send the tasks as inputs, stacked_input or stacked_inputs'
            : `send the tasks in one form only, got ${forms.join(' and ')}`,
        );
      }
      const model = await models.get(tenantId, body.model_id);
      await checkRequirements(tenantId, body);
      const projectId = body.project_id ?? `batch_${clock().getTime()}`;
      const slices = await apiErrors(async () => {
        if (body.inputs !== undefined) {
          const prepared = body.inputs.map(
            (item, index) => prepareRequest(model.row, toRequestItem(item), `inputs[${index}]`).feeds,
          );
          // One row per item (the usual case) is stored and run as a stacked batch; anything else per item,
          // and so is every batch of a model whose rows are not tasks (inputs not stacked on axis 0).
          const stacked = whyRowsAreNotTasks(model.row) === undefined ? stackItems(prepared) : undefined;
          return stacked
            ? storeStackedSlices(deps.blobs, stacked, prepared.length, deps.stackedSliceBytes)
            : sliceItems(body.inputs, deps.chunkSize);
        }
        const { feeds, rows } = prepareStacked(model.row, body);
        return storeStackedSlices(deps.blobs, feeds, rows, deps.stackedSliceBytes);
      });
      const queued = await queueJob(
        tenantId,
        'batch',
        await namePeer(tenantId, body, preferredPeerId),
        slices,
        projectId,
      );
      return { ...queued, projectId };
    },

    /** The tenant's job with one page of its results (a single job: its one result). */
    async get(tenantId: string, jobId: string, page: { offset: number; limit: number }) {
      const job = await jobs.get(tenantId, jobId);
      if (!job) throw notFound('Inference job', jobId);
      return view(job, job.kind === 'single' ? { offset: 0, limit: 1 } : page);
    },

    /** Cancels a queued or running job; 409 once it has ended. */
    async cancel(tenantId: string, jobId: string) {
      const cancelled = await jobs.cancel(tenantId, jobId, clock());
      if (cancelled === undefined) throw notFound('Inference job', jobId);
      if (cancelled === null) {
        const job = await jobs.get(tenantId, jobId);
        throw new ApiProblem(
          409,
          'CANNOT_CANCEL',
          `Job '${jobId}' already ${job?.status ?? 'ended'}; only queued or running jobs can be cancelled`,
        );
      }
      return view(cancelled, { offset: 0, limit: cancelled.kind === 'single' ? 1 : 100 });
    },
  };
}

export type InferenceUseCases = ReturnType<typeof inferenceUseCases>;
