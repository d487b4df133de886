/**
 * `computeplane offers|sessions|costs` as real processes against a real server with the local provider (a real
 * container with a real SSH endpoint, logged into with the system `ssh`) and Vast.ai served by its fake.
 */
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import { listOffers } from '@computeplane/sdk/offers';
import { getSession, waitForSessionRunning } from '@computeplane/sdk/sessions';
import { createLocalProvider } from '../../packages/server/src/providers/local/local-provider.js';
import { createFakeVastAi } from '../fakes/vastai-api.js';
import { vastAiProviderOver } from '../fakes/providers-over-fakes.js';
import { ansiStyle, cliSuite, conformJson, expectApiError, expectUsageError } from './harness.js';

interface CreatedJson {
  session: { id: string; status: string; provider: string; ssh_host: string | null };
  ssh_private_key: string;
}

describe('computeplane offers, sessions and costs', () => {
  const vast = createFakeVastAi();
  const local = createLocalProvider({
    root: join(tmpdir(), `cp-cli-sessions-${randomBytes(3).toString('hex')}`),
    pricePerHour: 3.6,
  });
  const suite = cliSuite({
    providers: [local, vastAiProviderOver(vast)],
    settings: { sessions: { tickMs: 100, reconcileMs: 60_000, keyGraceMinutes: 15 } },
  });
  afterAll(() => local.close());
  const keyFile = (id: string) => join(suite.home, '.config', 'computeplane', 'keys', id);

  it('lists offers as a table, with the seed filters as flags, and --json as the API answers', async () => {
    const [all, rtx, big, cheap, page, badPrice, badTemplate] = await Promise.all([
      suite.cli(['offers', 'list']),
      suite.cli(['offers', 'list', '--gpu-type', 'rtx 4090', '--json']),
      suite.cli(['offers', 'list', '--min-vram', '80', '--min-gpu-count', '2', '--min-cuda', '13', '--json']),
      suite.cli(['offers', 'list', '--provider', 'vastai', '--max-price', '1', '--min-reliability', '0.9']),
      suite.cli(['offers', 'list', '--limit', '1']),
      suite.cli(['offers', 'list', '--max-price', 'cheap']),
      suite.cli(['offers', 'list', '--template', 'nosuchtemplate']),
    ]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.split('\n')[0]).toMatch(
      /^ID\s+PROVIDER\s+GPU\s+COUNT\s+VRAM\s+USD\/H\s+LOCATION\s+RELIABILITY\s+CUDA$/,
    );
    expect(all.stdout).toMatch(/^vastai-1001\s+vastai\s+RTX 4090\s+1\s+24 GB\s+0\.450\s+US-West\s+0\.98\s+12\.8$/m);
    expect(all.stdout).toMatch(/^local-\S+\s+local\s/m);
    const rtxPage = await conformJson<{ offers: { id: string }[] }>('listOffers', rtx);
    expect(rtxPage.offers.map((offer) => offer.id)).toEqual(['vastai-1001']);
    const bigPage = await conformJson<{ offers: { id: string }[] }>('listOffers', big);
    expect(bigPage.offers.map((offer) => offer.id)).toEqual(['vastai-1002']);
    expect(cheap.stdout).toContain('vastai-1001');
    expect(cheap.stdout).not.toContain('vastai-1002');
    expect(cheap.stdout).not.toMatch(/^local-/m);
    expect(page.stdout.trim().split('\n')).toHaveLength(2);
    expect(page.stderr).toMatch(/Showing 1-1 of \d+; next page: --offset 1/);

    expectUsageError(badPrice, /--max-price must be a number/);
    expectApiError(badTemplate, 'NOT_FOUND');
  });

  it('creates a Vast.ai session (key saved 0600), lists, shows, extends and destroys it; costs', async () => {
    const created = await conformJson<CreatedJson>(
      'createSession',
      await suite.cli([
        'sessions',
        'create',
        '--offer',
        'vastai-1001',
        '--consumer',
        'cli-vast',
        '--hours',
        '2',
        '--json',
      ]),
    );
    const id = created.session.id;
    expect(created.session).toMatchObject({ provider: 'vastai', status: 'provisioning' });
    expect(await readFile(keyFile(id), 'utf8')).toBe(`${created.ssh_private_key.trimEnd()}\n`);
    expect((await stat(keyFile(id))).mode & 0o777).toBe(0o600);

    const [table, listed, shown, shownJson, extended, tooLong, noHours] = await Promise.all([
      suite.cli(['sessions', 'list', '--consumer', 'cli-vast']),
      suite.cli(['sessions', 'list', '--provider', 'vastai', '--json']),
      suite.cli(['sessions', 'get', id]),
      suite.cli(['sessions', 'get', id, '--json']),
      suite.cli(['sessions', 'extend', id, '--hours', '3', '--json']),
      suite.cli(['sessions', 'extend', id, '--hours', '11']), // 2 + 11 > the 12-hour maximum
      suite.cli(['sessions', 'extend', id]),
    ]);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+STATUS\s+PROVIDER\s+GPU\s+CONSUMER\s+COST\s+EXPIRES$/);
    expect(table.stdout).toMatch(new RegExp(`^${id}\\s+provisioning\\s+vastai\\s+1x RTX 4090\\s+cli-vast\\s`, 'm'));
    const list = await conformJson<{ sessions: { id: string }[] }>('listSessions', listed);
    expect(list.sessions.map((session) => session.id)).toContain(id);
    expect(shown.stdout).toMatch(/^status\s+provisioning$/m);
    expect(shown.stdout).toMatch(/^gpu\s+1x RTX 4090$/m);
    expect((await conformJson<{ id: string }>('getSession', shownJson)).id).toBe(id);
    const extension = await conformJson<{ new_expires_at: string }>('extendSession', extended);
    const session = await unwrap(getSession(suite.server.clientA, { params: { path: { id } } }));
    expect(session.expires_at).toBe(extension.new_expires_at);
    expectApiError(tooLong, 'VALIDATION_ERROR');
    expectUsageError(noHours, /required option '--hours <n>' not specified/);

    const [destroyed, missing, badDate] = await Promise.all([
      suite.cli(['sessions', 'destroy', id]),
      suite.cli(['sessions', 'get', 'sess-doesnotexist']),
      suite.cli(['costs', '--from', 'yesterday']),
    ]);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(destroyed.stdout).toMatch(new RegExp(`^Session destroyed: ${id}\\.$`, 'm'));
    expect(vast.instances.size).toBe(0);
    expectApiError(missing, 'NOT_FOUND');
    expectUsageError(badDate, /--from takes a date as YYYY-MM-DD/);

    const [cost, summary, daily, month] = await Promise.all([
      suite.cli(['costs', '--session', id, '--json']),
      suite.cli(['costs', '--consumer', 'cli-vast']),
      suite.cli(['costs', '--from', '2020-01-01', '--to', '2999-12-31', '--period', 'daily', '--json']),
      suite.cli(['costs', '--month', '--json']),
    ]);
    expect(await conformJson('getCosts', cost)).toMatchObject({ session_id: id, currency: 'USD' });
    expect(summary.stdout).toMatch(/^consumer\s+cli-vast$/m);
    expect(summary.stdout).toMatch(/^sessions\s+1$/m);
    expect(await conformJson('getCosts', daily)).toHaveProperty('periods');
    await conformJson('getCostSummary', month);
  });

  it('waits for a local session under a terminal, then logs in with the system ssh and the saved key', async () => {
    const offers = await unwrap(listOffers(suite.server.clientA, { params: { query: { provider: 'local' } } }));
    const offerId = offers.offers[0]!.id;
    const run = await suite.pty([
      'sessions',
      'create',
      '--offer',
      offerId,
      '--consumer',
      'cli-local',
      '--on-start',
      'echo up > state.txt',
      '--wait',
    ]);
    expect(run.code, run.transcript).toBe(0);
    const id = /Waiting for (sess-[a-z0-9]+)/.exec(run.transcript)![1]!;
    expect(run.transcript).toMatch(new RegExp(`[|/\\\\-] Waiting for ${id} to be running \\(\\d+s\\)`));
    expect(run.transcript).toMatch(/to be running: done in \d+\.\ds/);
    expect(run.transcript.replace(new RegExp(ansiStyle.source, 'g'), '')).toMatch(/^status\s+running\r?$/m);
    expect(run.transcript).toMatch(ansiStyle);

    // The temporary key file lives under TMPDIR while ssh runs, and is gone after it.
    const tmp = join(suite.home, 'ssh-tmp');
    await mkdir(tmp);
    const env = { env: { TMPDIR: tmp } };
    const [hello, failing, printed, noKey, diagnosed] = await Promise.all([
      suite.cli(['sessions', 'ssh', id, '--', 'cat', 'state.txt', '&&', 'echo', '$SESSION_ID'], env),
      suite.cli(['sessions', 'ssh', id, '--', 'exit 7'], env),
      suite.cli(['sessions', 'ssh', id, '--print', '--', 'uname']),
      suite.cli(['sessions', 'ssh', id, '--identity', join(suite.home, 'nope')]),
      suite.cli(['sessions', 'diagnostics', id, '--json']),
    ]);
    expect(hello.code, hello.stderr).toBe(0);
    expect(hello.stdout).toBe(`up\n${id}\n`);
    expect(failing.code).toBe(7);
    expect(await readdir(tmp)).toEqual([]);

    expect(printed.code, printed.stderr).toBe(0);
    const command = printed.stdout.trim();
    expect(command).toMatch(/^ssh -i \S+ -p \d+ .* root@127\.0\.0\.1 uname$/);
    const tempKey = /-i (\S+)/.exec(command)![1]!;
    expect((await stat(tempKey)).mode & 0o777).toBe(0o600);
    expect(await readFile(tempKey, 'utf8')).toBe(await readFile(keyFile(id), 'utf8'));
    expect(printed.stderr).toContain(`The key file ${tempKey} stays until you remove it.`);
    await rm(dirname(tempKey), { recursive: true });

    expectUsageError(noKey, /--identity: cannot read .*nope \(ENOENT\)/);
    const diagnostics = await conformJson<{ ssh_available: boolean }>('getSessionDiagnostics', diagnosed);
    expect(diagnostics.ssh_available).toBe(true);
    const done = await conformJson('markSessionDone', await suite.cli(['sessions', 'done', id, '--json']));
    expect(done).toMatchObject({ session_id: id });
    const after = await suite.cli(['sessions', 'ssh', id]);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(
      new RegExp(`computeplane: session ${id} is (stopping|stopped): SSH is not available\n$`),
    );
  });

  it('on Ctrl-C while waiting: exits 130; destroys the session only with --cancel-on-interrupt', async () => {
    const interrupt = async (consumer: string, extra: string[]) => {
      const running = suite.start([
        'sessions',
        'create',
        '--offer',
        'vastai-1002',
        '--consumer',
        consumer,
        '--wait',
        ...extra,
      ]);
      // The note comes once the 201 is in and the cancel is registered.
      await running.waitFor(/Waiting for sess-[a-z0-9]+ to be running\.\.\./);
      const id = /Waiting for (sess-[a-z0-9]+)/.exec(running.stderr)![1]!;
      running.child.kill('SIGINT');
      const result = await running.done;
      expect(result.code, result.stderr).toBe(130);
      return { id, result };
    };
    const [kept, cancelled] = await Promise.all([
      interrupt('cli-ctrl-c-keep', []),
      interrupt('cli-ctrl-c-cancel', ['--cancel-on-interrupt']),
    ]);
    expect(kept.result.stderr).toContain(
      `Interrupted; session ${kept.id} keeps starting (and billing); end it with: computeplane sessions destroy ${kept.id}`,
    );
    expect(cancelled.result.stderr).toContain('Interrupted; cancelled what this command started.');
    const status = async (id: string) =>
      (await unwrap(getSession(suite.server.clientA, { params: { path: { id } } }))).status;
    expect(await status(kept.id)).toBe('provisioning');
    expect(['stopping', 'stopped']).toContain(await status(cancelled.id));
    expect(await suite.cli(['sessions', 'destroy', kept.id])).toMatchObject({ code: 0 });
    await expect(
      waitForSessionRunning(suite.server.clientA, cancelled.id, { intervalMs: 50, timeoutMs: 5_000 }),
    ).rejects.toThrow(/is stopped/);
  });
});
