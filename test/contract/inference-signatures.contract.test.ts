/**
 * Contract: models whose inputs do not share a leading batch dimension (shaped like Silero VAD v5: `input
 * [batch, samples]`, `state [2, batch, 128]`, `sr` an int64 scalar) run sync, async and in batches, checked
 * against their real signature only, one request at a time; ordinary models still batch.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import {
  isInferenceResult,
  iterateBatchResults,
  runInference,
  submitBatchInference,
  waitForInferenceJob,
} from '@computeplane/sdk/inference';
import { getMetrics } from '@computeplane/sdk/health';
import { uploadModel } from '@computeplane/sdk/models';
import { testDrivers } from '@computeplane/test-support/databases';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { conform, conformError, contractInferenceSettings, expectClose, serverFor } from './harness.js';

type Outputs = { outputs: Record<string, { data: number[]; shape: number[] }> };

/** A request for the recurrent-state fixture: `batch` rows of `samples` values, a state, a sample rate. */
function vadInputs(batch: number, samples: number, sr: number, seed = 1) {
  const input = Array.from({ length: batch * samples }, (_, i) => Math.sin(i * seed) / 2);
  const state = Array.from({ length: 2 * batch * 128 }, (_, i) => ((i * seed) % 13) / 20 - 0.3);
  return {
    input: { data: input, shape: [batch, samples] },
    state: { data: state, shape: [2, batch, 128] },
    sr: { data: [sr], shape: [] as number[] },
  };
}

async function reference(inputs: ReturnType<typeof vadInputs>) {
  const session = await ort.InferenceSession.create(fixturePath('recurrent-state.onnx'));
  try {
    const out = await session.run({
      input: new ort.Tensor('float32', Float32Array.from(inputs.input.data), inputs.input.shape),
      state: new ort.Tensor('float32', Float32Array.from(inputs.state.data), inputs.state.shape),
      sr: new ort.Tensor('int64', BigInt64Array.from(inputs.sr.data.map(BigInt)), []),
    });
    return {
      output: Array.from(out.output!.data as Float32Array),
      stateN: Array.from(out.stateN!.data as Float32Array),
    };
  } finally {
    await session.release();
  }
}

const close = expectClose;

describe.each(testDrivers)('inference on models that do not stack on $name', (driver) => {
  const suite = serverFor(driver, {
    settings: { inference: contractInferenceSettings },
  });
  const upload = () => unwrap(uploadModel(suite.server.clientA, { model: fixturePath('recurrent-state.onnx') }));

  it('runs a request with a state batched on axis 1 and a scalar, sync, as ONNX Runtime does', async () => {
    const model = await upload();
    expect(model.inputs).toEqual([
      { name: 'input', type: 'float32', shape: ['batch', 'samples'] },
      { name: 'state', type: 'float32', shape: [2, 'batch', 128] },
      { name: 'sr', type: 'int64', shape: [] },
    ]);
    for (const inputs of [vadInputs(1, 512, 16000), vadInputs(2, 8, 8000, 3)]) {
      const { data } = await conform(
        'runInference',
        runInference(suite.server.clientA, { body: { model_id: model.id, inputs } }),
      );
      expect(data && isInferenceResult(data)).toBe(true);
      const { outputs } = (data as unknown as { result: Outputs }).result;
      const expected = await reference(inputs);
      expect(outputs.output!.shape).toEqual([inputs.input.shape[0], 1]);
      expect(outputs.stateN!.shape).toEqual(inputs.state.shape);
      close(outputs.output!.data, expected.output);
      close(outputs.stateN!.data, expected.stateN);
    }
  });

  it('checks such a request against the model’s signature: symbolic dims, scalars, element types', async () => {
    const model = await upload();
    const reject = async (inputs: unknown) =>
      (
        await conformError(
          'runInference',
          runInference(suite.server.clientA, { body: { model_id: model.id, inputs } as never }),
          400,
          'VALIDATION_ERROR',
        )
      ).message;
    const valid = vadInputs(1, 16, 16000);
    expect(await reject({ ...valid, state: vadInputs(2, 16, 16000).state })).toMatch(
      /inputs\.state\.shape\[1\].*'batch' is 1 in inputs\.input\.shape\[0\].*got 2/,
    );
    expect(await reject({ ...valid, sr: { data: [16000], shape: [1] } })).toMatch(/inputs\.sr\.shape.*0 dimensions/);
    expect(await reject({ ...valid, sr: { data: [16000.5], shape: [] } })).toMatch(/inputs\.sr\.data\[0\].*int64/);
    expect(await reject({ ...valid, state: { data: [1, 2], shape: [2, 1, 1] } })).toMatch(/fixes dimension 2 at 128/);
  });

  it('runs it async and in batches of inputs, each task alone; stacked_inputs is a 400', async () => {
    const model = await upload();
    const requests = [vadInputs(1, 16, 16000, 1), vadInputs(1, 16, 8000, 2), vadInputs(2, 4, 16000, 5)];
    const accepted = await unwrap(
      runInference(suite.server.clientA, { body: { model_id: model.id, inputs: requests[0]!, async: true } }),
    );
    const job = await waitForInferenceJob(suite.server.clientA, (accepted as { job_id: string }).job_id, {
      intervalMs: 20,
      timeoutMs: 30_000,
    });
    expect(job.error).toBeNull();
    expect(job.status).toBe('completed');
    close((job.result as Outputs).outputs.output!.data, (await reference(requests[0]!)).output);

    const batch = await unwrap(
      submitBatchInference(suite.server.clientA, {
        body: { model_id: model.id, inputs: requests.map((inputs) => ({ inputs })) },
      }),
    );
    const done = await waitForInferenceJob(suite.server.clientA, batch.job_id, { intervalMs: 20, timeoutMs: 30_000 });
    expect(done.progress).toMatchObject({ total: 3, completed: 3, failed: 0 });
    const results = [];
    for await (const item of iterateBatchResults(suite.server.clientA, batch.job_id, 10)) results.push(item);
    for (const [i, inputs] of requests.entries())
      close((results[i]!.result as Outputs).outputs.output!.data, (await reference(inputs)).output);

    // Rows of one-row items are not tasks of this model: nothing is stacked, even when every item is one row.
    const oneRow = await unwrap(
      submitBatchInference(suite.server.clientA, {
        body: { model_id: model.id, inputs: requests.slice(0, 2).map((inputs) => ({ inputs })) },
      }),
    );
    const oneRowDone = await waitForInferenceJob(suite.server.clientA, oneRow.job_id, {
      intervalMs: 20,
      timeoutMs: 30_000,
    });
    expect(oneRowDone.progress).toMatchObject({ total: 2, completed: 2, failed: 0 });

    const stacked = await conformError(
      'submitBatchInference',
      submitBatchInference(suite.server.clientA, {
        body: { model_id: model.id, stacked_inputs: vadInputs(2, 4, 16000) },
      }),
      400,
      'VALIDATION_ERROR',
    );
    expect(stacked.message).toMatch(/stacked_inputs: model input 'state' fixes dimension 0 at 2.*send inputs/);
  });
});

describe('dynamic batching by model signature', () => {
  const suite = serverFor(testDrivers[0]!, {
    settings: {
      inference: {
        workers: 1,
        leaseMs: 5_000,
        pollMs: 50,
        maxBatchSize: 64,
        maxSessions: 8,
        maxQueueDelayUs: 200_000,
        maxQueue: 1024,
        chunkSize: 64,
        runJobs: true,
      },
    },
  });

  it('stacks concurrent requests of an ordinary model, and runs those of a model that does not stack alone', async () => {
    const mlp = await unwrap(uploadModel(suite.server.clientA, { model: fixturePath('tiny-mlp.onnx') }));
    const vad = await unwrap(uploadModel(suite.server.clientA, { model: fixturePath('recurrent-state.onnx') }));
    const answers = await Promise.all([
      ...Array.from({ length: 8 }, (_, i) =>
        runInference(suite.server.clientA, {
          body: { model_id: mlp.id, input: { data: [i, 1, 2, 3], shape: [1, 4] } },
        }),
      ),
      ...Array.from({ length: 8 }, (_, i) =>
        runInference(suite.server.clientA, { body: { model_id: vad.id, inputs: vadInputs(1, 8, 16000, i + 1) } }),
      ),
    ]);
    expect(answers.map((answer) => answer.response?.status)).toEqual(answers.map(() => 200));
    const metrics = await unwrap(getMetrics(suite.server.admin));
    const sample = (name: string, model: string) =>
      Number(new RegExp(`^${name}\\{model="${model}"\\} (\\S+)$`, 'm').exec(metrics)?.[1]);
    expect(sample('inference_count_total', mlp.id)).toBe(8);
    expect(sample('inference_exec_count_total', mlp.id)).toBeLessThan(8);
    expect(sample('inference_count_total', vad.id)).toBe(8);
    expect(sample('inference_exec_count_total', vad.id)).toBe(8);
  });
});
