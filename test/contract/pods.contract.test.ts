/**
 * Contract: labs and pods through the SDK, on the local provider (a pod is a real container with a real
 * SSH endpoint and a volume directory that survives stop/start) and RunPod served by a fake of its API.
 * Every response is validated against openapi/pods.yaml; every operation is called; tenants are isolated.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unwrap } from '@computeplane/sdk';
import {
  createLab,
  createPod,
  getLab,
  getLabCosts,
  getLabSettings,
  getPod,
  getPodCosts,
  getPodSsh,
  listLabEvents,
  listLabs,
  listPods,
  restartPod,
  startPod,
  stopPod,
  terminatePod,
  updateLabSettings,
  waitForPod,
} from '@computeplane/sdk/pods';
import { testDrivers } from '@computeplane/test-support/databases';
import { sshExec } from '@computeplane/test-support/ssh-exec';
import { createLocalProvider } from '../../packages/server/src/providers/local/local-provider.js';
import { generateEd25519KeyPair } from '../../packages/server/src/providers/ssh-key-pair.js';
import { createFakeRunPod } from '../fakes/runpod-api.js';
import { runPodProviderOver } from '../fakes/providers-over-fakes.js';
import { conform, conformError, coveredOperations, serverFor } from './harness.js';

const POD_OPERATIONS = [
  'createLab',
  'listLabs',
  'getLab',
  'getLabSettings',
  'updateLabSettings',
  'getLabCosts',
  'listLabEvents',
  'createPod',
  'listPods',
  'getPod',
  'getPodSsh',
  'startPod',
  'stopPod',
  'restartPod',
  'terminatePod',
  'getPodCosts',
];
const wait = { intervalMs: 50, timeoutMs: 30_000 };

describe.each(testDrivers)('pods contract on $name', (driver) => {
  const runpod = createFakeRunPod();
  const local = createLocalProvider({
    root: join(tmpdir(), `computeplane-pods-${driver.name}-${randomBytes(3).toString('hex')}`),
    pricePerHour: 0.9,
  });
  const suite = serverFor(driver, {
    providers: [local, runPodProviderOver(runpod)],
    settings: { pods: { tickMs: 100 } },
  });
  afterAll(() => local.close());
  const path = (id: string) => ({ params: { path: { id } } });
  const slugPath = (slug: string) => ({ params: { path: { slug } } });
  let labId = '';
  const slug = `lab-${driver.name.toLowerCase().replace(/[^a-z0-9]/g, '')}`;

  it('creates, lists, reads and configures labs, each tenant seeing only its own', async () => {
    const { data: created, response } = await conform(
      'createLab',
      createLab(suite.server.clientA, { body: { name: 'Dark Energy', slug } }),
    );
    expect(response!.status).toBe(201);
    labId = created!.data.id;
    expect(created!.data.settings).toEqual({
      idleAlertMinutes: 30,
      idleStopMinutes: 360,
      autoScheduleEnabled: false,
      monthlyBudget: null,
      budgetAction: 'stop',
      sshPublicKeys: [],
    });
    await conformError(
      'createLab',
      createLab(suite.server.clientA, { body: { name: 'again', slug } }),
      409,
      'CONFLICT',
    );
    await conformError(
      'createLab',
      createLab(suite.server.clientA, { body: { name: 'x', slug: 'Bad Slug' } }),
      400,
      'VALIDATION_ERROR',
    );
    const { data: list } = await conform('listLabs', listLabs(suite.server.clientA));
    expect(list!.data.map((lab) => lab.slug)).toEqual([slug]);
    expect((await conform('listLabs', listLabs(suite.server.clientB))).data!.total).toBe(0);
    expect((await conform('getLab', getLab(suite.server.clientA, slugPath(slug)))).data!.data.id).toBe(labId);
    await conformError('getLab', getLab(suite.server.clientB, slugPath(slug)), 404, 'NOT_FOUND');

    const { data: patched } = await conform(
      'updateLabSettings',
      updateLabSettings(suite.server.clientA, {
        ...slugPath(slug),
        body: { idleAlertMinutes: 15, autoScheduleEnabled: true },
      }),
    );
    expect(patched!.data).toMatchObject({ idleAlertMinutes: 15, autoScheduleEnabled: true, idleStopMinutes: 360 });
    const error = await conformError(
      'updateLabSettings',
      updateLabSettings(suite.server.clientA, { ...slugPath(slug), body: { idleAlertMinutes: 400 } }),
      400,
      'VALIDATION_ERROR',
    );
    expect(error.message).toMatch(/idleAlertMinutes: must be below idleStopMinutes/);
    await conformError(
      'updateLabSettings',
      updateLabSettings(suite.server.clientA, { ...slugPath(slug), body: { sshPublicKeys: ['not a key'] } }),
      400,
      'VALIDATION_ERROR',
    );
    await conformError(
      'updateLabSettings',
      updateLabSettings(suite.server.clientA, { ...slugPath(slug), body: {} }),
      400,
      'VALIDATION_ERROR',
    );
    const { data: settings } = await conform('getLabSettings', getLabSettings(suite.server.clientA, slugPath(slug)));
    expect(settings!.data.idleAlertMinutes).toBe(15);
  });

  it('runs a local pod: SSH with the one-time key and the lab key, volume kept across stop/start and restart, terminate, costs', async () => {
    const labKey = generateEd25519KeyPair('lab-member');
    await unwrap(
      updateLabSettings(suite.server.clientA, { ...slugPath(slug), body: { sshPublicKeys: [labKey.publicKey] } }),
    );
    const body = { labId, gpuType: 'CPU', env: { EXPERIMENT_ID: 'EXP-054' } };
    const first = await conform(
      'createPod',
      createPod(suite.server.clientA, { body }, { idempotencyKey: `pod-${slug}` }),
    );
    expect(first.response!.status).toBe(201);
    const pod = first.data!.data;
    expect(first.response!.headers.get('location')).toBe(`/api/v1/pods/${pod.id}`);
    expect(pod).toMatchObject({
      status: 'creating',
      provider: 'local',
      volumeSize: 50,
      volumePath: '/workspace',
      envKeys: ['EXPERIMENT_ID'],
    });
    expect(JSON.stringify(pod)).not.toContain('EXP-054');
    // The one-time key is replayed for the same Idempotency-Key, and only then.
    const replay = await createPod(suite.server.clientA, { body }, { idempotencyKey: `pod-${slug}` });
    expect(replay.data!.sshPrivateKey).toBe(first.data!.sshPrivateKey);
    expect(replay.data!.data.id).toBe(pod.id);

    const running = await waitForPod(suite.server.clientA, pod.id, 'running', wait);
    expect(running.ssh).toMatchObject({ host: '127.0.0.1', user: 'root' });
    const { data: ssh } = await conform('getPodSsh', getPodSsh(suite.server.clientA, path(pod.id)));
    expect(ssh!.data.command).toBe(`ssh root@127.0.0.1 -p ${ssh!.data.port}`);
    const run = (key: string, command: string) => sshExec(ssh!.data.host, ssh!.data.port, ssh!.data.user, key, command);
    expect(await run(first.data!.sshPrivateKey, 'echo kept > /workspace/result.txt && echo $EXPERIMENT_ID')).toBe(
      'EXP-054\n',
    );
    expect(await run(labKey.privateKey, 'cat /workspace/result.txt')).toBe('kept\n');

    const { data: stopped } = await conform('stopPod', stopPod(suite.server.clientA, path(pod.id)));
    expect(stopped!.data).toMatchObject({ status: 'stopped', ssh: null, stopReason: 'user' });
    await conformError('stopPod', stopPod(suite.server.clientA, path(pod.id)), 409, 'CONFLICT');
    await conformError('getPodSsh', getPodSsh(suite.server.clientA, path(pod.id)), 409, 'CONFLICT');
    await expect(run(first.data!.sshPrivateKey, 'true')).rejects.toThrow();

    const { data: starting } = await conform('startPod', startPod(suite.server.clientA, path(pod.id)));
    expect(starting!.data.status).toBe('creating');
    await conformError('startPod', startPod(suite.server.clientA, path(pod.id)), 409, 'CONFLICT');
    const again = await waitForPod(suite.server.clientA, pod.id, 'running', wait);
    expect(await sshExec(again.ssh!.host, again.ssh!.port, 'root', first.data!.sshPrivateKey, 'cat result.txt')).toBe(
      'kept\n',
    );

    const { data: restarting } = await conform('restartPod', restartPod(suite.server.clientA, path(pod.id)));
    expect(restarting!.data.status).toBe('creating');
    const restarted = await waitForPod(suite.server.clientA, pod.id, 'running', wait);
    expect(await sshExec(restarted.ssh!.host, restarted.ssh!.port, 'root', labKey.privateKey, 'cat result.txt')).toBe(
      'kept\n',
    );

    const { data: listed } = await conform(
      'listPods',
      listPods(suite.server.clientA, { params: { query: { labId, status: 'running' } } }),
    );
    expect(listed!.data.map((p) => p.id)).toEqual([pod.id]);
    await conformError('getPod', getPod(suite.server.clientB, path(pod.id)), 404, 'NOT_FOUND');
    await conformError('listPods', listPods(suite.server.clientB, { params: { query: { labId } } }), 404, 'NOT_FOUND');

    const { data: terminated } = await conform('terminatePod', terminatePod(suite.server.clientA, path(pod.id)));
    expect(terminated!.data).toMatchObject({ status: 'terminated', stopReason: 'user', volumeDeletedAt: null });
    const retention = Date.parse(terminated!.data.volumeDeleteAt!) - Date.parse(terminated!.data.terminatedAt!);
    expect(retention).toBe(7 * 86_400_000);
    await conformError('terminatePod', terminatePod(suite.server.clientA, path(pod.id)), 409, 'CONFLICT');
    await conformError('startPod', startPod(suite.server.clientA, path(pod.id)), 409, 'CONFLICT');
    await conformError('restartPod', restartPod(suite.server.clientA, path(pod.id)), 409, 'CONFLICT');

    const { data: got } = await conform('getPod', getPod(suite.server.clientA, path(pod.id)));
    expect(got!.data.costs.compute).toBeGreaterThan(0);
    expect(got!.data.runningHours).toBeGreaterThan(0);
    const { data: costs } = await conform(
      'getPodCosts',
      getPodCosts(suite.server.clientA, { params: { query: { labId } } }),
    );
    const mine = costs!.data.pods.find((p) => p.podId === pod.id)!;
    expect(mine.computeCost).toBe(got!.data.costs.compute);
    expect(mine.storageCost).toBe(0);
    expect(costs!.data.totals.totalCost).toBeGreaterThanOrEqual(mine.totalCost);
    const { data: labCosts } = await conform('getLabCosts', getLabCosts(suite.server.clientA, slugPath(slug)));
    expect(labCosts!.data).toMatchObject({ slug, budget: { monthlyBudget: null, overBudget: false, action: 'stop' } });
    expect(labCosts!.data.costs.totals).toEqual(costs!.data.totals);
    await conformError(
      'getPodCosts',
      getPodCosts(suite.server.clientA, { params: { query: { month: '2999-01' } } }),
      400,
      'VALIDATION_ERROR',
    );
    const { data: b } = await conform('getPodCosts', getPodCosts(suite.server.clientB, { params: { query: {} } }));
    expect(b!.data.pods).toEqual([]);
  });

  it('runs a RunPod pod through its stop/start API, with the volume price while stopped', async () => {
    const { data: created } = await conform(
      'createPod',
      createPod(suite.server.clientA, { body: { labId, gpuType: 'A100', provider: 'runpod', volumeSize: 100 } }),
    );
    const pod = created!.data;
    expect(pod).toMatchObject({
      provider: 'runpod',
      gpuType: 'A100 SXM',
      pricePerHour: 1.49,
      image: 'hubify/base:latest',
    });
    expect(pod.storagePricePerHour).toBeCloseTo((100 * 0.2) / 730, 6);
    expect(runpod.created.at(-1)).toMatchObject({ volumeInGb: 100, volumeMountPath: '/workspace' });
    const instance = [...runpod.pods.values()].find((p) => p.name === `cpp-${pod.id}`)!;
    runpod.boot(instance.id);
    await waitForPod(suite.server.clientA, pod.id, 'running', wait);
    await unwrap(stopPod(suite.server.clientA, path(pod.id)));
    expect(runpod.pods.get(instance.id)!.status).toBe('EXITED');
    await unwrap(startPod(suite.server.clientA, path(pod.id)));
    expect(runpod.pods.get(instance.id)!.status).toBe('STARTING');
    runpod.boot(instance.id);
    const running = await waitForPod(suite.server.clientA, pod.id, 'running', wait);
    expect(running.ssh!.port).toBeGreaterThan(30000);
    await unwrap(terminatePod(suite.server.clientA, path(pod.id)));
    // Terminated: stopped at RunPod (the volume is retained), deleted when the retention ends.
    expect(runpod.pods.get(instance.id)!.status).toBe('EXITED');
    const { data: events } = await conform(
      'listLabEvents',
      listLabEvents(suite.server.clientA, { ...slugPath(slug), params: { path: { slug }, query: { podId: pod.id } } }),
    );
    expect(events!.data).toEqual([]);
  });

  it('refuses what cannot be: unknown GPU types, unavailable ones, bad env names, other tenants’ labs, provider failures', async () => {
    const create = (body: Parameters<typeof createPod>[1]['body'], client = suite.server.clientA) =>
      createPod(client, { body });
    await conformError('createPod', create({ labId, gpuType: 'TPU-v9' }), 400, 'VALIDATION_ERROR');
    await conformError('createPod', create({ labId, gpuType: 'H200' }), 503, 'PROVIDER_UNAVAILABLE');
    await conformError('createPod', create({ labId, gpuType: 'H200', gpuCount: 2 }), 400, 'VALIDATION_ERROR');
    await conformError('createPod', create({ labId, gpuType: 'CPU', env: { '1BAD': 'x' } }), 400, 'VALIDATION_ERROR');
    await conformError('createPod', create({ labId, gpuType: 'CPU', image: 'ubuntu' }), 400, 'VALIDATION_ERROR');
    await conformError('createPod', create({ labId, gpuType: 'CPU' }, suite.server.clientB), 404, 'NOT_FOUND');
    await conformError('createPod', create({ labId, gpuType: 'CPU', offerId: 'nope-1' }), 404, 'NOT_FOUND');
    runpod.failNext(1, 500, { match: '/pods' });
    const failed = await conformError('createPod', create({ labId, gpuType: 'A100' }), 503, 'PROVIDER_UNAVAILABLE');
    const failedId = /Pod '(pod_[a-z0-9]+)'/.exec(failed.message)![1]!;
    expect((await unwrap(getPod(suite.server.clientA, path(failedId)))).data.status).toBe('failed');
    await conformError('startPod', startPod(suite.server.clientA, path(failedId)), 409, 'CONFLICT');
    await conformError('getPod', getPod(suite.server.clientA, path('pod_000000000000')), 404, 'NOT_FOUND');
  });

  it('called every operation of openapi/pods.yaml', () => {
    expect(POD_OPERATIONS.filter((operation) => !coveredOperations.has(operation))).toEqual([]);
  });
});
