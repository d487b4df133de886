/**
 * `computeplane datasets ...` and `computeplane train ...` as real processes against a real server (its
 * runner trains on the built-in device): uploads, a followed training run with its summary, the live view
 * under a pseudo-terminal, pause/resume/cancel, and Ctrl-C with and without --cancel-on-interrupt.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import { getTraining, type TrainingJob } from '@computeplane/sdk/training';
import { datasetFixturePath, fixturePath } from '@computeplane/test-support/fixtures';
import { cliSuite, conformJson, expectApiError, expectUsageError } from './harness.js';

const ESC = String.fromCharCode(27);

/** A learnable CSV: 4 features, label = the largest of three fixed linear scores. */
function teacherCsv(rows: number): string {
  const lines = ['a,b,c,d,label'];
  let seed = 11;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 4 - 2;
  for (let i = 0; i < rows; i++) {
    const [a, b, c, d] = [next(), next(), next(), next()];
    const scores = [a + b, c - d, -a - c];
    lines.push(`${a},${b},${c},${d},${scores.indexOf(Math.max(...scores))}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A job slow enough to be interrupted: many small batches. */
const LONG_JOB = ['--stream', '--samples', '4000', '--batch-size', '8', '--epochs', '30', '--local-steps', '5'];

describe('computeplane datasets and train', () => {
  const suite = cliSuite();
  const job = (jobId: string) => unwrap(getTraining(suite.server.clientA, { params: { path: { jobId } } }));
  let mlp: string;
  let teacherId: string;

  it('uploads, lists, shows and deletes datasets; refuses a broken file with the API error', async () => {
    await writeFile(join(suite.home, 'teacher.csv'), teacherCsv(400));
    await writeFile(join(suite.home, 'big.csv'), teacherCsv(30_000));
    const [uploaded, model, broken, badFormat, teacher, big] = await Promise.all([
      suite.cli(['datasets', 'upload', datasetFixturePath('iris-small.csv'), '--name', 'iris', '--json']),
      suite.cli(['models', 'upload', fixturePath('tiny-mlp.onnx'), '--json']),
      suite.cli(['datasets', 'upload', datasetFixturePath('ragged.csv')]),
      suite.cli(['datasets', 'upload', datasetFixturePath('iris-small.csv'), '--format', 'xml']),
      suite.cli(['datasets', 'upload', join(suite.home, 'teacher.csv'), '--json']),
      suite.pty(['datasets', 'upload', join(suite.home, 'big.csv'), '--name', 'big']),
    ]);
    // A terminal gets the progress bar; a pipe nothing on stderr.
    expect(big.code, big.transcript).toBe(0);
    expect(big.transcript).toMatch(/Uploading \[[#-]+\] 100% \| \d\.\d MiB\/\d\.\d MiB/);
    expect(big.transcript).toMatch(new RegExp(`rows\\s+(${ESC}\\[22m)?\\s+30000`));
    expect(uploaded.stderr).toBe('');
    teacherId = (await conformJson<{ id: string }>('uploadDataset', teacher)).id;
    const dataset = await conformJson<{ id: string; rows: number; num_classes: number }>('uploadDataset', uploaded);
    expect(dataset).toMatchObject({ rows: 6, num_classes: 3 });
    mlp = (await conformJson<{ id: string }>('uploadModel', model)).id;
    expectApiError(broken, 'INVALID_DATASET');
    expectUsageError(badFormat, /--format must be csv or jsonl/);

    const [list, listJson, shown, shownJson] = await Promise.all([
      suite.cli(['datasets', 'list']),
      suite.cli(['datasets', 'list', '--json', '--limit', '5']),
      suite.cli(['datasets', 'get', dataset.id]),
      suite.cli(['datasets', 'get', dataset.id, '--json']),
    ]);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+FORMAT\s+ROWS\s+FEATURES\s+LABEL\s+SIZE\s+CREATED$/);
    expect(list.stdout).toMatch(new RegExp(`^${dataset.id}\\s+iris\\s+csv\\s+6\\s+4\\s+label: 3 classes`, 'm'));
    const page = await conformJson<{ datasets: { id: string }[] }>('listDatasets', listJson);
    expect(page.datasets.map((d) => d.id)).toEqual(expect.arrayContaining([dataset.id, teacherId]));
    expect(shown.stdout).toMatch(/^features\s+4 \(sepal_length, sepal_width, petal_length, petal_width\)$/m);
    expect(shown.stdout).toMatch(/^label\s+label \(class, 3 classes\)$/m);
    await conformJson('getDataset', shownJson);

    const deleted = await suite.cli(['datasets', 'delete', dataset.id]);
    expect(deleted).toMatchObject({ code: 0, stdout: `Deleted dataset ${dataset.id}.\n` });
    expectApiError(await suite.cli(['datasets', 'get', dataset.id]), 'NOT_FOUND');
  });

  it('trains on an uploaded dataset, following it to the end with a line per epoch and a summary', async () => {
    const dataset = { id: teacherId };
    const run = await suite.cli([
      'train',
      mlp,
      '--dataset',
      dataset.id,
      '--epochs',
      '4',
      '--batch-size',
      '16',
      '--learning-rate',
      '0.1',
      '--optimizer',
      'sgd',
      '--momentum',
      '0.9',
    ]);
    expect(run.code, run.stderr).toBe(0);
    // Not a terminal: plain lines on stderr, one per epoch; the summary on stdout.
    expect(run.stderr).not.toContain(ESC);
    expect(run.stderr).toMatch(/^Started training job train_\w+\.$/m);
    // One line per epoch seen by a poll (a fast job may finish several between two polls), the last one always.
    const epochs = [
      ...run.stderr.matchAll(/^epoch (\d+)\/4 {2}loss \d+\.\d+ \(best \d+\.\d+\) {2}accuracy \d+\.\d%/gm),
    ];
    expect(epochs.map((line) => Number(line[1])).at(-1)).toBe(4);
    expect(epochs.map((line) => Number(line[1]))).toEqual([...new Set(epochs.map((line) => Number(line[1])))].sort());
    expect(run.stdout).toMatch(/^status\s+completed$/m);
    expect(run.stdout).toMatch(new RegExp(`^data\\s+dataset ${dataset.id} \\(400 samples\\)$`, 'm'));
    expect(run.stdout).toMatch(/^training\s+sgd, lr 0\.1, cross_entropy loss \(inferred\)$/m);
    expect(run.stdout).toMatch(/^epoch\s+4\/4$/m);
    const saved = /^saved model\s+(model_\w+)$/m.exec(run.stdout)?.[1];
    const jobId = /^job\s+(train_\w+)$/m.exec(run.stdout)![1]!;
    expect(saved).toBe((await job(jobId)).result_model_id);

    // --json: the final job exactly as the API returns it.
    const status = await conformJson<TrainingJob>('getTraining', await suite.cli(['train', 'status', jobId, '--json']));
    expect(status).toEqual(await job(jobId));
    const text = await suite.cli(['train', 'status', jobId]);
    expect(text.stdout).toMatch(/^batches\s+\d+\/\d+ \(100\.0%\)$/m);
  });

  it('draws the live view under a terminal: redrawn in place, with the loss curve; --json prints the final job', async () => {
    // Slow enough (small batches) for several polls to see the epochs go by.
    const slow = ['--samples', '2000', '--batch-size', '4', '--epochs', '4', '--local-steps', '10'];
    const args = ['train', mlp, '--stream', ...slow, '--learning-rate', '0.01'];
    const [tty, json, detached] = await Promise.all([
      suite.pty(args),
      suite.cli([...args, '--json']),
      suite.cli([...args, '--detach', '--json']),
    ]);
    expect(tty.code, tty.transcript).toBe(0);
    expect(tty.transcript).toMatch(/Training train_\w+/);
    expect(tty.transcript).toMatch(/epoch 4\/4 {2}loss/);
    expect(tty.transcript).toContain('held-out loss per epoch');
    expect(tty.transcript).toMatch(/[╭╮╰╯─┤┼]/); // asciichart's curve and axis
    expect(tty.transcript).toContain(`${ESC}[2K${ESC}[1A`); // log-update erased the previous frame
    expect(tty.transcript).toMatch(new RegExp(`status\\s+(${ESC}\\[22m)?\\s+completed`)); // the summary

    const finalJob = await conformJson<TrainingJob>('getTraining', json);
    expect(finalJob.status).toBe('completed');
    expect(json.stderr).toBe('');
    const accepted = await conformJson<{ job_id: string }>('startTraining', detached);
    expect(accepted.job_id).toMatch(/^train_/);
    const followed = await suite.cli(['train', 'status', accepted.job_id, '--follow', '--json']);
    expect((await conformJson<TrainingJob>('getTraining', followed)).status).toBe('completed');
  });

  it('pauses, resumes and cancels a detached job; refuses what the state does not allow', async () => {
    const started = await suite.cli(['train', mlp, ...LONG_JOB, '--detach']);
    expect(started.code, started.stderr).toBe(0);
    const jobId = started.stdout.trim();
    expect(jobId).toMatch(/^train_\w+$/);
    expect(started.stderr).toContain(`computeplane train status ${jobId} --follow`);
    await expect
      .poll(async () => (await job(jobId)).progress.batches_completed, { timeout: 20_000 })
      .toBeGreaterThan(0);

    const paused = await conformJson<TrainingJob>(
      'pauseTraining',
      await suite.cli(['train', 'pause', jobId, '--json']),
    );
    expect(paused.status).toBe('paused');
    const resumed = await suite.cli(['train', 'resume', jobId]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`^Resumed training job ${jobId} \\(queued\\) at epoch \\d+/30`));
    const pausedAgain = await suite.cli(['train', 'pause', jobId]);
    expect(pausedAgain.stdout).toMatch(new RegExp(`^Paused training job ${jobId} at epoch \\d+/30`));
    const resumedJson = await conformJson<TrainingJob>(
      'resumeTraining',
      await suite.cli(['train', 'resume', jobId, '--json']),
    );
    expect(resumedJson.status).toBe('queued');
    const cancelled = await conformJson<TrainingJob>(
      'cancelTraining',
      await suite.cli(['train', 'cancel', jobId, '--json']),
    );
    expect(cancelled.status).toBe('cancelled');
    // What the state no longer allows, and mistakes: independent, so run together.
    const [cancelAgain, pauseAgain, refused, missing, noSource, badEpochs, unfit] = await Promise.all([
      suite.cli(['train', 'cancel', jobId]),
      suite.cli(['train', 'pause', jobId]),
      suite.cli(['train', 'resume', jobId, '--json']),
      suite.cli(['train', 'status', 'train_doesnotexist1']),
      suite.cli(['train', mlp]),
      suite.cli(['train', mlp, '--stream', '--epochs', 'many']),
      suite.cli(['train', mlp, '--stream', '--epochs', '1000']),
    ]);
    expectApiError(cancelAgain, 'CANNOT_CANCEL');
    expectApiError(pauseAgain, 'CANNOT_PAUSE');
    // The API's 409 body is printed with --json, and the exit code is 1.
    expectApiError(refused, 'CANNOT_PAUSE');
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 'CANNOT_PAUSE' } });
    expectApiError(missing, 'NOT_FOUND');
    expectUsageError(noSource, /one data source: --dataset <dataset> or --stream/);
    expectUsageError(badEpochs, /--epochs must be a whole number/);
    expectApiError(unfit, 'VALIDATION_ERROR');
  });

  it('Ctrl-C: exit 130; the job keeps running without --cancel-on-interrupt and is cancelled with it', async () => {
    const kept = suite.start(['train', mlp, ...LONG_JOB]);
    await kept.waitFor(/Started training job (train_\w+)/);
    const keptId = /Started training job (train_\w+)/.exec(kept.stderr)![1]!;
    await kept.waitFor(/epoch 1\/30|running/);
    kept.child.kill('SIGINT');
    const keptResult = await kept.done;
    expect(keptResult.code, keptResult.stderr).toBe(130);
    expect(keptResult.stderr).toContain(`Interrupted; training job ${keptId} keeps running`);
    expect((await job(keptId)).status).toMatch(/^(queued|running)$/);
    await suite.cli(['train', 'cancel', keptId]);

    const cancelling = suite.start(['train', mlp, ...LONG_JOB, '--cancel-on-interrupt']);
    await cancelling.waitFor(/running/);
    const cancelId = /Started training job (train_\w+)/.exec(cancelling.stderr)![1]!;
    cancelling.child.kill('SIGINT');
    const cancelResult = await cancelling.done;
    expect(cancelResult.code, cancelResult.stderr).toBe(130);
    expect(cancelResult.stderr).toContain('Interrupted; cancelled what this command started.');
    expect((await job(cancelId)).status).toBe('cancelled');
  });
});
