/**
 * A GPU session end to end on the built server (`npm start`) with the local provider: rent this
 * machine, wait for SSH verification, log in with the one-time key and run a command, end the session
 * and check its cost; then what a restart does to sessions (SIGTERM ends them cleanly; after SIGKILL
 * the restarted server finds their instances gone).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, unwrap, type Computeplane } from '@computeplane/sdk';
import { getBrokerHealth } from '@computeplane/sdk/health';
import { getCosts, getSession, markSessionDone } from '@computeplane/sdk/sessions';
import { startServerProcess, type ServerProcess } from '@computeplane/test-support/server-process';
import { sshExec } from '@computeplane/test-support/ssh-exec';
import { startLocalSession } from '@computeplane/test-support/local-session';

const PRICE = 3.6; // USD per hour: 0.001 per second

async function ready(baseUrl: string): Promise<Computeplane> {
  const client = createClient({ baseUrl, apiKey: 'test-api-key', maxRetries: 0 });
  for (let i = 0; i < 200; i++) {
    if ((await getBrokerHealth(client)).response?.status === 200) return client;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the broker did not become healthy');
}

describe('GPU session on the local provider, built server', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  const env = () => ({ DATA_DIR: dataDir, LOCAL_PRICE_PER_HOUR: String(PRICE), SESSION_TICK_MS: '100' });
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cp-e2e-sessions-'));
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  const runningSession = (client: Computeplane, consumer: string) =>
    startLocalSession(client, consumer, 'echo up > state.txt');

  it('rents this machine, runs a command over SSH with the returned key, and bills the seconds used', async () => {
    server = await startServerProcess(env());
    const client = await ready(server.baseUrl);
    const { session, key } = await runningSession(client, 'e2e');
    expect(
      await sshExec(
        session.ssh_host!,
        session.ssh_port!,
        session.ssh_user!,
        key,
        'cat state.txt && echo "$SESSION_ID" && pwd',
      ),
    ).toBe(`up\n${session.id}\n/workspace\n`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await unwrap(markSessionDone(client, { params: { path: { id: session.id } } }));
    let ended = await unwrap(getSession(client, { params: { path: { id: session.id } } }));
    for (let i = 0; i < 100 && ended.status !== 'stopped'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      ended = await unwrap(getSession(client, { params: { path: { id: session.id } } }));
    }
    expect(ended).toMatchObject({ status: 'stopped', stop_reason: 'done' });
    const seconds = (Date.parse(ended.stopped_at!) - Date.parse(ended.created_at)) / 1000;
    expect(seconds).toBeGreaterThan(1);
    // Billing runs from the provider's creation of the instance, a few milliseconds after created_at.
    expect(ended.cost).toBeLessThanOrEqual((PRICE * seconds) / 3600 + 1e-4);
    expect(ended.cost).toBeGreaterThan((PRICE * (seconds - 0.5)) / 3600);
    expect(await unwrap(getCosts(client, { params: { query: { session_id: session.id } } }))).toMatchObject({
      total_cost: ended.cost,
      currency: 'USD',
    });
    await expect(sshExec(session.ssh_host!, session.ssh_port!, session.ssh_user!, key, 'true')).rejects.toThrow();
  });

  it('ends local sessions on SIGTERM, and after SIGKILL the restarted server marks them failed', async () => {
    let client = await ready(server!.baseUrl);
    const graceful = (await runningSession(client, 'sigterm')).session;
    expect(await server!.stop('SIGTERM')).toBe(0);
    server = await startServerProcess(env());
    client = await ready(server.baseUrl);
    expect(await unwrap(getSession(client, { params: { path: { id: graceful.id } } }))).toMatchObject({
      status: 'stopped',
      stop_reason: 'server_shutdown',
    });

    const killed = (await runningSession(client, 'sigkill')).session;
    await server.stop('SIGKILL');
    server = await startServerProcess(env());
    client = await ready(server.baseUrl);
    expect(await unwrap(getSession(client, { params: { path: { id: killed.id } } }))).toMatchObject({
      status: 'failed',
      failure_reason: 'the instance no longer exists at the provider',
    });
    expect(await readdir(join(dataDir, 'instances')).catch(() => [])).not.toContain(killed.provider_instance_id);
    // Its container went with it: the restarted server swept what the killed one left in runc's state.
    const containers = execFileSync('runc', ['--root', join(dataDir, 'containers', 'runc'), 'list', '-q'], {
      encoding: 'utf8',
    });
    expect(containers.split('\n').filter(Boolean)).not.toContain(killed.provider_instance_id);
  });
});
