/**
 * `computeplane infer`, `batch` (wait, results) and `jobs get|cancel` as real processes against a real
 * server: readable and --json output (checked against the spec), the request form chosen for the rows,
 * results in input order, exit codes, the progress bar under a terminal.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import { isInferenceResult, runInference } from '@computeplane/sdk/inference';
import { uploadModel } from '@computeplane/sdk/models';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { slowChainModel } from '../../scripts/fixtures/slow-chain-model.js';
import { contractInferenceSettings } from '../contract/harness.js';
import { startTestServer } from '@computeplane/test-support/test-server';
import { cliSuite, conformJson, expectApiError, expectUsageError } from './harness.js';

const LABELS = ['setosa', 'versicolor', 'virginica'];
const IRIS = fixturePath('../datasets/iris-small.csv');

interface Job {
  job_id: string;
  status: string;
  progress: { total: number; completed: number; failed: number; cancelled: number };
  results: { index: number; status: string; result: unknown }[];
}
const jsonl = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { index: number; status: string; result: Record<string, unknown> });

describe('computeplane infer, batch and jobs', () => {
  const suite = cliSuite({ settings: { inference: { ...contractInferenceSettings, stackedSliceBytes: 8 * 1024 } } });
  const models = {} as { plain: string; labelled: string; tabular: string; multi: string };
  let irisRows: number[][];

  beforeAll(async () => {
    const upload = async (name: string, extra: Record<string, unknown> = {}, file = 'tiny-mlp.onnx') =>
      (await unwrap(uploadModel(suite.server.clientA, { model: fixturePath(file), name, ...extra }))).id;
    [models.plain, models.labelled, models.tabular, models.multi] = await Promise.all([
      upload('plain'),
      upload('labelled', { labels: LABELS, postprocessing: 'top_k_labels' }),
      upload('tabular', { labels: LABELS, preprocessing: 'tabular', postprocessing: 'top_k_labels' }),
      upload('multi', {}, 'multi-input.onnx'),
    ]);
    irisRows = (await readFile(IRIS, 'utf8'))
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',').slice(0, 4).map(Number));
  });

  it('infer prints the result readably with its latency, and the API response with --json', async () => {
    const input = JSON.stringify({ data: [5.1, 3.5, 1.4, 0.2, 7.0, 3.2, 4.7, 1.4], shape: [2, 4] });
    const inputFile = join(suite.home, 'input.json');
    await writeFile(inputFile, input);
    const [labelled, plain, asJson, fromStdin] = await Promise.all([
      suite.cli(['infer', models.labelled, '--input', input, '--top-k', '2']),
      suite.cli(['infer', models.plain, '--input', `@${inputFile}`]),
      suite.cli(['infer', models.plain, '--input', input, '--json']),
      suite.cli(['infer', models.tabular, '--input', '-', '--json'], { input: '{"features": [5.1, 3.5, 1.4, 0.2]}' }),
    ]);
    expect(labelled.code, labelled.stderr).toBe(0);
    const lines = labelled.stdout.split('\n');
    expect(lines[0]).toMatch(/^ROW\s+LABEL\s+SCORE\s+TOP K$/);
    expect(lines[1]).toMatch(/^0\s+(setosa|versicolor|virginica)\s+0\.\d+\s+\w+ 0\.\d+, \w+ 0\.\d+$/);
    expect(lines[2]).toMatch(/^1\s+(setosa|versicolor|virginica)\s+/);
    expect(labelled.stdout).toMatch(/^latency\s+\d+\.\d+ ms round trip, \d+\.\d+ ms on the server$/m);
    expect(labelled.stdout).toMatch(/^device\s+local\/cpu-\d+$/m);

    const body = await conformJson<{ result: { data: number[]; shape: number[] } }>('runInference', asJson);
    expect(body.result.shape).toEqual([2, 3]);
    // The readable form shows the same numbers, one row of the last dimension per line.
    expect(plain.code, plain.stderr).toBe(0);
    const shown = plain.stdout.split('\n');
    expect(shown[0]).toBe('output [2, 3]');
    for (const row of [0, 1]) {
      const values = shown[row + 1]!.trim().split(/\s+/).map(Number);
      values.forEach((value, i) => expect(value).toBeCloseTo(body.result.data[row * 3 + i]!, 5));
    }
    const tabular = await conformJson<{ result: { predictions: { label: string }[] } }>('runInference', fromStdin);
    expect(LABELS).toContain(tabular.result.predictions[0]!.label);
  });

  it('infer refuses missing or malformed input (exit 2) and reports API errors (exit 1)', async () => {
    const [none, both, badJson, missing, badShape] = await Promise.all([
      suite.cli(['infer', models.plain]),
      suite.cli(['infer', models.plain, '--input', '{}', '--inputs', '{}']),
      suite.cli(['infer', models.plain, '--input', '{data:']),
      suite.cli(['infer', 'model_doesnotexist', '--input', '{"data": [1], "shape": [1, 1]}']),
      suite.cli(['infer', models.plain, '--input', '{"data": [1, 2, 3], "shape": [1, 3]}', '--json']),
    ]);
    expectUsageError(none, /give the input with --input/);
    expectUsageError(both, /not both/);
    expectUsageError(badJson, /--input: the value is not valid JSON/);
    expectApiError(missing, 'NO_MODEL');
    expectApiError(badShape, 'VALIDATION_ERROR');
    expect(JSON.parse(badShape.stdout)).toMatchObject({ error: { code: 'VALIDATION_ERROR' } });
  });

  it('batch sends numeric CSV rows as one base64 tensor and prints results in input order', async () => {
    const csvOut = join(suite.home, 'scores.csv');
    const [run, labelled] = await Promise.all([
      suite.cli(['batch', models.plain, IRIS, '--exclude', 'label']),
      suite.cli([
        'batch',
        models.labelled,
        IRIS,
        '--columns',
        'sepal_length,sepal_width,petal_length,petal_width',
        '-o',
        csvOut,
      ]),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^Batch job batch_\w+: 6 rows as one stacked float32 tensor, base64\.$/m);
    const results = jsonl(run.stdout);
    expect(results.map((result) => result.index)).toEqual([0, 1, 2, 3, 4, 5]);
    // Row i's result is what the model gives that row (the same rows sent as one tensor in one sync call).
    const reference = await unwrap(
      runInference(suite.server.clientA, {
        body: { model_id: models.plain, input: { data: irisRows.flat(), shape: [irisRows.length, 4] } },
      }),
    );
    if (!isInferenceResult(reference)) throw new Error('expected a sync result');
    const expected = (reference.result as { data: number[] }).data;
    results.forEach((result, row) => {
      expect(result.status).toBe('completed');
      const data = result.result.data as number[];
      data.forEach((value, i) => expect(value).toBeCloseTo(expected[row * 3 + i]!, 5));
    });

    expect(labelled.code, labelled.stderr).toBe(0);
    expect(labelled.stdout).toBe('');
    expect(labelled.stderr).toContain(`Wrote 6 results to ${csvOut}.`);
    const csv = (await readFile(csvOut, 'utf8')).trimEnd().split('\n');
    expect(csv[0]).toBe('index,status,label,score,error');
    expect(csv).toHaveLength(7);
    csv
      .slice(1)
      .forEach((line, i) =>
        expect(line).toMatch(new RegExp(`^${i},completed,(setosa|versicolor|virginica),0\\.\\d+,$`)),
      );
  });

  it('batch sends JSONL items one per row for a model with preprocessing; --no-wait, wait, results, jobs', async () => {
    const file = join(suite.home, 'rows.jsonl');
    await writeFile(
      file,
      [
        '[5.1, 3.5, 1.4, 0.2]',
        '{"sepal_length": 7.0, "sepal_width": 3.2, "petal_length": 4.7, "petal_width": 1.4}',
        '{"features": [6.3, 3.3, 6.0, 2.5]}',
        '',
      ].join('\n'),
    );
    const [finishedRun, acceptedRun] = await Promise.all([
      suite.cli(['batch', models.tabular, file, '--json']),
      suite.cli(['batch', models.tabular, file, '--no-wait', '--json', '--name', 'nightly']),
    ]);
    const finished = await conformJson<Job>('getInferenceJob', finishedRun);
    expect(finished).toMatchObject({ status: 'completed', progress: { total: 3, completed: 3, failed: 0 } });
    const accepted = await conformJson<{ job_id: string; total_tasks: number }>('submitBatchInference', acceptedRun);
    expect(accepted.total_tasks).toBe(3);
    const id = accepted.job_id;
    const waited = await suite.cli(['batch', 'wait', id]);
    expect(waited.code, waited.stderr).toBe(0);
    const results = jsonl(waited.stdout);
    expect(results.map((result) => [result.index, result.status])).toEqual([
      [0, 'completed'],
      [1, 'completed'],
      [2, 'completed'],
    ]);
    for (const result of results)
      expect(LABELS).toContain((result.result.predictions as { label: string }[])[0]!.label);

    const [page, pageJson, shown, shownJson, cancelDone, missing] = await Promise.all([
      suite.cli(['batch', 'results', id, '--offset', '1', '--limit', '1', '--format', 'csv']),
      suite.cli(['batch', 'results', id, '--limit', '2', '--json']),
      suite.cli(['jobs', 'get', id]),
      suite.cli(['jobs', 'get', id, '--json']),
      suite.cli(['jobs', 'cancel', id]),
      suite.cli(['jobs', 'get', 'batch_doesnotexist']),
    ]);
    expect(page.code, page.stderr).toBe(0);
    expect(page.stdout.trimEnd().split('\n')).toEqual([
      'index,status,label,score,error',
      expect.stringMatching(/^1,completed,\w+,0\.\d+,$/),
    ]);
    const onePage = await conformJson<Job>('getInferenceJob', pageJson);
    expect(onePage.results.map((result) => result.index)).toEqual([0, 1]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^id\\s+${id}$`, 'm'));
    expect(shown.stdout).toMatch(/^name\s+nightly$/m);
    expect(shown.stdout).toMatch(/^progress\s+3\/3 completed \(100%\), 0 failed, 0 cancelled$/m);
    expect((await conformJson<Job>('getInferenceJob', shownJson)).status).toBe('completed');
    expectApiError(cancelDone, 'CANNOT_CANCEL');
    expectApiError(missing, 'NOT_FOUND');
  });

  it('batch reports rows that failed (exit 0) and a job that failed (exit 1), after writing the results', async () => {
    const reciprocal = (
      await unwrap(uploadModel(suite.server.clientA, { model: fixturePath('reciprocal.onnx'), name: 'reciprocal' }))
    ).id;
    const some = join(suite.home, 'some-zero.csv');
    const all = join(suite.home, 'all-zero.csv');
    await Promise.all([writeFile(some, '1,2\n0,4\n'), writeFile(all, '0,1\n0,0\n')]);
    const [partly, failed] = await Promise.all([
      suite.cli(['batch', reciprocal, some, '--format', 'csv']),
      suite.cli(['batch', reciprocal, all]),
    ]);
    expect(partly.code, partly.stderr).toBe(0);
    expect(partly.stderr).toContain('1 of 2 tasks failed (see their "error").');
    const csv = partly.stdout.trimEnd().split('\n');
    expect(csv[0]).toBe('index,status,output_0,output_1,error');
    expect(csv[1]).toBe('0,completed,1,0.5,');
    expect(csv[2]).toMatch(/^1,failed,,,"NON_FINITE_RESULT: .*"$/);

    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stderr.trimEnd().split('\n').at(-1)).toMatch(/^computeplane: job batch_\w+ failed/);
    expect(jsonl(failed.stdout).map((result) => result.status)).toEqual(['failed', 'failed']);
  });

  it('batch refuses files it cannot read as rows, before submitting anything (exit 2)', async () => {
    const [ragged, column, format, missing, page, twoInputs] = await Promise.all([
      suite.cli(['batch', models.plain, fixturePath('../datasets/ragged.csv')]),
      suite.cli(['batch', models.plain, IRIS, '--columns', 'nope']),
      suite.cli(['batch', models.plain, IRIS, '--format', 'xml']),
      suite.cli(['batch', models.plain, join(suite.home, 'missing.csv')]),
      suite.cli(['batch', 'results', 'batch_doesnotexist', '--json', '--limit', '20000']),
      suite.cli(['batch', models.multi, IRIS, '--columns', 'sepal_length,sepal_width']),
    ]);
    expectUsageError(ragged, /ragged\.csv line 3 has 2 values, the header has 3/);
    expectUsageError(column, /has no column "nope" \(it has sepal_length, .*label\)/);
    expectUsageError(format, /--format must be jsonl or csv, got "xml"/);
    expectUsageError(missing, /cannot read .*missing\.csv \(ENOENT\)/);
    expectUsageError(page, /--limit: one page with --json holds at most 10000 results/);
    expectUsageError(twoInputs, /has 2 inputs \(a, b\): give a JSONL file whose lines are \{"inputs"/);
  });

  it('shows a progress bar of processed rows on a terminal', async () => {
    const out = join(suite.home, 'pty.jsonl');
    const run = await suite.pty(['batch', models.plain, IRIS, '--exclude', 'label', '-o', out]);
    expect(run.code, run.transcript).toBe(0);
    expect(run.transcript).toMatch(/Running \[[#-]+\] 100% \| 6\/6 \| completed/);
    expect(jsonl(await readFile(out, 'utf8'))).toHaveLength(6);
  });
});

/**
 * Ctrl-C and cancel against a server that runs no jobs itself: every job stays queued until the test starts a
 * replica that runs them, so "still running when cancelled" never depends on how fast this machine is.
 */
describe('computeplane batch and jobs cancel, with jobs held queued', () => {
  const suite = cliSuite({ settings: { inference: { ...contractInferenceSettings, runJobs: false } } });

  it('Ctrl-C ends with 130 and leaves the job running (resume with batch wait), or cancels it with --cancel-on-interrupt', async () => {
    const slow = (await unwrap(uploadModel(suite.server.clientA, { model: slowModel(), name: 'slow' }))).id;
    const file = join(suite.home, 'slow.csv');
    await writeFile(
      file,
      Array.from({ length: SLOW_ROWS }, (_, row) =>
        Array.from({ length: WIDTH }, (_, i) => ((row + i) % 7) / 7).join(','),
      ).join('\n'),
    );
    const interrupt = async (extra: string[]) => {
      const running = suite.start(['batch', slow, file, ...extra]);
      await running.waitFor(/Batch job batch_\w+/);
      const id = /Batch job (batch_\w+)/.exec(running.stderr)![1]!;
      running.child.kill('SIGINT');
      return { id, result: await running.done };
    };

    // jobs cancel: a job still running is cancelled, and says how far it got.
    const submitThenCancel = async (json: boolean) => {
      const submitted = await suite.cli(['batch', slow, file, '--no-wait', ...(json ? ['--json'] : [])]);
      const id = json
        ? (await conformJson<{ job_id: string }>('submitBatchInference', submitted)).job_id
        : new RegExp(
            `^Submitted batch job (batch_\\w+) \\(${SLOW_ROWS} rows\\)\\. Wait: computeplane batch wait batch_\\w+$`,
            'm',
          ).exec(submitted.stdout)![1]!;
      return { id, result: await suite.cli(['jobs', 'cancel', id, ...(json ? ['--json'] : [])]) };
    };
    const [left, cancelled, detached, other] = await Promise.all([
      interrupt([]),
      interrupt(['--cancel-on-interrupt']),
      submitThenCancel(true),
      submitThenCancel(false),
    ]);
    const stopped = await conformJson<Job>('cancelInferenceJob', detached.result);
    expect(stopped).toMatchObject({ job_id: detached.id, status: 'cancelled' });
    expect(other.result.code, other.result.stderr).toBe(0);
    expect(other.result.stdout).toMatch(
      new RegExp(`^Cancelled job ${other.id}: \\d+ of ${SLOW_ROWS} tasks had completed, [1-9]\\d* cancelled\\.\n$`),
    );

    expect(left.result.code, left.result.stderr).toBe(130);
    expect(left.result.stdout).toBe('');
    expect(left.result.stderr).toContain(
      `Interrupted; batch job ${left.id} keeps running; resume with: computeplane batch wait ${left.id}`,
    );
    expect(cancelled.result.code, cancelled.result.stderr).toBe(130);
    expect(cancelled.result.stderr).toContain('Interrupted; cancelled what this command started.');
    const [after, job] = await Promise.all(
      [left.id, cancelled.id].map(async (id) =>
        conformJson<Job>('getInferenceJob', await suite.cli(['jobs', 'get', id, '--json'])),
      ),
    );
    expect(after!.status).toBe('queued');
    expect(job!.status).toBe('cancelled');
    expect(job!.progress.cancelled).toBeGreaterThan(0);
    // A replica that runs jobs takes the job left running; `batch wait` follows it to the end.
    const replica = await startTestServer(suite.db.database, {
      blobs: suite.server.blobs, // the stacked inputs are stored there
      settings: { inference: { ...contractInferenceSettings, runJobs: true } },
      tenants: { a: suite.server.tenantA, b: suite.server.tenantB },
    });
    try {
      const resumed = await suite.cli(['batch', 'wait', left.id]);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(jsonl(resumed.stdout).map((result) => result.status)).toEqual(Array(SLOW_ROWS).fill('completed'));
    } finally {
      await replica.close();
    }
  });
});

/** The Ctrl-C test's model and rows: a chain of MatMul+Tanh, so a replica's run of them is real work. */
const WIDTH = 64;
const SLOW_ROWS = 200;
const slowModel = () => slowChainModel(WIDTH, 16);
