/**
 * `computeplane compute peers|workers …` and `models stage` as real processes against a real server: peers
 * registered against a real TCP listener (the probe), a real runtime in peer mode for staging from the fake
 * Hugging Face Hub (test/fakes/hf-hub.ts), and workers on the local provider (real runc instances, SSH).
 * One worker is provisioned to the end (about 15-20 s); the others fail or are interrupted early.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import { listOffers } from '@computeplane/sdk/offers';
import { fixtureBytes } from '@computeplane/test-support/fixtures';
import { startFakeHub, type FakeHub } from '../fakes/hf-hub.js';
import { ansiStyle, cliSuite, conformJson, expectApiError, expectUsageError } from './harness.js';

const workerMain = fileURLToPath(new URL('../../packages/worker/dist/main.js', import.meta.url));
const SECRET = 'sekrit-value-0123456789';
const weights = new Uint8Array(randomBytes(2 * 1024 * 1024));
const FAST = { env: { COMPUTEPLANE_POLL_INTERVAL_MS: '200' } };

interface Job {
  job_id: string;
  kind: string;
  status: string;
  stage: string | null;
  error: string | null;
  report: Record<string, unknown> | null;
}

const listen = async (): Promise<{ server: Server; port: number }> => {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
};

describe('computeplane compute and models stage', () => {
  const state = {} as { hub: FakeHub; root: string; worker: ChildProcess; offerId: string; stager: string };
  const serverOptions = { settings: { compute: { peerGraceMs: 10_000 } as Record<string, unknown> }, dataDir: '' };
  beforeAll(async () => {
    state.root = await mkdtemp(join(tmpdir(), 'cp-cli-compute-'));
    // Its own data directory: another server of this machine sharing one would sweep these instances.
    serverOptions.dataDir = join(state.root, 'data');
    state.hub = await startFakeHub({
      repos: {
        'acme/tiny-mlp': {
          files: [
            { path: 'model.onnx', content: fixtureBytes('tiny-mlp.onnx'), lfs: true },
            { path: 'weights/part-1.bin', content: weights, lfs: true },
            { path: 'README.md', content: new TextEncoder().encode('# tiny') },
          ],
        },
      },
    });
    serverOptions.settings.compute.hubEndpoint = state.hub.url;
  });
  const suite = cliSuite(serverOptions);
  beforeAll(async () => {
    state.worker = spawn(
      process.execPath,
      [
        workerMain,
        ...['--server', suite.server.baseUrl, '--name', 'stager', '--cache-dir', join(state.root, 'cache')],
        ...['--listen', '127.0.0.1:0'],
      ],
      { env: { PATH: process.env.PATH ?? '', COMPUTEPLANE_API_KEY: suite.server.keyA }, stdio: 'ignore' },
    );
    const offers = await unwrap(listOffers(suite.server.clientA, { params: { query: { provider: 'local' } } }));
    state.offerId = offers.offers[0]!.id;
  });
  afterAll(async () => {
    state.worker?.kill('SIGKILL');
    await state.hub?.close();
    if (state.root) await rm(state.root, { recursive: true, force: true });
  });

  it('adds, updates, lists and removes peers, probing their endpoints unless --no-probe', async () => {
    const open = await listen();
    const closed = await listen();
    await new Promise((resolve) => closed.server.close(resolve));
    try {
      const added = await conformJson<{ id: string; grpc_peer: string; name: string; health: Record<string, unknown> }>(
        'registerComputePeer',
        await suite.cli([
          ...['compute', 'peers', 'add', '--grpc-peer', `127.0.0.1:${open.port}`, '--name', 'desk'],
          ...['--capabilities', '{"gpu":"none"}', '--json'],
        ]),
      );
      expect(added).toMatchObject({ grpc_peer: `http://127.0.0.1:${open.port}`, name: 'desk' });
      expect(added.health.last_probe_at).not.toBeNull();

      const [updated, unreachable, unprobed, noEndpoint] = await Promise.all([
        suite.cli(['compute', 'peers', 'add', '--grpc-peer', `http://127.0.0.1:${open.port}`, '--name', 'desk-2']),
        suite.cli(['compute', 'peers', 'add', '--grpc-peer', `127.0.0.1:${closed.port}`]),
        suite.cli(['compute', 'peers', 'add', '--realtime-peer-url', `ws://127.0.0.1:${closed.port}/rt`, '--no-probe']),
        suite.cli(['compute', 'peers', 'add', '--name', 'nothing']),
      ]);
      expect(updated.code, updated.stderr).toBe(0);
      expect(updated.stderr).toBe(`Updated peer ${added.id} (an entry with this endpoint existed).\n`);
      expect(updated.stdout).toMatch(/^name\s+desk-2$/m);
      expect(updated.stdout).toMatch(/^capabilities\s+\{"gpu":"none"\}$/m);
      expectApiError(unreachable, 'PEER_UNREACHABLE');
      expect(unreachable.stderr).toContain(`127.0.0.1:${closed.port}`);
      expect(unprobed.code, unprobed.stderr).toBe(0);
      expect(unprobed.stderr).toMatch(/^Registered peer peer_[a-z0-9]+\.\n$/);
      expect(unprobed.stdout).toMatch(/^last_probe\s+-$/m);
      const unprobedId = /^id\s+(peer_[a-z0-9]+)$/m.exec(unprobed.stdout)![1]!;
      expectUsageError(noEndpoint, /give --grpc-peer <endpoint>, --realtime-peer-url <url>, or both/);

      const [table, healthy, badHealth] = await Promise.all([
        suite.cli(['compute', 'peers', 'list']),
        suite.cli(['compute', 'peers', 'list', '--health', 'healthy', '--json']),
        suite.cli(['compute', 'peers', 'list', '--health', 'sick']),
      ]);
      expect(table.code).toBe(0);
      expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+HEALTH\s+GRPC\s+REALTIME\s+INSTANCE\s+LAST SEEN$/);
      expect(table.stdout).toMatch(new RegExp(`^${added.id}\\s+desk-2\\s+healthy \\(\\d+ ms\\)\\s+http://127`, 'm'));
      expect(table.stdout).toContain(unprobedId);
      const page = await conformJson<{ peers: { id: string; health: { status: string } }[] }>(
        'listComputePeers',
        healthy,
      );
      expect(page.peers.map((peer) => peer.id)).toEqual(expect.arrayContaining([added.id, unprobedId]));
      expect(page.peers.every((peer) => peer.health.status === 'healthy')).toBe(true);
      expectUsageError(badHealth, /--health must be healthy or unhealthy, got "sick"/);

      const [removed, removedJson] = await Promise.all([
        suite.cli(['compute', 'peers', 'remove', added.id]),
        suite.cli(['compute', 'peers', 'rm', unprobedId, '--json']),
      ]);
      expect(removed).toMatchObject({ code: 0, stdout: `Removed peer ${added.id}.\n` });
      expect(removedJson).toMatchObject({ code: 0, stdout: '' }); // 204: no body, nothing printed
      expectApiError(await suite.cli(['compute', 'peers', 'remove', added.id]), 'NOT_FOUND');
    } finally {
      open.server.close();
    }
  });

  it('stages a Hub repo onto a peer: the job at once, followed on a pipe, and with a bar on a terminal', async () => {
    // The runtime started in beforeAll registers itself as a peer.
    let stager: string | undefined;
    for (let tries = 0; tries < 60 && !stager; tries++) {
      const page = JSON.parse((await suite.cli(['compute', 'peers', 'list', '--json'])).stdout) as {
        peers: { id: string; name: string; health: { status: string } }[];
      };
      stager = page.peers.find((peer) => peer.name === 'stager' && peer.health.status === 'healthy')?.id;
      if (!stager) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(stager, 'the runtime registered as a peer').toBeDefined();
    const peer = ['--peer', stager!];

    const accepted = await conformJson<{ job_id: string; dest_dir: string }>(
      'stageModel',
      await suite.cli(['models', 'stage', 'acme/tiny-mlp', ...peer, '--filter', '*.onnx', '--json']),
    );
    expect(accepted).toMatchObject({ job_id: expect.stringMatching(/^sjob_/), dest_dir: 'acme--tiny-mlp' });

    const [followed, piped, terminal, missing] = await Promise.all([
      suite.cli(['compute', 'workers', 'get', accepted.job_id, '--wait', '--json'], FAST),
      suite.cli([
        'models',
        'stage',
        'acme/tiny-mlp',
        ...peer,
        '--dest-dir',
        'piped',
        '--filter',
        'weights/**',
        '--wait',
      ]),
      suite.pty(['models', 'stage', 'acme/tiny-mlp', ...peer, '--dest-dir', 'tty', '--wait'], FAST),
      suite.cli(['models', 'stage', 'acme/missing', ...peer]),
    ]);
    const job = await conformJson<Job & { report: { files: { path: string }[] } }>('getJob', followed);
    expect(job).toMatchObject({ kind: 'stage', status: 'completed', stage: 'staging' });
    expect(job.report.files.map((file) => file.path)).toEqual(['model.onnx']);

    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).toMatch(/^Staging acme\/tiny-mlp: 1 file\(s\), 2\.0 MiB$/m);
    expect(piped.stderr).toMatch(/^Staging acme\/tiny-mlp: completed after \d+\.\ds$/m);
    expect(piped.stdout).toMatch(/^status\s+completed$/m);
    expect(piped.stdout).toMatch(/^weights\/part-1\.bin\s+2097152\s+[0-9a-f]{64}$/m);
    expect(piped.stdout).not.toMatch(ansiStyle);

    expect(terminal.code, terminal.transcript).toBe(0);
    expect(terminal.transcript).toMatch(/Staging acme\/tiny-mlp \[[#-]+\] 100% \| 2\.0 MiB\/2\.0 MiB/);
    const staged = join(state.root, 'cache', 'staged');
    expect(readFileSync(join(staged, 'tty', 'weights', 'part-1.bin')).equals(Buffer.from(weights))).toBe(true);
    expect(existsSync(join(staged, 'piped', 'model.onnx'))).toBe(false);
    expect(existsSync(join(staged, 'acme--tiny-mlp', 'model.onnx'))).toBe(true);

    expectApiError(missing, 'NOT_FOUND');
  });

  // Real provisioning: the runtime is packed, copied over SSH and started (15-20 s on an idle machine).
  it(
    'provisions a worker on the local provider, stage by stage, then terminates its instance',
    { timeout: 240_000 },
    async () => {
      const created = await suite.cli(
        ['compute', 'workers', 'create', '--offer', state.offerId, '--env', `WORKER_SECRET=${SECRET}`, '--wait'],
        { ...FAST, timeoutMs: 200_000 },
      );
      expect(created.code, created.stderr).toBe(0);
      const stages = [
        'launching',
        'booting',
        'waiting for ssh',
        'installing runtime',
        'starting runtime',
        'registering',
      ];
      const stageLines = created.stderr.split('\n').filter((line) => line.startsWith('['));
      expect(stageLines).toEqual(stages.map((stage, index) => `[${index + 1}/6] ${stage}`));
      expect(created.stderr).toMatch(/^Worker wjob_[a-z0-9]+: completed after \d+\.\ds$/m);
      expect(created.stdout).toMatch(/^status\s+completed$/m);
      expect(created.stdout).toMatch(/^ip\s+127\.0\.0\.1$/m);
      expect(created.stdout + created.stderr).not.toContain(SECRET);
      const jobId = /^job_id\s+(\S+)$/m.exec(created.stdout)![1]!;
      const instance = /^instance_id\s+(local-\S+)$/m.exec(created.stdout)![1]!;
      const peerId = /^peer_id\s+(peer_\S+)$/m.exec(created.stdout)![1]!;

      const [job, peers] = await Promise.all([
        conformJson<Job>('getJob', await suite.cli(['compute', 'workers', 'get', jobId, '--json'])),
        suite.cli(['compute', 'peers', 'list']),
      ]);
      expect(job).toMatchObject({ kind: 'worker', status: 'completed', report: { peer_id: peerId } });
      expect(peers.stdout).toMatch(new RegExp(`^${peerId}\\s+.*healthy.*${instance}`, 'm'));

      const terminated = await suite.cli(['compute', 'workers', 'terminate', instance]);
      expect(terminated).toMatchObject({ code: 0, stdout: `Terminated instance ${instance}.\n` });
      expect(existsSync(join(serverOptions.dataDir, 'instances', instance))).toBe(false);
      expectApiError(await suite.cli(['compute', 'workers', 'terminate', 'local-unknown']), 'NOT_FOUND');
    },
  );

  it(
    'on Ctrl-C leaves the worker provisioning, or terminates it with --cancel-on-interrupt',
    { timeout: 120_000 },
    async () => {
      const interrupt = async (extra: string[]) => {
        const run = suite.start(['compute', 'workers', 'create', '--offer', state.offerId, '--wait', ...extra], FAST);
        await run.waitFor(/\[1\/6\] launching/);
        const [, job, instance] = /Provisioning worker (\S+) on instance (\S+)/.exec(run.stderr)!;
        run.child.kill('SIGINT');
        return { result: await run.done, job: job!, instance: instance! };
      };
      const [cancelled, left] = await Promise.all([interrupt(['--cancel-on-interrupt']), interrupt([])]);
      expect(cancelled.result.code, cancelled.result.stderr).toBe(130);
      expect(cancelled.result.stderr).toContain('Interrupted; cancelled what this command started.');
      expect(left.result.code, left.result.stderr).toBe(130);
      expect(left.result.stderr).toContain(
        `Interrupted; worker job ${left.job} keeps provisioning instance ${left.instance}; follow it: ` +
          `computeplane compute workers get ${left.job} --wait; stop it: computeplane compute workers terminate ${left.instance}`,
      );
      // The job left running is still going (or done); terminating its instance cancels it.
      const terminated = await suite.cli(['compute', 'workers', 'terminate', left.instance, '--json']);
      expect(terminated).toMatchObject({ code: 0, stdout: '' }); // 204: no body, nothing printed
      const reads = await Promise.all(
        [cancelled, left].map(({ job }) => suite.cli(['compute', 'workers', 'get', job, '--json'])),
      );
      for (const [index, { instance }] of [cancelled, left].entries()) {
        const read = await conformJson<Job>('getJob', reads[index]!);
        expect(read.status, JSON.stringify(read)).toBe('cancelled');
        expect(existsSync(join(serverOptions.dataDir, 'instances', instance))).toBe(false);
      }
    },
  );

  it('follows a failing worker stage by stage, on a terminal and a pipe, and exits 1; refuses bad flags', async () => {
    const failing = ['--offer', state.offerId, '--start-script', 'echo preparing; exit 3'];
    const [accepted, ...usage] = await Promise.all([
      suite.cli(['compute', 'workers', 'create', ...failing, '--json']),
      suite.cli(['compute', 'workers', 'create', '--offer', 'nope']),
      suite.cli(['compute', 'workers', 'create', '--offer', state.offerId, '--provider', 'gcp']),
      suite.cli(['compute', 'workers', 'create', '--offer', state.offerId, '--count', '2']),
    ]);
    const worker = await conformJson<{ job_id: string; instance_id: string }>('provisionWorker', accepted);
    expect(worker.instance_id).toMatch(/^local-/);
    expectUsageError(usage[0]!, /--offer "nope" names no provider/);
    expectUsageError(usage[1]!, /--provider must be one of local, vastai, lambda, tensordock, runpod, got "gcp"/);
    expectUsageError(usage[2]!, /--count must be a whole number from 1 to 1/);

    const [terminal, piped] = await Promise.all([
      suite.pty(['compute', 'workers', 'get', worker.job_id, '--wait'], FAST),
      suite.cli(['compute', 'workers', 'get', worker.job_id, '--wait'], FAST),
    ]);
    const failure =
      /computeplane: job wjob_[a-z0-9]+ failed: installing runtime: the start script exited with 3: preparing/;
    expect(terminal.code, terminal.transcript).toBe(1);
    const screen = terminal.transcript.replace(new RegExp(ansiStyle.source, 'g'), '');
    expect(screen).toMatch(/✔ 1\/6 launching\s+\d+\.\ds/);
    expect(screen).toMatch(/✖ 4\/6 installing runtime\s+failed/);
    expect(screen).toMatch(failure);
    expect(terminal.transcript).toMatch(ansiStyle);
    expect(piped.code).toBe(1);
    expect(piped.stderr).toMatch(/^\[4\/6\] installing runtime$/m);
    expect(piped.stdout).toMatch(/^installing_runtime\s+failed\s/m);
    expect(piped.stderr).toMatch(failure);
    const shown = await suite.cli(['compute', 'workers', 'get', worker.job_id]); // no --wait: showing is success
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^status\s+failed$/m);
  });
});
