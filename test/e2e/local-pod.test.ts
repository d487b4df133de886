/**
 * A pod on the local provider through the built server (`npm start`), over real sockets: create it, wait
 * for it to run, log in over SSH with the one-time key and write to the volume, stop, start, the file is
 * still there; the server is stopped (SIGTERM stops the pod, its compute time ends) and started again on
 * the same DATA_DIR, the pod starts on its volume with the file there; terminate, and the cost is reported.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient, unwrap, type Computeplane } from '@computeplane/sdk';
import {
  createLab,
  createPod,
  getPod,
  getPodCosts,
  getPodSsh,
  startPod,
  stopPod,
  terminatePod,
  waitForPod,
} from '@computeplane/sdk/pods';
import { startServerProcess, type ServerProcess } from '@computeplane/test-support/server-process';
import { sshExec } from '@computeplane/test-support/ssh-exec';

const ENV = { SESSION_TICK_MS: '100', PODS_TICK_MS: '100', LOCAL_PRICE_PER_HOUR: '3.6' };
const wait = { intervalMs: 100, timeoutMs: 30_000 };

describe('a local pod through the built server', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop('SIGTERM');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function boot(): Promise<Computeplane> {
    server = await startServerProcess({ DATA_DIR: dataDir, ...ENV });
    return createClient({ baseUrl: server.baseUrl, apiKey: 'test-api-key', maxRetries: 0 });
  }
  async function ssh(client: Computeplane, podId: string, key: string, command: string) {
    const { data } = await unwrap(getPodSsh(client, { params: { path: { id: podId } } }));
    return sshExec(data.host, data.port, data.user, key, command);
  }

  it('keeps its volume across stop, start and a server restart, and reports its cost', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cp-e2e-pod-'));
    let client = await boot();
    const lab = (await unwrap(createLab(client, { body: { name: 'E2E', slug: 'e2e' } }))).data;
    const created = await unwrap(createPod(client, { body: { labId: lab.id, gpuType: 'CPU', maxHours: 2 } }));
    const id = created.data.id;
    const key = created.sshPrivateKey;
    const path = { params: { path: { id } } };

    const running = await waitForPod(client, id, 'running', wait);
    expect(running.volumePath).toBe('/workspace');
    expect(await ssh(client, id, key, 'echo "result 42" > /workspace/out.txt && pwd')).toBe('/workspace\n');

    expect((await unwrap(stopPod(client, path))).data.status).toBe('stopped');
    await unwrap(startPod(client, path));
    await waitForPod(client, id, 'running', wait);
    expect(await ssh(client, id, key, 'cat /workspace/out.txt')).toBe('result 42\n');

    await server!.stop('SIGTERM');
    client = await boot();
    const afterRestart = (await unwrap(getPod(client, path))).data;
    expect(afterRestart).toMatchObject({ status: 'stopped', stopReason: 'server_shutdown', ssh: null });
    await unwrap(startPod(client, path));
    await waitForPod(client, id, 'running', wait);
    expect(await ssh(client, id, key, 'cat out.txt')).toBe('result 42\n');

    const terminated = (await unwrap(terminatePod(client, path))).data;
    expect(terminated.status).toBe('terminated');
    expect(terminated.costs.compute).toBeGreaterThan(0);
    expect(terminated.runningHours).toBeGreaterThan(0);
    const costs = (await unwrap(getPodCosts(client, { params: { query: { labId: lab.id } } }))).data;
    expect(costs.pods).toEqual([
      expect.objectContaining({ podId: id, computeCost: terminated.costs.compute, storageCost: 0 }),
    ]);
    expect(costs.totals.computeCost).toBe(terminated.costs.compute);
  }, 120_000);
});
