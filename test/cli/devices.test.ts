/**
 * `computeplane dashboard ...` and `computeplane devices ...` as real processes against a real server: the
 * project stream redrawn in place under a pseudo-terminal and printed as blocks on a pipe, and a real
 * `computeplane-worker` process joining, listed, inspected and asked for its logs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import { runInference } from '@computeplane/sdk/inference';
import { uploadModel } from '@computeplane/sdk/models';
import { completeProject, createProject, getProject } from '@computeplane/sdk/projects';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { loadSpecValidator } from '@computeplane/test-support/spec-validator';
import { cliSuite, conformJson, expectApiError, expectUsageError } from './harness.js';

const ESC = String.fromCharCode(27);
const workerScript = fileURLToPath(new URL('../../packages/worker/dist/main.js', import.meta.url));

describe('computeplane dashboard and devices', () => {
  const suite = cliSuite({ settings: { usage: { flushMs: 50 } } });
  let worker: ChildProcess | undefined;
  afterAll(() => void worker?.kill('SIGKILL'));

  const waitUntil = async (check: () => boolean | Promise<boolean>) => {
    await expect.poll(check, { timeout: 20_000, interval: 50 }).toBe(true);
  };

  it('dashboard: redrawn in place on a terminal until the project ends; blocks on a pipe; --json lines', async () => {
    const client = suite.server.clientA;
    const [model, project] = await Promise.all([
      unwrap(uploadModel(client, { model: fixturePath('regression.onnx') })),
      unwrap(createProject(client, { body: { name: 'live', type: 'realtime' } })),
    ]);
    const streams = () => suite.server.app.streamsHeld(suite.server.tenantA);

    // A pipe: one plain block per update; Ctrl-C ends it with 130.
    const counted = suite.cli(['dashboard', project.id, '--interval', '100', '--count', '2', '--json']);
    const piped = suite.start(['dashboard', project.id, '--interval', '100']);
    await piped.waitFor(/update 2/);
    piped.child.kill('SIGINT');
    const pipedResult = await piped.done;
    expect(pipedResult.code).toBe(130);
    expect(pipedResult.stdout).not.toContain(ESC);
    expect(pipedResult.stdout).toMatch(
      new RegExp(
        `^${project.id} {2}update 1 {2}\\d\\d:\\d\\d:\\d\\d\\nlive {2}active {2}\\[-{20}\\] {2}n/a {2}ok 0 {2}failed 0 {2}avg -\\n\\n`,
      ),
    );
    // --count: that many updates, then exit 0; --json: each the project as the API sends it, a line each.
    const countedResult = await counted;
    expect(countedResult.code, countedResult.stderr).toBe(0);
    const spec = await loadSpecValidator();
    const updates = countedResult.stdout.trimEnd().split('\n');
    expect(updates).toHaveLength(2);
    for (const update of updates)
      spec.check('getProject', { status: 200, contentType: 'application/json', body: JSON.parse(update) });
    await waitUntil(() => streams() === 0);
    // A terminal: the block is redrawn in place as the project changes, and the command ends with the project.
    const tty = suite.pty(['dashboard', project.id, '--interval', '100']);
    await waitUntil(() => streams() === 1);
    await unwrap(
      runInference(client, {
        body: { model_id: model.id, input: { data: [1, 2, 3], shape: [1, 3] }, project_id: project.id },
      }),
    );
    await waitUntil(
      async () => (await unwrap(getProject(client, { params: { path: { id: project.id } } }))).completed_tasks === 1,
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // a few updates with the task counted
    await unwrap(completeProject(client, { params: { path: { id: project.id } } }));
    const run = await tty;
    expect(run.code, run.transcript).toBe(0);
    expect(run.transcript).toContain(`${ESC}[1mlive${ESC}[0m`); // the server's ANSI line, kept on a terminal
    expect(run.transcript).toMatch(/ok 0/);
    expect(run.transcript).toMatch(/ok 1/);
    expect(run.transcript).toContain(`${ESC}[2K${ESC}[1A`); // log-update erased the previous block
    expect(run.transcript).toContain(`${project.id} ended: completed`);

    // --json: each update's project as the API sends it, one document a line; an ended project ends the stream.
    const [json, missing, badInterval] = await Promise.all([
      suite.cli(['dashboard', project.id, '--json']),
      suite.cli(['dashboard', 'proj_missing']),
      suite.cli(['dashboard', project.id, '--interval', '5']),
    ]);
    expect(json.code, json.stderr).toBe(0);
    const lines = json.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    for (const line of lines)
      spec.check('getProject', { status: 200, contentType: 'application/json', body: JSON.parse(line) });
    expect(JSON.parse(lines[0]!)).toMatchObject({ id: project.id, status: 'completed', completed_tasks: 1 });
    expectApiError(missing, 'NOT_FOUND');
    expectUsageError(badInterval, /--interval must be a whole number from 100 to 60000/);
  });

  it('devices: a real worker joins; list, get, stats and its logs pulled live', async () => {
    worker = spawn(
      process.execPath,
      [
        workerScript,
        '--server',
        suite.server.baseUrl,
        '--name',
        'cli-worker',
        '--cache-dir',
        join(suite.home, 'cache'),
      ],
      { env: { PATH: process.env.PATH ?? '', COMPUTEPLANE_API_KEY: suite.server.keyA }, stdio: 'ignore' },
    );
    let workerId = '';
    await waitUntil(async () => {
      const list = await suite.cli(['devices', 'list', '--status', 'idle']);
      workerId = /^(dev_\w+)\s+cli-worker\s+worker\s+idle\s/m.exec(list.stdout)?.[1] ?? '';
      return workerId !== '';
    });
    const [list, listJson, shown, shownJson, stats, statsJson, logs, logsJson] = await Promise.all([
      suite.cli(['devices', 'list']),
      suite.cli(['devices', 'list', '--json', '--limit', '10']),
      suite.cli(['devices', 'get', workerId]),
      suite.cli(['devices', 'get', workerId, '--json']),
      suite.cli(['devices', 'stats']),
      suite.cli(['devices', 'stats', '--json']),
      suite.cli(['devices', 'logs', workerId, '--wait', '5000']),
      suite.cli(['devices', 'logs', workerId, '-n', '1', '--json']),
    ]);
    expect(list.stdout.split('\n')[0]).toMatch(
      /^ID\s+NAME\s+KIND\s+STATUS\s+PLATFORM\s+CPU\s+GPU\s+TASKS\s+LAST HEARTBEAT$/,
    );
    expect(list.stdout.split('\n')[1]).toMatch(/^local\/\S+\s+built-in engine\s+builtin\s+idle\s+nodejs /);
    const page = await conformJson<{ devices: { id: string; kind: string }[] }>('listDevices', listJson);
    expect(page.devices.map((d) => d.kind)).toEqual(['builtin', 'worker']);
    expect(shown.stdout).toMatch(/^name\s+cli-worker$/m);
    expect(shown.stdout).toMatch(new RegExp(`^platform\\s+\\w+/\\w+, nodejs ${process.versions.node}$`, 'm'));
    expect(await conformJson('getDevice', shownJson)).toMatchObject({ id: workerId, status: 'idle' });
    expect(stats.stdout).toMatch(/^devices\s+2$/m);
    expect(stats.stdout).toMatch(/^idle\s+2$/m);
    expect(await conformJson('getDeviceStats', statsJson)).toMatchObject({ total: 2, idle: 2 });
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(new RegExp(`^\\S+Z INFO  connected as ${workerId}$`, 'm'));
    const lastLine = await conformJson<{ device_id: string; entries: unknown[] }>('getDeviceLogs', logsJson);
    expect(lastLine).toMatchObject({ device_id: workerId });
    expect(lastLine.entries).toHaveLength(1);

    // The built-in device has no socket to ask; a device of nobody's is a 404; a bad flag is a usage error.
    const builtin = page.devices[0]!.id;
    const [builtinShown, builtinLogs, missing, badLevel] = await Promise.all([
      suite.cli(['devices', 'get', builtin]),
      suite.cli(['devices', 'logs', builtin]),
      suite.cli(['devices', 'get', 'dev_doesnotexist']),
      suite.cli(['devices', 'logs', workerId, '--level', 'loud']),
    ]);
    expect(builtinShown.stdout).toMatch(/^kind\s+builtin$/m);
    expectApiError(builtinLogs, 'DEVICE_OFFLINE');
    expectApiError(missing, 'NOT_FOUND');
    expect(badLevel.code).toBe(2);
    expect(badLevel.stderr).toMatch(/--level <level>' argument 'loud' is invalid/);
  });
});
