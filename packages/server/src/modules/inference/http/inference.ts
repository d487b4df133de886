/**
 * The inference area (openapi/inference.yaml): sync, async and batch inference and the jobs they make,
 * bound to the inference use-cases.
 */
import { routes } from '../../../generated/routes/inference.js';
import { tenantOf } from '../../../platform/auth/principal.js';
import { randomId } from '../../../platform/http/ids.js';
import { area } from '../../../platform/module.js';
import type { InferenceUseCases } from '../inference-use-cases.js';

/** The peer a request names: `x-hybrie-preferred-peer-id` (the seed's header) or its alias. */
const preferredPeer = (headers: {
  'x-hybrie-preferred-peer-id'?: string;
  'x-computeplane-preferred-peer-id'?: string;
}) => headers['x-hybrie-preferred-peer-id'] ?? headers['x-computeplane-preferred-peer-id'];

export function inferenceArea(inference: InferenceUseCases) {
  return area('inference', routes, {
    runInference: async (c) => {
      const started = performance.now();
      const body = c.req.valid('json');
      const tenantId = tenantOf(c.get('principal'));
      const isAsync =
        c.req.valid('query').async === true || c.req.header('x-async')?.toLowerCase() === 'true' || body.async === true;
      const item = {
        ...(body.input !== undefined ? { input: body.input } : {}),
        ...(body.inputs !== undefined ? { inputs: body.inputs } : {}),
      };
      const peerId = preferredPeer(c.req.valid('header'));
      if (isAsync) {
        const { job, pollUrl } = await inference.queue(tenantId, body, item, peerId);
        c.header('Location', pollUrl);
        return c.json(
          { job_id: job.id, status: 'queued' as const, message: 'Inference job queued', poll_url: pollUrl },
          202,
        );
      }
      const bytesIn = Number(c.req.header('content-length') ?? 0) || 0;
      const { result, worker, deviceId } = await inference.run(tenantId, body, item, bytesIn, undefined, peerId);
      const latency = Math.round((performance.now() - started) * 1000) / 1000;
      return c.json(
        {
          job_id: randomId('infer'),
          status: 'completed' as const,
          model_id: body.model_id,
          result: result as object,
          latency_ms: latency,
          device_id: deviceId ?? `local/cpu-${worker}`,
        },
        200,
      );
    },

    submitBatchInference: async (c) => {
      const { job, pollUrl, projectId } = await inference.queueBatch(
        tenantOf(c.get('principal')),
        c.req.valid('json'),
        preferredPeer(c.req.valid('header')),
      );
      c.header('Location', pollUrl);
      return c.json(
        {
          job_id: job.id,
          project_id: projectId,
          status: 'queued' as const,
          total_tasks: job.totalTasks,
          poll_url: pollUrl,
        },
        202,
      );
    },

    getInferenceJob: async (c) => {
      const { results_offset: offset, results_limit: limit } = c.req.valid('query');
      return c.json(
        await inference.get(tenantOf(c.get('principal')), c.req.valid('param').jobId, { offset, limit }),
        200,
      );
    },

    cancelInferenceJob: async (c) =>
      c.json(await inference.cancel(tenantOf(c.get('principal')), c.req.valid('param').jobId), 200),
  });
}
