import { afterEach, describe, expect, it } from 'vitest';
import { createThreadPool, type ThreadPool } from './thread-pool.js';

/** A thread that answers `{ok: true}`, except for the model path `crash`, where it throws outside any handler. */
const script = new URL(
  `data:text/javascript,${encodeURIComponent(`
    const { parentPort } = await import('node:worker_threads');
    parentPort.on('message', ({ id, modelPath }) => {
      if (modelPath === 'crash') setTimeout(() => { throw new Error('boom'); });
      else parentPort.postMessage({ id, ok: true, outputs: {} });
    });`)}`,
);

describe('thread pool', () => {
  let pool: ThreadPool | undefined;
  afterEach(async () => pool?.close());

  it('fails the task of a thread that dies, and runs the next tasks on a new thread', async () => {
    pool = createThreadPool(1, script);
    const [crashed, queued] = await Promise.all([pool.run('crash', {}), pool.run('model.onnx', {})]);
    expect(crashed).toEqual({ id: 1, ok: false, error: expect.stringMatching(/thread died: boom/) });
    expect(queued).toMatchObject({ ok: true });
    expect(await pool.run('model.onnx', {})).toMatchObject({ ok: true });
    expect(pool.threads).toBe(1);
    expect(pool.running).toBe(0);
  });
});
