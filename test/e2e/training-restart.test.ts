/**
 * A training job survives its server: the server is killed (SIGKILL) mid-training and started again on the
 * same data directory; the job resumes from its last checkpoint (its progress never goes back past it) and
 * completes with exactly its total number of batches and a saved model.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, unwrap } from '@computeplane/sdk';
import { uploadModel } from '@computeplane/sdk/models';
import { getTraining, startTraining, waitForTraining } from '@computeplane/sdk/training';
import { openDatabase } from '@computeplane/server';
import { queryRows } from '../../packages/server/src/platform/db/query-rows.js';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { startServerProcess } from '@computeplane/test-support/server-process';

const env = { INFERENCE_LEASE_MS: '1500' };

describe('a training job survives SIGKILL of its server', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cp-training-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('resumes from its checkpoint after a restart and completes with every batch counted once', async () => {
    const first = await startServerProcess({ ...env, DATA_DIR: dataDir });
    const client = createClient({ baseUrl: first.baseUrl, apiKey: 'test-api-key' });
    const model = await unwrap(uploadModel(client, { model: fixturePath('tiny-mlp.onnx') }));
    const { job_id } = await unwrap(
      startTraining(client, {
        body: {
          model_id: model.id,
          data_config: { type: 'stream', total_samples: 4000, batch_size: 8 },
          training_config: { epochs: 6, learning_rate: 0.01, local_steps: 20 },
        },
      }),
    );
    const path = { params: { path: { jobId: job_id } } };
    for (;;) {
      const job = await unwrap(getTraining(client, path));
      if (job.progress.current_epoch >= 1) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    first.child.kill('SIGKILL');
    await first.exited;

    const inspect = await openDatabase({ dataDir: join(dataDir, 'pglite') });
    let saved: { batches_completed: number; total_batches: number };
    try {
      const [row] = await queryRows<{ status: string; progress: typeof saved; checkpoint: { version: number } }>(
        inspect.db,
        sql`SELECT status, progress, checkpoint FROM training_jobs WHERE id = ${job_id}`,
      );
      expect(row!.status).toBe('running');
      expect(row!.checkpoint.version).toBeGreaterThan(0);
      saved = row!.progress;
      expect(saved.batches_completed).toBeGreaterThan(0);
      expect(saved.batches_completed, 'the job finished before the server was killed').toBeLessThan(
        saved.total_batches,
      );
    } finally {
      await inspect.close();
    }

    const second = await startServerProcess({ ...env, DATA_DIR: dataDir });
    try {
      const again = createClient({ baseUrl: second.baseUrl, apiKey: 'test-api-key' });
      const seen: number[] = [];
      const done = await waitForTraining(again, job_id, {
        intervalMs: 20,
        timeoutMs: 120_000,
        onProgress: (progress) => seen.push(progress.batches_completed),
      });
      expect(done.status).toBe('completed');
      expect(Math.min(...seen)).toBeGreaterThanOrEqual(saved.batches_completed);
      expect(done.progress.batches_completed).toBe(done.progress.total_batches);
      expect(done.progress.current_epoch).toBe(6);
      expect(done.result_model_id).toMatch(/^model_/);
    } finally {
      await second.stop();
    }
  });
});
