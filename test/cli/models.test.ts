/** `computeplane models ...` as a real process against a real server: output, exit codes, --json against the spec. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureBytes, fixturePath } from '@computeplane/test-support/fixtures';
import { largeOnnxModel } from '../../scripts/bench/large-model.js';
import { ansiStyle, cliSuite, conformJson, expectApiError, expectUsageError } from './harness.js';

describe('computeplane models', () => {
  const suite = cliSuite();

  it('uploads, lists, shows, changes the schema of and deletes a model', async () => {
    const uploaded = await conformJson<{ id: string; name: string; labels: string[]; size: number }>(
      'uploadModel',
      await suite.cli([
        'models',
        'upload',
        fixturePath('tiny-mlp.onnx'),
        '--name',
        'iris',
        '--labels',
        'setosa,versicolor,virginica',
        '--postprocessing',
        'top_k_labels',
        '--json',
      ]),
    );
    expect(uploaded).toMatchObject({ name: 'iris', labels: ['setosa', 'versicolor', 'virginica'] });
    expect(uploaded.size).toBe(fixtureBytes('tiny-mlp.onnx').byteLength);

    const list = await suite.cli(['models', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+FORMAT\s+SIZE\s+INPUTS\s+UPLOADED$/);
    expect(list.stdout).toContain(uploaded.id);
    expect(list.stdout).not.toMatch(ansiStyle); // not a terminal: no colour
    const page = await conformJson<{ models: { id: string }[]; total: number }>(
      'listModels',
      await suite.cli(['models', 'list', '--json', '--limit', '5']),
    );
    expect(page.models.map((model) => model.id)).toContain(uploaded.id);

    const shown = await suite.cli(['models', 'get', uploaded.id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^name\s+iris$/m);
    expect(shown.stdout).toMatch(/^labels\s+setosa, versicolor, virginica$/m);
    await conformJson('getModel', await suite.cli(['models', 'get', uploaded.id, '--json']));

    const schema = { type: 'object', properties: { features: { type: 'array' } } };
    const schemaFile = join(suite.home, 'input.schema.json');
    await writeFile(schemaFile, JSON.stringify(schema));
    const updated = await conformJson<{ input_schema: unknown; labels: unknown }>(
      'updateModelSchema',
      await suite.cli([
        'models',
        'schema',
        uploaded.id,
        '--input-schema',
        `@${schemaFile}`,
        '--labels',
        'null',
        '--json',
      ]),
    );
    expect(updated).toMatchObject({ input_schema: schema, labels: null });
    const current = await suite.cli(['models', 'schema', uploaded.id]);
    expect(current.stdout).toMatch(/^input_schema\s+\{"type":"object"/m);

    const deleted = await suite.cli(['models', 'delete', uploaded.id]);
    expect(deleted).toMatchObject({ code: 0, stdout: `Deleted model ${uploaded.id}.\n` });
    // 204 has no body, so --json prints nothing; the exit code says it worked (and a second delete fails).
    const again = await suite.cli(['models', 'upload', fixturePath('tiny-mlp.onnx'), '--json']);
    const second = JSON.parse(again.stdout) as { id: string };
    expect(await suite.cli(['models', 'rm', second.id, '--json'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expectApiError(await suite.cli(['models', 'rm', second.id, '--json']), 'NOT_FOUND');
    expectApiError(await suite.cli(['models', 'get', uploaded.id]), 'NOT_FOUND');
  });

  it('prints the API error body with --json and exits 1', async () => {
    const missing = await suite.cli(['models', 'get', 'model_doesnotexist', '--json']);
    expectApiError(missing, 'NOT_FOUND');
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('refuses bad flags and files with a usage error, before calling the server', async () => {
    expectUsageError(
      await suite.cli(['models', 'list', '--limit', '0']),
      /--limit must be a whole number from 1 to 1000/,
    );
    expectUsageError(
      await suite.cli(['models', 'upload', join(suite.home, 'nope.onnx')]),
      /cannot read .*nope\.onnx \(ENOENT\)/,
    );
    expectUsageError(
      await suite.cli(['models', 'schema', 'model_x', '--input-schema', '{not json']),
      /--input-schema: the value is not valid JSON/,
    );
  });

  it('shows upload progress on a terminal, and only there', async () => {
    const big = join(suite.home, 'big.onnx');
    await writeFile(big, largeOnnxModel(8 * 1024 * 1024));
    const run = await suite.pty(['models', 'upload', big, '--name', 'big']);
    expect(run.code, run.transcript).toBe(0);
    expect(run.transcript).toMatch(/Uploading \[[#-]+\] 100% \| 8\.0 MiB\/8\.0 MiB/);
    expect(run.transcript).toMatch(ansiStyle); // a terminal gets colour
    const piped = await suite.cli(['models', 'upload', big, '--name', 'big-2']);
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe('');
    const plain = await suite.pty(['models', 'list'], { env: { NO_COLOR: '1' } });
    expect(plain.transcript).toContain('big-2');
    expect(plain.transcript).not.toMatch(ansiStyle);
  });
});
