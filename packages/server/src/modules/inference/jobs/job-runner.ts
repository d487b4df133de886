/**
 * The job runner every server process runs: it claims slices of async and batch jobs from the database
 * (shared by all replicas), runs their items through the engine (which batches them), and completes each
 * slice with its results in one transaction. Leases are renewed while a slice runs; a slice whose server
 * died is claimed again when its lease runs out, and its results are written once.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ItemResult } from '../../../platform/db/schema.js';

import type { EngineLike } from '../engine/inference-engine.js';
import type { ClaimScope, ClaimedTask, JobRepository, JobRow } from './job-repository.js';
import type { ExecutableModel, ModelLookup } from '../requests/model-lookup.js';
import type { BlobStore } from '../../../platform/storage/blob-store.js';
import { runItems, toRequestItem } from '../requests/run-item.js';
import { runStacked } from '../requests/stacked-batch.js';
import { itemsOutcome, type SliceOutcome } from './slices.js';
import { createStackedInputCache, loadStackedSlice, storeStackedResults } from './stacked-storage.js';
import { DEFAULT_SETTINGS } from '../../../platform/settings.js';

export interface RunnerOptions {
  /** Slices claimed at once, at most (never more than there is room for in `concurrency`). */
  claimSize?: number;
  /** Slices in flight at once in this process; a finished slice makes room for the next at once. */
  concurrency?: number;
  leaseMs?: number;
  /** Idle wait between polls of the database. */
  pollMs?: number;
  /** A slice claimed this many times (its servers kept dying) is failed instead of retried. */
  maxAttempts?: number;
  /** Names the claims (`claimed_by`); a device's runner uses the device id. */
  workerId?: string;
}

/** What makes a runner a device's (jobs/device-runners.ts); the in-process runner has none of it. */
export interface RunnerPlacement {
  /** Which slices to claim (tenant, GPU preference); evaluated at each claim. */
  scope(): ClaimScope;
  /** A model this runner cannot run: its slice is given back, and its job skipped by this runner. */
  canRun?(model: ExecutableModel): boolean;
  /** The runner's device went away: slices it held are given back (queued again), not completed. */
  lost?(): boolean;
}

/** A completed slice, as the task recorder sees it. */
export interface SliceDone {
  job: JobRow;
  tasks: number;
  failed: number;
  computeMs: number;
  bytesIn: number;
  bytesOut: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createJobRunner(deps: {
  jobs: JobRepository;
  engine: EngineLike;
  /** The engine a job's slices run on instead of `engine` (a compute peer the job names); undefined: `engine`. */
  engineFor?: (job: JobRow) => Promise<EngineLike | undefined>;
  models: ModelLookup;
  placement?: RunnerPlacement;
  /** Where stacked batches keep their inputs and outputs. */
  blobs: BlobStore;
  logger: Logger;
  clock: () => Date;
  options?: RunnerOptions;
  /** A slice this runner ran was completed (its results written): for the task records. */
  onSliceDone?: (done: SliceDone) => void;
}) {
  const { jobs, engine, models, logger, clock } = deps;
  const stackedInputs = createStackedInputCache(deps.blobs);
  const claimSize = deps.options?.claimSize ?? 2;
  const concurrency = deps.options?.concurrency ?? 2;
  const leaseMs = deps.options?.leaseMs ?? DEFAULT_SETTINGS.inference.leaseMs;
  const pollMs = deps.options?.pollMs ?? DEFAULT_SETTINGS.inference.pollMs;
  const maxAttempts = deps.options?.maxAttempts ?? 5;
  const workerId = deps.options?.workerId ?? `runner-${randomUUID().slice(0, 8)}`;
  const placement = deps.placement;
  /** Jobs whose model this runner cannot run (a device's runner only). */
  const skipJobs = new Set<string>();
  /** Thrown out of runSlice when the slice is to be given back rather than completed. */
  const giveBack = Symbol('give back');
  let running = false;
  let inFlight = 0;
  let idlePolls = 0;
  let wake: (() => void) | undefined;
  let loop: Promise<void> | undefined;

  async function runSlice(task: ClaimedTask, job: JobRow | undefined, token: string): Promise<SliceOutcome> {
    const fail = (error: string) =>
      itemsOutcome(
        Array.from({ length: task.itemCount }, (): ItemResult => ({ status: 'failed', result: null, error })),
      );
    if (!job) return fail('job not found');
    if (task.attempts > maxAttempts)
      return fail(`abandoned after ${maxAttempts} attempts (the servers running it stopped)`);
    const options = job.options as { timeout?: number; top_k?: number };
    const deadline = job.deadlineAt?.getTime();
    let model;
    try {
      model = await models.get(job.tenantId, job.modelId);
    } catch (error) {
      return fail((error as Error).message);
    }
    if (placement?.canRun && !placement.canRun(model)) {
      skipJobs.add(job.id);
      throw giveBack;
    }
    const renew = setInterval(() => {
      jobs
        .renew(token, new Date(clock().getTime() + leaseMs))
        .catch((error: unknown) => logger.warn({ err: error }, 'lease renewal failed'));
    }, leaseMs / 3);
    try {
      const timeoutMs = deadline === undefined ? undefined : deadline - clock().getTime();
      if (timeoutMs !== undefined && timeoutMs <= 0)
        return fail(`timed out: not finished within ${options.timeout} ms (options.timeout)`);
      const runOptions = {
        maxRows: engine.options.maxBatchSize,
        maxInFlight: Math.max(1, Math.floor(engine.options.maxQueue / 4)),
        retryWhenFull: true,
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        ...(options.top_k ? { topK: options.top_k } : {}),
      };
      let stacked;
      try {
        stacked = await loadStackedSlice(task.items, stackedInputs);
      } catch (error) {
        return fail(`the batch's stored input could not be read: ${(error as Error).message}`);
      }
      const runOn = (await deps.engineFor?.(job)) ?? engine;
      const outcomes = stacked
        ? await runStacked(runOn, model, stacked, runOptions)
        : await runItems(runOn, model, (task.items as unknown[]).map(toRequestItem), {
            ...runOptions,
            firstIndex: task.firstItem,
          });
      if (!Array.isArray(outcomes)) return storeStackedResults(deps.blobs, outcomes);
      return itemsOutcome(
        outcomes.map((outcome): ItemResult =>
          outcome.ok
            ? { status: 'completed', result: outcome.result, error: null }
            : { status: 'failed', result: null, error: outcome.error },
        ),
      );
    } finally {
      clearInterval(renew);
    }
  }

  /** Runs and completes one slice; its place in `inFlight` frees as soon as it is done, not with its claim. */
  async function processSlice(task: ClaimedTask, job: Promise<JobRow | undefined>, token: string) {
    try {
      const started = performance.now();
      const row = await job;
      const results = await runSlice(task, row, token);
      const computeMs = performance.now() - started;
      if (placement?.lost?.()) throw giveBack;
      const written = await jobs.complete(token, task.jobId, task.idx, results, clock());
      if (written && row && deps.onSliceDone)
        deps.onSliceDone({
          job: row,
          tasks: results.tasks,
          failed: results.failed,
          computeMs,
          // What the slice's row holds: its inputs (or, for stacked rows, the reference to them) and its results.
          bytesIn: JSON.stringify(task.items).length,
          bytesOut: results.text.length,
        });
      if (!written)
        logger.info(
          { job_id: task.jobId, slice: task.idx },
          'slice results discarded: cancelled or claimed by another server',
        );
    } catch (error) {
      if (error === giveBack) {
        // Queued again at once for any runner; a lost claim that fails to release waits out its lease.
        await jobs.release(token).catch(() => undefined);
        logger.info({ job_id: task.jobId, slice: task.idx, runner: workerId }, 'slice given back');
      } else logger.error({ err: error, job_id: task.jobId, slice: task.idx }, 'inference slice failed');
    } finally {
      inFlight -= 1;
      wake?.();
    }
  }

  async function run() {
    while (running) {
      if (inFlight >= concurrency) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      let tasks: ClaimedTask[] = [];
      const token = randomUUID();
      try {
        const scope = placement?.scope();
        tasks = await jobs.claim(
          workerId,
          token,
          Math.min(claimSize, concurrency - inFlight),
          leaseMs,
          clock(),
          scope && { ...scope, skipJobs: [...skipJobs] },
        );
      } catch (error) {
        if (running) logger.warn({ err: error }, 'claiming inference tasks failed');
      }
      if (tasks.length === 0) {
        // Idle: poll less and less often (up to 8 x pollMs); work submitted here wakes the loop at once.
        await Promise.race([
          sleep(pollMs * Math.min(8, 2 ** idlePolls++)),
          new Promise<void>((resolve) => (wake = resolve)),
        ]);
        continue;
      }
      idlePolls = 0;
      inFlight += tasks.length;
      // If this read fails, the slices fail without completing and are claimed again when their lease ends.
      const byId = jobs
        .jobsById([...new Set(tasks.map((t) => t.jobId))])
        .then((rows) => new Map(rows.map((job) => [job.id, job])));
      for (const task of tasks)
        void processSlice(
          task,
          byId.then((map) => map.get(task.jobId)),
          token,
        );
    }
  }

  return {
    workerId,
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    /** New work was stored: look now instead of at the next poll. */
    notify() {
      idlePolls = 0;
      wake?.();
    },
    /** Stops claiming; slices in flight finish (or their lease lets another server take them). */
    async stop(graceMs = 5_000) {
      running = false;
      wake?.();
      await loop;
      const until = Date.now() + graceMs;
      while (inFlight > 0 && Date.now() < until) await sleep(20);
    },
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;
