/**
 * The inference area (openapi/inference.yaml): sync requests go straight to the engine; async and batch
 * requests are stored as jobs (before the 202) and run by the job runner of whichever server claims them.
 */
import { tenantOf } from '../../../platform/auth/principal.js';
import { routes } from '../../../generated/routes/inference.js';
import { randomId } from '../../../platform/http/ids.js';
import { ApiProblem, notFound } from '../../../platform/http/problem.js';
import type { Handlers } from '../../../platform/http/register-routes.js';
import { ExecutionError, InferenceTimeoutError, QueueFullError } from '../engine/inference-errors.js';
import type { InferenceEngine } from '../engine/inference-engine.js';
import type { Services } from '../../../platform/services.js';
import { InputProblem } from '../requests/input-problem.js';
import { sliceItems, type JobRepository, type StoredSlice } from '../jobs/job-repository.js';
import type { JobRunner } from '../jobs/job-runner.js';
import { toInferenceJob } from '../jobs/job-view.js';
import type { ModelLookup } from '../requests/model-lookup.js';
import { prepareRequest } from '../requests/prepare-request.js';
import { runItem, toRequestItem } from '../requests/run-item.js';
import { prepareStacked, stackItems } from '../requests/stacked-batch.js';
import { storeStackedSlices } from '../jobs/stacked-storage.js';

export interface InferenceDeps {
  engine: InferenceEngine;
  models: ModelLookup;
  jobs: JobRepository;
  runner: JobRunner;
  /** Inputs per stored task slice. */
  chunkSize: number;
  /** Input bytes per stored slice of a stacked batch. */
  stackedSliceBytes: number;
}

/** Engine failures as API errors; input problems as 400s naming the field. */
function asApiProblem(error: unknown): unknown {
  if (error instanceof InputProblem) return error.toApiProblem();
  if (error instanceof QueueFullError) return new ApiProblem(429, 'RATE_LIMITED', error.message, { headers: { 'Retry-After': '1' } });
  if (error instanceof InferenceTimeoutError) return new ApiProblem(504, 'INFERENCE_TIMEOUT', error.message);
  if (error instanceof ExecutionError) return new ApiProblem(400, 'VALIDATION_ERROR', error.message);
  return error;
}

export function inferenceArea(services: Services, deps: InferenceDeps): { routes: typeof routes; handlers: Handlers<typeof routes> } {
  const { engine, models, jobs, runner, chunkSize, stackedSliceBytes } = deps;
  const { clock } = services;

  /** Stores a job (before any 202 goes out), wakes this server's runner, and returns the job's URL. */
  async function queueJob(
    tenantId: string,
    kind: 'single' | 'batch',
    body: { model_id: string; project_id?: string; options?: { timeout?: number } & Record<string, unknown>; name?: string },
    slices: StoredSlice[],
    projectId: string | null,
  ) {
    const now = clock();
    const job = await jobs.create(
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
    runner.notify();
    return { job, pollUrl: `/api/v1/inference/${job.id}` };
  }

  const handlers: Handlers<typeof routes> = {
    runInference: async (c) => {
      const started = performance.now();
      const body = c.req.valid('json');
      const tenantId = tenantOf(c.get('principal'));
      const isAsync = c.req.valid('query').async === true || c.req.header('x-async')?.toLowerCase() === 'true' || body.async === true;
      const model = await models.get(tenantId, body.model_id);
      const item = { ...(body.input !== undefined ? { input: body.input } : {}), ...(body.inputs !== undefined ? { inputs: body.inputs } : {}) };
      try {
        if (isAsync) {
          prepareRequest(model.row, item);
          const stored = item.inputs !== undefined ? { inputs: item.inputs } : item.input;
          const { job, pollUrl } = await queueJob(tenantId, 'single', body, sliceItems([stored], 1), body.project_id ?? null);
          c.header('Location', pollUrl);
          return c.json({ job_id: job.id, status: 'queued' as const, message: 'Inference job queued', poll_url: pollUrl }, 202);
        }
        const { result, worker } = await runItem(engine, model, item, {
          ...(body.options?.timeout ? { timeoutMs: body.options.timeout } : {}),
          ...(body.options?.top_k ? { topK: body.options.top_k } : {}),
        });
        const latency = Math.round((performance.now() - started) * 1000) / 1000;
        return c.json({ job_id: randomId('infer'), status: 'completed' as const, model_id: body.model_id, result: result as object, latency_ms: latency, device_id: `local/cpu-${worker}` }, 200);
      } catch (error) {
        throw asApiProblem(error);
      }
    },

    submitBatchInference: async (c) => {
      const body = c.req.valid('json');
      const tenantId = tenantOf(c.get('principal'));
      const forms = (['inputs', 'stacked_input', 'stacked_inputs'] as const).filter((field) => body[field] !== undefined);
      if (forms.length !== 1) {
        throw new ApiProblem(400, 'VALIDATION_ERROR', forms.length === 0 ? 'send the tasks as inputs, stacked_input or stacked_inputs' : `send the tasks in one form only, got ${forms.join(' and ')}`);
      }
      const model = await models.get(tenantId, body.model_id);
      const projectId = body.project_id ?? `batch_${clock().getTime()}`;
      let slices: StoredSlice[];
      try {
        if (body.inputs !== undefined) {
          const prepared = body.inputs.map((item, index) => prepareRequest(model.row, toRequestItem(item), `inputs[${index}]`).feeds);
          // One row per item (the usual case) is stored and run as a stacked batch; anything else per item.
          const stacked = stackItems(prepared);
          slices = stacked ? await storeStackedSlices(services.blobs, stacked, prepared.length, stackedSliceBytes) : sliceItems(body.inputs, chunkSize);
        } else {
          const { feeds, rows } = prepareStacked(model.row, body);
          slices = await storeStackedSlices(services.blobs, feeds, rows, stackedSliceBytes);
        }
      } catch (error) {
        throw asApiProblem(error);
      }
      const { job, pollUrl } = await queueJob(tenantId, 'batch', body, slices, projectId);
      c.header('Location', pollUrl);
      return c.json({ job_id: job.id, project_id: projectId, status: 'queued' as const, total_tasks: job.totalTasks, poll_url: pollUrl }, 202);
    },

    getInferenceJob: async (c) => {
      const { jobId } = c.req.valid('param');
      const { results_offset: offset, results_limit: limit } = c.req.valid('query');
      const job = await jobs.get(tenantOf(c.get('principal')), jobId);
      if (!job) throw notFound('Inference job', jobId);
      const page = job.kind === 'single' ? { offset: 0, limit: 1 } : { offset, limit };
      return c.json(toInferenceJob(job, await jobs.results(job.id, page.offset, page.limit), page), 200);
    },

    cancelInferenceJob: async (c) => {
      const { jobId } = c.req.valid('param');
      const tenantId = tenantOf(c.get('principal'));
      const cancelled = await jobs.cancel(tenantId, jobId, clock());
      if (cancelled === undefined) throw notFound('Inference job', jobId);
      if (cancelled === null) {
        const job = await jobs.get(tenantId, jobId);
        throw new ApiProblem(409, 'CANNOT_CANCEL', `Job '${jobId}' already ${job?.status ?? 'ended'}; only queued or running jobs can be cancelled`);
      }
      const page = { offset: 0, limit: cancelled.kind === 'single' ? 1 : 100 };
      return c.json(toInferenceJob(cancelled, await jobs.results(cancelled.id, page.offset, page.limit), page), 200);
    },
  };
  return { routes, handlers };
}
