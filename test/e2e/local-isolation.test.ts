/**
 * A local instance is a container, not the host: through real sessions on the built server (`npm start`),
 * logged in over SSH with the session's key, real attempts from inside reach neither DATA_DIR (the PGlite
 * files, `internal_token`), nor another instance's directory, nor the host's processes, nor the server's
 * port on 127.0.0.1; while the session's own files, variables and tools work.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Computeplane } from '@computeplane/sdk';
import { getBrokerHealth } from '@computeplane/sdk/health';
import { startServerProcess, type ServerProcess } from '@computeplane/test-support/server-process';
import { sshExec } from '@computeplane/test-support/ssh-exec';
import { startLocalSession } from '@computeplane/test-support/local-session';

describe('a local instance, seen from inside', () => {
  let dataDir: string;
  let server: ServerProcess;
  let client: Computeplane;
  const sessions: { id: string; instance: string; run: (command: string) => Promise<string> }[] = [];

  async function start(consumer: string) {
    const { session, key } = await startLocalSession(client, consumer, `echo ${consumer} > mine.txt`);
    const run = (command: string) =>
      sshExec(session.ssh_host!, session.ssh_port!, session.ssh_user!, key, `{ ${command}; } 2>&1`);
    return { id: session.id, instance: session.provider_instance_id!, run };
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cp-e2e-isolation-'));
    server = await startServerProcess({ DATA_DIR: dataDir, SESSION_TICK_MS: '100' });
    client = createClient({ baseUrl: server.baseUrl, apiKey: 'test-api-key', maxRetries: 0 });
    for (let i = 0; i < 200 && (await getBrokerHealth(client)).response?.status !== 200; i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    sessions.push(await start('tenant-work-a'), await start('tenant-work-b'));
  }, 60_000);
  afterAll(async () => {
    await server?.stop('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('cannot read DATA_DIR: neither the PGlite files nor internal_token', async () => {
    const [a] = sessions;
    // They are there on the host.
    expect((await readFile(join(dataDir, 'internal_token'), 'utf8')).length).toBeGreaterThan(0);
    const out = await a!.run(`cat ${join(dataDir, 'internal_token')}; ls ${join(dataDir, 'pglite')}`);
    expect(out).toMatch(/internal_token: No such file or directory/);
    expect(out).toMatch(/pglite'?: No such file or directory/);
    // Its root shows system directories and its own, nothing of the host's others; /tmp is its own.
    expect(await a!.run('ls -A /tmp; ls /')).not.toMatch(/\b(work|home|var|opt|srv|mnt|cp-e2e-isolation-\w+)\b/);
    expect(await a!.run('ls -A /tmp')).toBe('');
  });

  it('cannot see or write another instance’s directory', async () => {
    const [a, b] = sessions;
    const other = join(dataDir, 'instances', b!.instance);
    const out = await a!.run(`cat ${other}/mine.txt; touch ${other}/planted; ls /workspace; echo done`);
    expect(out).toMatch(/mine.txt'?: No such file or directory/);
    expect(out).toMatch(/planted'?: No such file or directory/);
    expect(out).toContain('mine.txt\ndone');
    expect(await readFile(join(other, 'mine.txt'), 'utf8')).toBe('tenant-work-b\n');
    await expect(readFile(join(other, 'planted'))).rejects.toThrow(/ENOENT/);
  });

  it('sees only its own processes, never the host’s', async () => {
    const [a] = sessions;
    const out = await a!.run(
      `ls /proc | grep -cE '^[0-9]+$'; cat /proc/${server.child.pid}/cmdline; cat /proc/1/cmdline`,
    );
    const [count, ...rest] = out.split('\n');
    expect(Number(count)).toBeLessThan(10);
    expect(rest.join('\n')).toMatch(/No such file or directory/);
    expect(rest.join('\n')).not.toContain('main.js');
  });

  it('cannot reach the server’s port on 127.0.0.1', async () => {
    const [a] = sessions;
    const port = new URL(server.baseUrl).port;
    // The server answers on the host.
    expect((await fetch(`${server.baseUrl}/api/v1/health`)).status).toBe(200);
    const probe = `require("net").connect(${port}, "127.0.0.1").on("connect", () => { console.log("reached"); process.exit(0) }).on("error", (e) => console.log(e.code))`;
    expect(await a!.run(`node -e '${probe}'`)).toBe('ECONNREFUSED\n');
  });

  it('has its own files, its variables and its tools', async () => {
    const [a] = sessions;
    const out = await a!.run('cat mine.txt; echo "$SESSION_ID"; node -e "console.log(6 * 7)"; sh -c "echo sh ok"; pwd');
    expect(out).toBe(`tenant-work-a\n${a!.id}\n42\nsh ok\n/workspace\n`);
  });
});
