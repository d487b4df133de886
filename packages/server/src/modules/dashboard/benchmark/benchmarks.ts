/**
 * Benchmarks, within one tenant. Quick ones are a `benchmark` project: sync requests through the
 * platform's routing, or a training job. Perf benchmarks run step loads (step-load.ts) in this process,
 * each finished step saved to the benchmarks row with a heartbeat; one whose server stopped reads as
 * failed. Every request is real work through the inference use-cases, recorded like any other task.
 */
import { randomId } from '../../../platform/http/ids.js';
import { ApiProblem, notFound } from '../../../platform/http/problem.js';
import type { TaskRecorder } from '../../../platform/usage/index.js';
import type { DevicesModule } from '../../devices/module.js';
import type { ModelCatalog } from '../../models/module.js';
import type { InferenceModule } from '../../inference/module.js';
import type { ProjectsModule } from '../../projects/module.js';
import type { TrainingModule } from '../../training/module.js';
import type { BenchmarkRepository, BenchmarkRow } from './benchmark-repository.js';
import { checkBenchmarkable, randomRequest } from './random-input.js';
import { runStep } from './step-load.js';

const REQUEST_TIMEOUT_MS = 10_000;
const HEARTBEAT_MS = 5_000;
/** A running benchmark whose heartbeat is older than this is one whose server stopped. */
const STALE_MS = 30_000;
const DEFAULT_STEPS = [2, 4, 6, 8, 10, 15, 20, 30, 40, 50];
const noDevices = (what: string) =>
  new ApiProblem(503, 'NO_DEVICES', `${what}; start a computeplane-worker for this tenant, or benchmark aws`);

export function benchmarks(deps: {
  repository: BenchmarkRepository;
  models: ModelCatalog;
  inference: InferenceModule['useCases'];
  training: TrainingModule['useCases'];
  projects: ProjectsModule['projects'];
  devices: Pick<DevicesModule, 'connected' | 'executors'>;
  recorder: TaskRecorder;
  clock: () => Date;
  minDurationS: number;
}) {
  const { repository, clock } = deps;
  const running = new Set<Promise<void>>();
  let stopping = false;

  async function benchmarkable(tenantId: string, modelId: string) {
    const model = await deps.models.get(tenantId, modelId);
    checkBenchmarkable(modelId, model.inputs);
    return model;
  }
  const track = (work: Promise<void>) => {
    running.add(work);
    void work.finally(() => running.delete(work));
  };
  const view = (row: BenchmarkRow) => {
    const config = row.config as {
      model_id: string;
      duration: number;
      instance_type: 'aws' | 'user' | 'all';
      rps_steps: number[];
      max_concurrency: number;
    };
    return {
      id: row.id,
      status: row.status,
      ...config,
      steps: row.steps as never[],
      error: row.error,
      poll_url: `/api/v1/dashboard/benchmark/perf/${row.id}`,
      created_at: row.createdAt.toISOString(),
      completed_at: row.completedAt?.toISOString() ?? null,
    };
  };

  async function perf(row: BenchmarkRow, tenantId: string, inputs: Parameters<typeof randomRequest>[0]) {
    const config = view(row);
    const beat = setInterval(() => void repository.heartbeat(row.id, clock()).catch(() => undefined), HEARTBEAT_MS);
    let next = 0;
    const body = { model_id: config.model_id, project_id: row.id, options: { timeout: REQUEST_TIMEOUT_MS } };
    const send = async () => {
      const item = randomRequest(inputs) as Parameters<InferenceModule['useCases']['run']>[2];
      if (config.instance_type === 'aws')
        return void (await deps.inference.run(tenantId, body, item, 0, { where: 'local' }));
      if (config.instance_type === 'user') {
        const devices = deps.devices.connected().filter((d) => d.tenantId === tenantId);
        if (devices.length === 0) throw new Error('no device of this tenant is connected');
        const device = devices[next++ % devices.length]!;
        return void (await deps.inference.run(tenantId, body, item, 0, { where: 'device', deviceId: device.deviceId }));
      }
      await deps.inference.run(tenantId, body, item);
    };
    try {
      const seconds = config.duration / config.rps_steps.length;
      for (const rps of config.rps_steps) {
        if (stopping) throw new Error('the server stopped during the benchmark');
        const step = await runStep({
          rps,
          seconds,
          maxConcurrency: config.max_concurrency,
          send,
          now: () => performance.now(),
          wallClock: clock,
          sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
          stopped: () => stopping,
        });
        await repository.addStep(row.id, step as unknown as Record<string, unknown>, clock());
      }
      await repository.finish(row.id, 'completed', null, clock());
    } catch (error) {
      await repository.finish(row.id, 'failed', (error as Error).message, clock()).catch(() => undefined);
    } finally {
      clearInterval(beat);
    }
  }

  return {
    async quick(
      tenantId: string,
      body: {
        mode: 'inference' | 'training' | 'gpu-training';
        model_id: string;
        epochs?: number;
        batch_size?: number;
        requests?: number;
      },
    ) {
      if (body.mode === 'inference') {
        const model = await benchmarkable(tenantId, body.model_id);
        const requests = body.requests ?? 100;
        const project = await deps.projects.create(tenantId, {
          name: `benchmark inference ${body.model_id}`,
          type: 'benchmark',
          model_id: body.model_id,
          total_tasks: requests,
        });
        let left = requests;
        const worker = async () => {
          // Each worker takes a request before it awaits, so exactly `requests` run.
          for (; left > 0 && !stopping;) {
            left -= 1;
            await deps.inference
              .run(
                tenantId,
                { model_id: body.model_id, project_id: project.id, options: { timeout: REQUEST_TIMEOUT_MS } },
                randomRequest(model.inputs) as never,
              )
              .catch(() => undefined);
          }
        };
        track(Promise.all([worker(), worker(), worker(), worker()]).then(() => undefined));
        return {
          project_id: project.id,
          mode: body.mode,
          status: 'running' as const,
          job_id: null,
          poll_url: `/api/v1/projects/${project.id}`,
        };
      }
      const gpu = body.mode === 'gpu-training';
      if (gpu && !(await deps.devices.executors.gpuOnline(tenantId)))
        throw noDevices('gpu-training: no device of this tenant that reports a GPU is online');
      const project = await deps.projects.create(tenantId, {
        name: `benchmark ${body.mode} ${body.model_id}`,
        type: 'benchmark',
        model_id: body.model_id,
      });
      const accepted = await deps.training.start(tenantId, {
        model_id: body.model_id,
        project_id: project.id,
        data_config: { type: 'stream', total_samples: 1024, batch_size: body.batch_size ?? 32 },
        training_config: { epochs: body.epochs ?? 2 },
        resource_config: gpu ? { prefer_gpu: true, min_devices: 1 } : { min_devices: 1 },
      });
      return {
        project_id: project.id,
        mode: body.mode,
        status: 'running' as const,
        job_id: accepted.row.id,
        poll_url: `/api/v1/projects/${project.id}`,
      };
    },

    async startPerf(
      tenantId: string,
      body: {
        model_id: string;
        duration: number;
        instance_type?: 'aws' | 'user' | 'all';
        rps_steps?: number[];
        max_concurrency?: number;
      },
    ) {
      if (body.duration < deps.minDurationS)
        throw new ApiProblem(400, 'VALIDATION_ERROR', `body.duration: at least ${deps.minDurationS} seconds`, {
          details: [{ path: 'body.duration', message: `must be at least ${deps.minDurationS}` }],
        });
      const model = await benchmarkable(tenantId, body.model_id);
      const instanceType = body.instance_type ?? 'all';
      if (instanceType === 'user' && !deps.devices.connected().some((d) => d.tenantId === tenantId))
        throw noDevices('instance_type user: no device of this tenant is connected to this server');
      const now = clock();
      const id = randomId('perf');
      await deps.recorder.projects.submit(tenantId, id, 'benchmark', 0);
      const row = await repository.create({
        id,
        tenantId,
        status: 'running',
        config: {
          model_id: body.model_id,
          duration: body.duration,
          instance_type: instanceType,
          rps_steps: body.rps_steps ?? DEFAULT_STEPS,
          max_concurrency: body.max_concurrency ?? 5,
        },
        createdAt: now,
        updatedAt: now,
      });
      track(perf(row, tenantId, model.inputs));
      return view(row);
    },

    async getPerf(tenantId: string, id: string) {
      let row = await repository.get(tenantId, id);
      if (!row) throw notFound('Benchmark', id);
      if (row.status === 'running' && clock().getTime() - row.updatedAt.getTime() > STALE_MS)
        row = (await repository.finish(id, 'failed', 'the server running it stopped', clock())) ?? row;
      return view(row);
    },

    /** Stops starting requests; what runs finishes (each request is bounded by its timeout). */
    async stop() {
      stopping = true;
      await Promise.all([...running]);
    },
  };
}

export type Benchmarks = ReturnType<typeof benchmarks>;
