/**
 * `computeplane instances|volumes|images ...` as real processes against a real server whose instances are runc
 * containers (one server, the busybox image from its import directory, a few instances): output, exit codes,
 * --json against the spec, logs followed and Ctrl-C, pull progress under a pseudo-terminal.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX, instancesAvailable, instancesDataDir } from '@computeplane/test-support/instances';
import { ansiStyle, cliSuite, conformJson, expectApiError, expectUsageError } from './harness.js';

const data = instancesAvailable ? instancesDataDir() : { dir: '/nonexistent', remove: () => undefined };

interface Instance {
  id: string;
  name: string;
  state: string;
  exit_code?: number | null;
  env?: Record<string, string>;
  volumes?: { volume_id: string; mount_path: string; readonly?: boolean }[];
}

describe.skipIf(!instancesAvailable)('computeplane instances, volumes and images', () => {
  const suite = cliSuite({ dataDir: data.dir });
  const LOOP = 'trap "exit 0" TERM; echo "hello $GREETING"; while true; do sleep 1; done';

  beforeAll(async () => {
    await suite.server.app.instancesReady();
  }, 60_000);
  afterAll(() => data.remove());

  it('pulls an image with progress on a terminal, lists, shows and deletes images', async () => {
    const pulled = await suite.pty(['images', 'pull', BUSYBOX]);
    expect(pulled.code, pulled.transcript).toBe(0);
    expect(pulled.transcript).toMatch(/Pulling \[[#-]+\] 100% \| 3\/3 \| ready/);
    expect(pulled.transcript.replace(new RegExp(ansiStyle, 'g'), '')).toMatch(/^status\s+ready\s*$/m);

    const [again, list, table, shown, second, missing] = await Promise.all([
      suite.cli(['images', 'pull', BUSYBOX, '--json']),
      suite.cli(['images', 'list', '--json']),
      suite.cli(['images', 'list']),
      suite.cli(['images', 'get', BUSYBOX, '--json']),
      suite.cli(['images', 'pull', 'oci:busybox']),
      suite.cli(['images', 'pull', 'oci:missing:latest']),
    ]);
    expectApiError(missing, 'VALIDATION_ERROR');
    expect(await conformJson('createImage', again)).toMatchObject({ name: BUSYBOX, status: 'ready' });
    expect(again.stderr).toBe(''); // not a terminal: no progress
    const images = await conformJson<{ name: string }[]>('listImages', list);
    expect(images.map((image) => image.name)).toContain(BUSYBOX);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+SIZE\s+DIGEST\s+CREATED$/);
    expect(table.stdout).toMatch(/^oci:busybox:latest\s+ready\s+\d/m);
    expect(await conformJson('getImage', shown)).toMatchObject({ digest: expect.stringMatching(/^sha256:/) });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^status\s+ready$/m);

    // A pull that fails after it was queued (not an OCI layout): exit 1 with the reason, the image on stdout.
    await mkdir(join(data.dir, 'import', 'broken'), { recursive: true });
    await writeFile(join(data.dir, 'import', 'broken', 'index.json'), 'not an image');
    const broken = await suite.cli(['images', 'pull', 'oci:broken:latest', '--json']);
    expect(broken.code, broken.stderr).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({ name: 'oci:broken:latest', status: 'failed' });
    expect(broken.stderr).toMatch(/^computeplane: image oci:broken:latest failed to pull: .+\n$/);

    const removed = await suite.cli(['images', 'rm', 'oci:busybox', '--json']);
    expect(removed).toMatchObject({ code: 0, stdout: '' }); // a 204: nothing to print
    expectApiError(await suite.cli(['images', 'get', 'oci:busybox']), 'NOT_FOUND');
  }, 60_000);

  it('on Ctrl-C while a pull waits in the queue: exits 130; only --cancel-on-interrupt forgets the image', async () => {
    // A layout whose index.json is a FIFO: skopeo blocks opening it, so the server's one pull at a time stays
    // busy until the test writes to it, and the pulls queued behind it stay `pending`.
    const stuck = join(data.dir, 'import', 'stuck');
    await mkdir(stuck, { recursive: true });
    await writeFile(join(stuck, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    execFileSync('mkfifo', [join(stuck, 'index.json')]);
    const keptName = 'oci:busybox';
    const forgottenName = `oci:${join(data.dir, 'import', 'busybox')}:latest`; // the same image, another name
    try {
      expect((await suite.cli(['images', 'pull', 'oci:stuck:latest', '--no-wait'])).code).toBe(0);
      const kept = suite.start(['images', 'pull', keptName]);
      const forgotten = suite.start(['images', 'pull', forgottenName, '--cancel-on-interrupt']);
      await Promise.all([kept.waitFor(/^Pulling oci:busybox: pending/m), forgotten.waitFor(/: pending/)]);
      kept.child.kill('SIGINT');
      forgotten.child.kill('SIGINT');
      const [keptResult, forgottenResult] = await Promise.all([kept.done, forgotten.done]);
      expect(keptResult.code, keptResult.stderr).toBe(130);
      expect(keptResult.stderr).toContain(`the pull of ${keptName} goes on; check it with: computeplane images get`);
      expect(forgottenResult.code, forgottenResult.stderr).toBe(130);
      expect(forgottenResult.stderr).toContain('cancelled what this command started');
      expectApiError(await suite.cli(['images', 'get', forgottenName]), 'NOT_FOUND');
      expect((await suite.cli(['images', 'get', keptName])).stdout).toMatch(/^status\s+pending/m);
    } finally {
      await unblock(join(stuck, 'index.json'));
    }
    // Unblocked, skopeo reads no layout: that pull fails, and the one left queued goes on to be ready.
    let status = '';
    for (let tries = 0; tries < 100 && status !== 'ready'; tries += 1, await sleep(100))
      status = (JSON.parse((await suite.cli(['images', 'get', keptName, '--json'])).stdout) as { status: string })
        .status;
    expect(status).toBe('ready');
    expect((await suite.cli(['images', 'get', 'oci:stuck:latest'])).stdout).toMatch(/^status\s+failed$/m);
    for (const name of [keptName, 'oci:stuck:latest']) expect((await suite.cli(['images', 'rm', name])).code).toBe(0);
  }, 60_000);

  it('runs an instance and drives it through its states, with a volume attached while stopped', async () => {
    const [run, newVolume] = await Promise.all([
      suite.cli([
        'instances',
        'run',
        BUSYBOX,
        '--name',
        'web-1',
        '-e',
        'GREETING=world',
        '--tag',
        'team=cli',
        '--size',
        '64MB',
        '--json',
        '--',
        'sh',
        '-c',
        LOOP,
      ]),
      suite.cli(['volumes', 'create', 'cli-data', '--size-gb', '1', '--tag', 'kind=scratch', '--json']),
    ]);
    const created = await conformJson<Instance>('createInstance', run);
    expect(created).toMatchObject({ name: 'web-1', state: 'Running', env: { GREETING: 'world' } });
    const volume = await conformJson<{ id: string; name: string }>('createVolume', newVolume);
    expect(volume.name).toBe('cli-data');
    const id = created.id;

    const [shown, shownJson, table, running, logs, logLines, events, badState, waited, notYet, stats] =
      await Promise.all([
        suite.cli(['instances', 'get', 'web-1']),
        suite.cli(['instances', 'get', 'web-1', '--json']),
        suite.cli(['instances', 'list']),
        suite.cli(['instances', 'list', '--state', 'running', '--json']),
        suite.cli(['instances', 'logs', id]),
        suite.cli(['instances', 'logs', id, '--json', '--tail', '5']),
        suite.cli(['instances', 'logs', id, '--source', 'hypeman']),
        suite.cli(['instances', 'list', '--state', 'sleeping']),
        suite.cli(['instances', 'wait', id, '--state', 'Running', '--json']),
        suite.cli(['instances', 'wait', id, '--state', 'shutdown', '--max-wait', '1s']),
        suite.cli(['instances', 'stats', id, '--json']),
      ]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^id\\s+${id}$`, 'm'));
    expect(shown.stdout).toMatch(/^state\s+Running$/m);
    expect(shown.stdout).toMatch(/^env\s+.*GREETING=world/m);
    expect(await conformJson<Instance>('getInstance', shownJson)).toMatchObject({ id, tags: { team: 'cli' } });
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+IMAGE\s+STATE\s+CREATED$/);
    expect(table.stdout).toMatch(new RegExp(`^${id}\\s+web-1\\s+oci:busybox:latest\\s+Running\\s`, 'm'));
    expect((await conformJson<Instance[]>('listInstances', running)).map((i) => i.id)).toEqual([id]);
    expect(logs).toMatchObject({ code: 0, stdout: 'hello world\n' });
    expect(logLines.stdout).toBe('"hello world"\n');
    expect(events.code, events.stderr).toBe(0);
    expect(events.stdout).toMatch(/\S/);
    expect(events.stdout).not.toContain('hello world');
    // Enum values are the server's to check: a 400 naming them, exit 1.
    expectApiError(badState, 'VALIDATION_ERROR');
    expect(await conformJson('waitForInstanceState', waited)).toEqual({ state: 'Running', timed_out: false });
    // A wait that runs out is exit 1 with the state at that moment.
    expect(notYet).toMatchObject({ code: 1, stdout: 'Running\n' });
    expect(notYet.stderr).toBe(`computeplane: instance ${id} is Running, not Shutdown, after 1s\n`);
    expect(await conformJson('getInstanceStats', stats)).toMatchObject({ instance_id: id });

    // update sets env values (applied at the next start); --json is the instance, get --json shows the change.
    const updated = await suite.cli(['instances', 'update', id, '-e', 'GREETING=there', '--env', 'EXTRA=1', '--json']);
    const [updatedHuman, noEnv, badPair, updateMissing] = await Promise.all([
      suite.cli(['instances', 'update', 'web-1', '--env', 'MODE=debug']),
      suite.cli(['instances', 'update', id]),
      suite.cli(['instances', 'update', id, '--env', 'NOEQUALS']),
      suite.cli(['instances', 'update', 'no-such-instance', '--env', 'A=1']),
    ]);
    expect((await conformJson<Instance>('updateInstance', updated)).env).toMatchObject({
      GREETING: 'there',
      EXTRA: '1',
    });
    expect(updatedHuman.code, updatedHuman.stderr).toBe(0);
    expect(updatedHuman.stdout).toMatch(/^env\s+.*MODE=debug/m);
    expectUsageError(noEnv, /instances update needs at least one --env KEY=VALUE/);
    expectUsageError(badPair, /--env takes KEY=VALUE, got "NOEQUALS"/);
    expectApiError(updateMissing, 'NOT_FOUND');
    const afterUpdate = await conformJson<Instance>('getInstance', await suite.cli(['instances', 'get', id, '--json']));
    expect(afterUpdate.env).toMatchObject({ GREETING: 'there', EXTRA: '1', MODE: 'debug' });

    // Paused, then standby: CRIU cannot checkpoint on this host, a 422 with its code; restore and fork need Standby.
    expect(await conformJson('pauseInstance', await suite.cli(['instances', 'pause', id, '--json']))).toMatchObject({
      state: 'Paused',
    });
    const [standby, restore, fork] = await Promise.all([
      suite.cli(['instances', 'standby', id]),
      suite.cli(['instances', 'restore', id]),
      suite.cli(['instances', 'fork', id, '--name', 'web-2']),
    ]);
    expectApiError(standby, 'STANDBY_UNAVAILABLE');
    expectApiError(restore, 'INVALID_STATE');
    expectApiError(fork, 'INVALID_STATE');
    const resumed = await conformJson<Instance>(
      'resumeInstance',
      await suite.cli(['instances', 'resume', id, '--json']),
    );
    expect(resumed.state).toBe('Running');

    const stopped = await conformJson<Instance>('stopInstance', await suite.cli(['instances', 'stop', id, '--json']));
    expect(stopped.state).toBe('Stopped');
    const [stoppedWait, attaching] = await Promise.all([
      suite.cli(['instances', 'wait', id, '--state', 'Stopped', '--max-wait', '5s']),
      suite.cli(['volumes', 'attach', 'cli-data', id, '--path', '/mnt/data', '--json']),
    ]);
    expect(stoppedWait).toMatchObject({ code: 0, stdout: 'Stopped\n' });
    const attached = await conformJson<Instance>('attachVolume', attaching);
    expect(attached.volumes).toEqual([expect.objectContaining({ volume_id: volume.id, mount_path: '/mnt/data' })]);
    const [volumeShown, volumeJson, volumeTable, volumeList, inUse] = await Promise.all([
      suite.cli(['volumes', 'get', 'cli-data']),
      suite.cli(['volumes', 'get', volume.id, '--json']),
      suite.cli(['volumes', 'list']),
      suite.cli(['volumes', 'list', '--json']),
      suite.cli(['volumes', 'rm', 'cli-data']),
    ]);
    expect(volumeShown.stdout).toMatch(new RegExp(`^attached\\s+${id}:/mnt/data$`, 'm'));
    expect(volumeShown.stdout).toMatch(/^tags\s+kind=scratch$/m);
    await conformJson('getVolume', volumeJson);
    expect(volumeTable.stdout).toMatch(new RegExp(`^${volume.id}\\s+cli-data\\s+1 GiB\\s+${id}\\s`, 'm'));
    await conformJson('listVolumes', volumeList);
    expectApiError(inUse, 'CONFLICT');

    const started = await conformJson<Instance>('startInstance', await suite.cli(['instances', 'start', id, '--json']));
    expect(started.state).toBe('Running');
    await suite.cli(['instances', 'stop', id]);
    const detached = await conformJson<Instance>(
      'detachVolume',
      await suite.cli(['volumes', 'detach', 'cli-data', id, '--json']),
    );
    expect(detached.volumes ?? []).toEqual([]);
    const [volumeGone, instanceGone] = await Promise.all([
      suite.cli(['volumes', 'rm', 'cli-data']),
      suite.cli(['instances', 'rm', id]),
    ]);
    expect(volumeGone).toMatchObject({ code: 0, stdout: 'Deleted volume cli-data.\n' });
    expect(instanceGone).toMatchObject({ code: 0, stdout: `Deleted instance ${id}.\n` });
    const [missing, noLogs] = await Promise.all([
      suite.cli(['instances', 'get', id, '--json']),
      suite.cli(['instances', 'logs', id, '-f']),
    ]);
    expectApiError(missing, 'NOT_FOUND');
    expectApiError(noLogs, 'NOT_FOUND');
    expect(JSON.parse(missing.stdout)).toMatchObject({ code: 'not_found' });
  }, 90_000);

  it('follows logs until the workload ends, and waits for a state after run', async () => {
    const [followed, waited] = await Promise.all([
      suite.cli([
        'instances',
        'run',
        BUSYBOX,
        '--name',
        'counter',
        '-f',
        '--',
        'sh',
        '-c',
        'echo one; sleep 1; echo two; exit 3',
      ]),
      suite.cli(['instances', 'run', BUSYBOX, '--wait', 'Shutdown', '--json', '--', 'true']),
    ]);
    expect(followed.code, followed.stderr).toBe(1);
    expect(followed.stdout).toBe('one\ntwo\n');
    expect(followed.stderr).toMatch(/^computeplane: instance counter: exited with code 3$/m);
    const done = await conformJson<Instance>('getInstance', waited);
    expect(done).toMatchObject({
      name: expect.stringMatching(/^busybox-[0-9a-f]{6}$/),
      state: 'Shutdown',
      exit_code: 0,
    });
    await Promise.all([suite.cli(['instances', 'rm', 'counter']), suite.cli(['instances', 'rm', done.id])]);
  }, 60_000);

  it('on Ctrl-C exits 130; only --cancel-on-interrupt deletes the instance run created', async () => {
    const cancelled = suite.start([
      'instances',
      'run',
      BUSYBOX,
      '--name',
      'ctrl-c',
      '--follow',
      '--cancel-on-interrupt',
      '--',
      'sh',
      '-c',
      LOOP,
    ]);
    const kept = suite.start(['instances', 'run', BUSYBOX, '--name', 'kept', '--follow', '--', 'sh', '-c', LOOP]);
    await Promise.all([cancelled.waitFor('hello'), kept.waitFor('hello')]);
    cancelled.child.kill('SIGINT');
    kept.child.kill('SIGINT');
    const [cancelledResult, keptResult] = await Promise.all([cancelled.done, kept.done]);
    expect(cancelledResult.code, cancelledResult.stderr).toBe(130);
    expect(cancelledResult.stderr).toContain('cancelled what this command started');
    expect(keptResult.code, keptResult.stderr).toBe(130);
    expect(keptResult.stderr).toMatch(/instance kept \(\w+\) keeps running; remove it with: computeplane instances rm/);
    expectApiError(await suite.cli(['instances', 'get', 'ctrl-c']), 'NOT_FOUND');
    const still = await suite.cli(['instances', 'get', 'kept']);
    expect(still.stdout).toMatch(/^state\s+Running$/m);

    // logs -f of a running workload, interrupted: 130, and the instance is left alone.
    const follow = suite.start(['instances', 'logs', 'kept', '-f']);
    await follow.waitFor('hello');
    follow.child.kill('SIGINT');
    expect((await follow.done).code).toBe(130);
    expect(await suite.cli(['instances', 'rm', 'kept'])).toMatchObject({ code: 0 });
  }, 60_000);

  it('refuses bad flags with a usage error, before calling the server', async () => {
    const results = await Promise.all([
      suite.cli(['instances', 'run', BUSYBOX, '--volume', 'data']),
      suite.cli(['instances', 'wait', 'web-1']),
      suite.cli(['instances', 'logs', 'web-1', '--tail', '-1']),
      suite.cli(['instances', 'run', BUSYBOX, '--follow', '--json']),
      suite.cli(['volumes', 'attach', 'data', 'web-1', '--path', 'mnt']),
      suite.cli(['volumes', 'create', 'data', '--size-gb', '0']),
    ]);
    expectUsageError(results[0]!, /--volume takes VOLUME:\/PATH or VOLUME:\/PATH:ro, got "data"/);
    expectUsageError(results[1]!, /required option '--state <state>' not specified/);
    expectUsageError(results[2]!, /--tail must be a whole number from 0 to 10000/);
    expectUsageError(results[3]!, /--follow prints log lines; leave out --json/);
    expectUsageError(results[4]!, /--path must be absolute, got "mnt"/);
    expectUsageError(results[5]!, /--size-gb must be a whole number from 1 to 1024/);
  });
});

/** Writes to a FIFO once skopeo has it open for reading (opening the write end fails until then). */
async function unblock(fifo: string): Promise<void> {
  for (let tries = 0; ; tries += 1) {
    try {
      const fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
      writeSync(fd, 'not an image');
      closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO' || tries >= 100) throw error;
      await sleep(100);
    }
  }
}
