/**
 * Instances on the runc driver, end to end, with the seed's own wire format: plain HTTP exactly as the
 * seed's curl examples (create → wait Running → logs → stop → start → delete); exit codes and messages of
 * exit 3, a missing command and a SIGKILL by the OOM killer; logs followed as they are written; pause
 * freezing the workload; and a server restart that re-attaches to running containers and marks honestly
 * the ones that vanished.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDrivers, type TestDatabase } from '@computeplane/test-support/databases';
import { BUSYBOX, instancesAvailable, instancesDataDir } from '@computeplane/test-support/instances';
import { startTestServer, type TestServer } from '@computeplane/test-support/test-server';

const data = instancesAvailable ? instancesDataDir() : { dir: '/nonexistent', remove: () => undefined };

describe.skipIf(!instancesAvailable)('instances on runc', () => {
  let db: TestDatabase;
  let server: TestServer;
  const http = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${server.keyA}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    const json = response.headers.get('content-type')?.includes('json')
      ? (JSON.parse(text) as Record<string, unknown>)
      : undefined;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of plain HTTP, checked field by field below
    return { status: response.status, headers: response.headers, json: json as any, text };
  };
  const waitFor = (id: string, state: string, timeout = '30s') =>
    http('GET', `/instances/${id}/wait?state=${state}&timeout=${timeout}`);
  const create = async (name: string, extra: Record<string, unknown>) => {
    const answer = await http('POST', '/instances', { image: BUSYBOX, name, ...extra });
    expect(answer.status, answer.text).toBe(201);
    return answer.json as { id: string; state: string };
  };

  beforeAll(async () => {
    db = await testDrivers[0]!.create();
    server = await startTestServer(db.database, { dataDir: data.dir });
    await server.app.instancesReady();
    expect((await http('POST', '/images', { name: BUSYBOX })).status).toBe(202);
    for (
      let i = 0;
      i < 200 && (await http('GET', `/images/${encodeURIComponent(BUSYBOX)}`)).json.status !== 'ready';
      i++
    )
      await new Promise((resolve) => setTimeout(resolve, 100));
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await db?.dispose();
    data.remove();
  });

  it('follows the seed’s curl flow: create, wait Running, logs, stop, start, delete', async () => {
    const created = await http('POST', '/instances', {
      image: BUSYBOX,
      name: 'my-workload-1',
      entrypoint: ['/bin/sh', '-c'],
      cmd: ['trap "exit 0" TERM; echo hello; while true; do sleep 1; done'],
      env: { PORT: '3000', NODE_ENV: 'production' },
      tags: { team: 'backend', env: 'staging' },
      vcpus: 1,
      size: '64MB',
      skip_kernel_headers: true,
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      name: 'my-workload-1',
      image: BUSYBOX,
      env: { PORT: '3000', NODE_ENV: 'production' },
    });
    const id = created.json.id as string;
    expect((await waitFor(id, 'Running', '60s')).json).toEqual({ state: 'Running', timed_out: false });
    const logs = await http('GET', `/instances/${id}/logs?source=app&tail=100`);
    expect(logs.headers.get('content-type')).toContain('text/event-stream');
    expect(logs.text).toBe('data: "hello"\n\n');
    const listed = await http('GET', '/instances?tags[team]=backend');
    expect(Array.isArray(listed.json)).toBe(true);
    expect(listed.json.map((i: { id: string }) => i.id)).toEqual([id]);
    expect((await http('GET', '/instances?tags[team]=frontend')).json).toEqual([]);
    expect((await http('POST', `/instances/${id}/stop`)).json.state).toBe('Stopped');
    const again = await http('POST', `/instances/${id}/stop`);
    expect(again.status).toBe(409);
    expect(again.json).toEqual({
      code: 'invalid_state',
      message: expect.stringContaining('is Stopped'),
      request_id: expect.any(String),
    });
    expect(again.headers.get('x-should-retry')).toBe('false');
    expect((await http('POST', `/instances/${id}/start`)).json.state).toBe('Running');
    expect((await http('DELETE', `/instances/${id}`)).status).toBe(204);
    expect((await http('GET', `/instances/${id}`)).json).toMatchObject({ code: 'not_found' });
  }, 60_000);

  it('records exit 3, a missing command, and an OOM kill with their codes and messages', async () => {
    const three = await create('exit-three', { cmd: ['sh', '-c', 'exit 3'] });
    const missing = await create('missing', { cmd: ['definitely-not-here'] });
    const oom = await create('oom', {
      size: '16MB',
      cmd: ['sh', '-c', 'x=aaaaaaaaaaaaaaaa; while true; do x=$x$x; done'],
    });
    for (const instance of [three, missing, oom])
      expect((await waitFor(instance.id, 'Shutdown')).json.state).toBe('Shutdown');
    const exitOf = async (id: string) => {
      const { exit_code, exit_message } = (await http('GET', `/instances/${id}`)).json;
      return { exit_code, exit_message };
    };
    expect(await exitOf(three.id)).toEqual({ exit_code: 3, exit_message: 'exited with code 3' });
    expect(await exitOf(missing.id)).toEqual({ exit_code: 127, exit_message: 'command not found' });
    expect(await exitOf(oom.id)).toEqual({ exit_code: 137, exit_message: 'killed by signal 9 (SIGKILL) - OOM' });
    const vmm = await http('GET', `/instances/${missing.id}/logs?source=vmm`);
    expect(vmm.text).toContain('executable file not found');
    for (const instance of [three, missing, oom]) await http('DELETE', `/instances/${instance.id}`);
  }, 60_000);

  it('streams logs as they are written, and pause freezes the workload until resume', async () => {
    const ticker = await create('ticker', {
      cmd: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.2; done'],
    });
    const stream = await fetch(`${server.baseUrl}/instances/${ticker.id}/logs?tail=0&follow=true`, {
      headers: { Authorization: `Bearer ${server.keyA}` },
    });
    const reader = stream.body!.getReader();
    let text = '';
    while ((text.match(/data:/g) ?? []).length < 3) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toMatch(/^data: "tick \d+"\n\n/);

    const lines = async () => (await http('GET', `/instances/${ticker.id}/logs?tail=10000`)).text.split('\n\n').length;
    expect((await http('POST', `/instances/${ticker.id}/pause`)).json.state).toBe('Paused');
    const frozen = await lines();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await lines()).toBe(frozen);
    expect((await http('POST', `/instances/${ticker.id}/resume`)).json.state).toBe('Running');
    let after = frozen;
    for (let i = 0; i < 50 && after === frozen; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await lines();
    }
    expect(after).toBeGreaterThan(frozen);
    await http('DELETE', `/instances/${ticker.id}`);
  }, 60_000);

  it('re-attaches to running containers after a restart and marks the vanished ones Unknown', async () => {
    const survivor = await create('survivor', {
      cmd: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'],
    });
    const paused = await create('frozen', { cmd: ['sh', '-c', 'while true; do sleep 1; done'] });
    const vanished = await create('vanished', { cmd: ['sh', '-c', 'while true; do sleep 1; done'] });
    const ender = await create('ender', { cmd: ['sh', '-c', 'read x < /dev/null; sleep 1; exit 5'] });
    await http('POST', `/instances/${paused.id}/pause`);
    await server.close();
    // While the server is down: one container vanishes without a trace (as after a host reboot: removed, and
    // no exit recorded), one ends by itself.
    execFileSync('runc', ['--root', `${data.dir}/instances/state/runc`, 'delete', '--force', `cpi-${vanished.id}`]);
    const exitFile = join(data.dir, 'instances', 'runs', vanished.id, 'exit-status');
    for (let i = 0; i < 100 && !existsSync(exitFile); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    rmSync(exitFile);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    server = await startTestServer(db.database, {
      dataDir: data.dir,
      tenants: { a: server.tenantA, b: server.tenantB },
    });
    await server.app.instancesReady();
    const stateOf = async (id: string) => (await http('GET', `/instances/${id}`)).json;
    expect((await stateOf(survivor.id)).state).toBe('Running');
    expect((await stateOf(paused.id)).state).toBe('Paused');
    expect(await stateOf(vanished.id)).toMatchObject({
      state: 'Unknown',
      state_error: expect.stringContaining('container was gone'),
    });
    expect(await stateOf(ender.id)).toMatchObject({ state: 'Shutdown', exit_code: 5 });
    // Unknown can only be deleted; the survivor is still watched: its stop is recorded.
    expect((await http('POST', `/instances/${vanished.id}/start`)).status).toBe(409);
    expect((await http('POST', `/instances/${survivor.id}/stop`)).json).toMatchObject({
      state: 'Stopped',
      exit_code: 0,
    });
    for (const instance of [survivor, paused, vanished, ender])
      expect((await http('DELETE', `/instances/${instance.id}`)).status).toBe(204);
  }, 90_000);
});
