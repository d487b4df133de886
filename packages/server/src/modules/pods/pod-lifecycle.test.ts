/**
 * The pods' lifecycle loop on a fake clock, on every database driver: maxHours on running time with its
 * warning, idle detection from measured activity (a real local container: its processes and CPU; RunPod's
 * reported utilisation, and no telemetry counting as active), the idle alert and auto-stop, budgets (stop
 * and alert-only), the never-collected key, a vanished RunPod pod, volume retention, and two replicas
 * sharing the loop without doing any work twice.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { testDrivers, type TestDatabase } from '@computeplane/test-support/databases';
import { sshExec } from '@computeplane/test-support/ssh-exec';
import { fakeProviderHttp } from '../../../../../test/fakes/fake-provider-http.js';
import { createFakeRunPod, type FakeRunPod } from '../../../../../test/fakes/runpod-api.js';
import { createTenant } from '../../platform/auth/tenants.js';
import { DEFAULT_SETTINGS } from '../../platform/settings.js';
import { createLocalProvider } from '../../providers/local/local-provider.js';
import { createRunPodProvider } from '../../providers/runpod/runpod-provider.js';
import type { GpuProvider } from '../../providers/provider.js';
import { createInventory } from '../marketplace/module.js';
import { createPod } from './create-pod.js';
import { createPodLoop, type PodLoop } from './engine/pod-loop.js';
import { labRepository, type LabRow } from './lab-repository.js';
import type { PodContext } from './pod-context.js';
import { terminatePod, stopPod, startPod } from './pod-actions.js';
import { podRepository, type PodRow } from './pod-repository.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe.each(testDrivers)('pod lifecycle on $name', (driver) => {
  let handle: TestDatabase;
  let tenantId: string;
  let now: Date;
  let runpod: FakeRunPod;
  let local: ReturnType<typeof createLocalProvider>;
  let ctx: PodContext;
  let loop: PodLoop;
  let lab: LabRow;
  const clock = () => now;
  const advance = (ms: number) => (now = new Date(now.getTime() + ms));

  async function contextFor(providers: GpuProvider[]): Promise<PodContext> {
    const inventory = createInventory({ providers, clock, refreshMs: HOUR });
    await inventory.refresh();
    return {
      pods: podRepository(handle.database.db),
      labs: labRepository(handle.database.db),
      providers: new Map(providers.map((p) => [p.name, p])),
      inventory,
      ready: Promise.resolve(),
      clock,
      logger: pino({ level: 'silent' }),
      settings: { ...DEFAULT_SETTINGS.pods, tickMs: HOUR },
      keyGraceMinutes: 15,
      kick: () => undefined,
    };
  }

  beforeAll(async () => {
    handle = await driver.create();
    tenantId = (await createTenant(handle.database.db, 'pods')).id;
    local = createLocalProvider({
      root: join(tmpdir(), `cp-pods-lifecycle-${driver.name}-${randomBytes(3).toString('hex')}`),
      pricePerHour: 0.5,
      clock,
      nodeId: `pl${randomBytes(2).toString('hex')}`,
    });
  });
  afterAll(async () => {
    await local?.close();
    await handle?.dispose();
  });
  beforeEach(async () => {
    now = new Date('2026-12-05T10:00:00Z');
    runpod = createFakeRunPod();
    const http = fakeProviderHttp('runpod', runpod, {
      baseUrl: 'https://api.runpod.io/v2',
      apiKey: 'runpod-test-key',
      retries: 0,
    }).http;
    ctx = await contextFor([local, createRunPodProvider(http)]);
    loop = createPodLoop(ctx);
    const created = await ctx.labs.insert({
      id: `lab_${randomBytes(6).toString('hex')}`,
      tenantId,
      name: 'lab',
      slug: `lab-${randomBytes(4).toString('hex')}`,
      idleAlertMinutes: 15,
      idleStopMinutes: 60,
      createdAt: now,
      updatedAt: now,
    });
    lab = created as LabRow;
  });

  const reload = async (id: string) => (await ctx.pods.get(tenantId, id))!;
  const events = async (podId?: string) =>
    (await ctx.pods.events(lab.id, podId, { limit: 100, offset: 0 })).rows.map((event) => event.type);

  /** A RunPod pod, booted and running (key collected unless said otherwise). */
  async function runpodPod(options: { maxHours?: number; collect?: boolean; gpuType?: string } = {}): Promise<PodRow> {
    const { row } = await createPod(ctx, tenantId, {
      labId: lab.id,
      gpuType: options.gpuType ?? 'RTX 4090',
      gpuCount: 1,
      volumeSize: 50,
      provider: 'runpod',
      ...(options.maxHours !== undefined ? { maxHours: options.maxHours } : {}),
    });
    runpod.boot(row.instanceId!);
    if (options.collect !== false) await ctx.pods.markKeyCollected(row.id, now);
    await loop.tick();
    const running = await reload(row.id);
    expect(running.status).toBe('running');
    return running;
  }
  /** The pod's due check runs now (as if its next check had come). */
  async function checkNow(...ids: string[]) {
    for (const id of ids) await ctx.pods.move(id, ['creating', 'running', 'terminated'], { nextCheckAt: now }, now);
    await loop.tick();
  }

  it('terminates at maxHours of running time (stopped time does not count), warning 10 minutes before', async () => {
    const pod = await runpodPod({ maxHours: 1 });
    advance(30 * MINUTE);
    await stopPod(ctx, await reload(pod.id), 'user');
    advance(5 * HOUR);
    await startPod(ctx, await reload(pod.id));
    runpod.boot(pod.instanceId!);
    await loop.tick();
    expect((await reload(pod.id)).status).toBe('running');
    advance(19 * MINUTE);
    await checkNow(pod.id);
    expect(await events(pod.id)).toEqual([]);
    advance(2 * MINUTE);
    await checkNow(pod.id);
    expect(await events(pod.id)).toEqual(['max_hours_warning']);
    await checkNow(pod.id);
    expect(await events(pod.id)).toEqual(['max_hours_warning']);
    advance(9 * MINUTE);
    await checkNow(pod.id);
    const ended = await reload(pod.id);
    expect(ended).toMatchObject({ status: 'terminated', stopReason: 'max_hours' });
    expect(ended.runningSeconds).toBe(3600);
    expect(await events(pod.id)).toEqual(['max_hours_terminated', 'max_hours_warning']);
  });

  it('counts missing telemetry as active, and stops on measured idleness with an alert first', async () => {
    const pod = await runpodPod();
    advance(3 * HOUR);
    await checkNow(pod.id);
    expect((await reload(pod.id)).status).toBe('running');
    expect(await events(pod.id)).toEqual([]);
    // The pod's agent now reports idle GPUs and CPU.
    runpod.pods.get(pod.instanceId!)!.runtime = {
      gpus: [{ id: 'g0', gpuUtilPercent: 0 }],
      container: { cpuPercent: 1 },
    };
    await checkNow(pod.id);
    const sampled = await reload(pod.id);
    expect(sampled.telemetry).toMatchObject({ gpuUtilization: 0, cpuPercent: 1, processes: null });
    advance(16 * MINUTE);
    await checkNow(pod.id);
    expect(await events(pod.id)).toEqual(['idle_alert']);
    // Busy again: the idle clock starts over, and a later idle spell alerts again.
    runpod.pods.get(pod.instanceId!)!.runtime = { gpus: [{ id: 'g0', gpuUtilPercent: 80 }] };
    await checkNow(pod.id);
    runpod.pods.get(pod.instanceId!)!.runtime = { gpus: [{ id: 'g0', gpuUtilPercent: 0 }] };
    advance(59 * MINUTE);
    await checkNow(pod.id);
    expect((await reload(pod.id)).status).toBe('running');
    advance(2 * MINUTE);
    await checkNow(pod.id);
    expect(await reload(pod.id)).toMatchObject({ status: 'stopped', stopReason: 'idle' });
    expect(await events(pod.id)).toEqual(['idle_stopped', 'idle_alert', 'idle_alert']);
    expect(runpod.pods.get(pod.instanceId!)!.status).toBe('EXITED');
  });

  it('measures a local pod: a process left running keeps it active, an idle container is stopped, its volume kept', async () => {
    const { row, privateKey } = await createPod(ctx, tenantId, {
      labId: lab.id,
      gpuType: 'CPU',
      gpuCount: 1,
      volumeSize: 1,
    });
    await loop.tick();
    const running = await reload(row.id);
    expect(running.status).toBe('running');
    const ssh = (command: string) => sshExec(running.sshHost!, running.sshPort!, 'root', privateKey, command);
    advance(1000); // the login comes after the pod started: it collects the key
    await ssh('echo data > /workspace/keep.txt; nohup sleep 600 > /dev/null 2>&1 &');
    advance(30 * MINUTE);
    await checkNow(row.id);
    const busy = await reload(row.id);
    expect(busy.telemetry).toMatchObject({ processes: 1, sshSessions: 0 });
    expect(busy.lastActivityAt).toEqual(now);
    await ssh('pkill sleep; true');
    await checkNow(row.id);
    advance(16 * MINUTE);
    await checkNow(row.id);
    expect(await events(row.id)).toEqual(['idle_alert']);
    expect((await reload(row.id)).telemetry).toMatchObject({ processes: 0 });
    advance(45 * MINUTE);
    await checkNow(row.id);
    const stopped = await reload(row.id);
    expect(stopped).toMatchObject({ status: 'stopped', stopReason: 'idle' });
    await startPod(ctx, stopped);
    await loop.tick();
    const again = await reload(row.id);
    expect(again.status).toBe('running');
    expect(await sshExec(again.sshHost!, again.sshPort!, 'root', privateKey, 'cat /workspace/keep.txt')).toBe('data\n');
    await terminatePod(ctx, again, 'test');
  });

  it('terminates a pod whose key was never collected, and stops one whose RunPod pod vanished', async () => {
    const uncollected = await runpodPod({ collect: false });
    const vanishing = await runpodPod();
    advance(16 * MINUTE);
    runpod.vanish(vanishing.instanceId!);
    await checkNow(uncollected.id, vanishing.id);
    expect(await reload(uncollected.id)).toMatchObject({ status: 'terminated', stopReason: 'key_not_collected' });
    const lost = await reload(vanishing.id);
    expect(lost).toMatchObject({ status: 'terminated', stopReason: 'instance_lost' });
    expect(lost.volumeDeletedAt).toEqual(now);
    expect(await events(vanishing.id)).toEqual(['instance_lost']);
  });

  it('deletes the instance of a pod terminated while its provider call ran', async () => {
    runpod.delayMs = 300;
    const creating = createPod(ctx, tenantId, { labId: lab.id, gpuType: 'A100', gpuCount: 1, volumeSize: 50 });
    let row: PodRow | undefined;
    while (!row) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      row = (await ctx.pods.list(tenantId, lab.id, 'creating', { limit: 1, offset: 0 })).rows[0];
    }
    expect(await terminatePod(ctx, row, 'user')).toMatchObject({ status: 'terminated' });
    runpod.delayMs = 0;
    const { row: created } = await creating;
    expect(created).toMatchObject({ status: 'terminated', volumeDeletedAt: now });
    expect(runpod.pods.size).toBe(0);
  });

  it('stops a lab over budget (once alerted) and only alerts with budgetAction alert', async () => {
    const a = await runpodPod();
    const b = await runpodPod({ gpuType: 'A100' });
    await ctx.labs.update(lab.id, { monthlyBudget: 8, budgetAction: 'alert', nextBudgetCheckAt: now }, now);
    advance(4 * HOUR); // (0.34 + 1.49) * 4 = 7.32
    await checkNow();
    expect(await events()).toEqual([]);
    await ctx.labs.update(lab.id, { nextBudgetCheckAt: now }, now);
    advance(HOUR); // 9.15
    await loop.tick();
    expect(await events()).toEqual(['budget_exceeded']);
    expect((await reload(a.id)).status).toBe('running');
    await ctx.labs.update(lab.id, { budgetAction: 'stop', nextBudgetCheckAt: now }, now);
    await loop.tick();
    expect((await reload(a.id)).stopReason).toBe('budget');
    expect((await reload(b.id)).stopReason).toBe('budget');
    expect((await events()).sort()).toEqual(['budget_exceeded', 'budget_stopped', 'budget_stopped']);
  });

  it('deletes a terminated pod’s volume when the retention ends, and storage stops costing then', async () => {
    const pod = await runpodPod();
    advance(HOUR);
    await terminatePod(ctx, await reload(pod.id), 'user');
    expect(runpod.pods.get(pod.instanceId!)!.status).toBe('EXITED');
    advance(7 * 24 * HOUR - MINUTE);
    await loop.tick();
    expect((await reload(pod.id)).volumeDeletedAt).toBeNull();
    advance(MINUTE);
    await loop.tick();
    expect((await reload(pod.id)).volumeDeletedAt).toEqual(now);
    expect(runpod.pods.has(pod.instanceId!)).toBe(false);
    const spans = await ctx.pods.spansOf([pod.id]);
    expect(spans.map((span) => [span.kind, span.endedAt?.getTime() ?? null])).toEqual(
      expect.arrayContaining([
        ['compute', now.getTime() - 7 * 24 * HOUR],
        ['storage', now.getTime()],
      ]),
    );
  });

  it('shares the loop between two replicas: every due pod is checked once', async () => {
    const pods = await Promise.all([1, 2, 3, 4, 5, 6].map(() => runpodPod({ maxHours: 1, gpuType: 'A100' })));
    advance(51 * MINUTE);
    const other = createPodLoop({ ...(await contextFor([...ctx.providers.values()])) });
    await Promise.all(pods.map((pod) => ctx.pods.move(pod.id, ['running'], { nextCheckAt: now }, now)));
    await Promise.all([loop.tick(), other.tick()]);
    for (const pod of pods) expect(await events(pod.id)).toEqual(['max_hours_warning']);
    advance(10 * MINUTE);
    await Promise.all([loop.tick(), other.tick()]);
    for (const pod of pods) expect(await events(pod.id)).toEqual(['max_hours_terminated', 'max_hours_warning']);
    const stops = runpod.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/stop'));
    expect(stops).toHaveLength(6);
  });
});
