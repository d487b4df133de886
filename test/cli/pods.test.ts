/**
 * `computeplane pods ...` and `labs ...` as real processes against a real server with the local provider
 * (a pod is a real container with a real SSH endpoint, logged into with the system `ssh`) and RunPod's fake.
 */
import { randomBytes } from 'node:crypto';
import { stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import { createPod, getPod, waitForPod } from '@computeplane/sdk/pods';
import { createLocalProvider } from '../../packages/server/src/providers/local/local-provider.js';
import { generateEd25519KeyPair } from '../../packages/server/src/providers/ssh-key-pair.js';
import { createFakeRunPod } from '../fakes/runpod-api.js';
import { runPodProviderOver } from '../fakes/providers-over-fakes.js';
import { cliSuite, conformJson, expectApiError, expectUsageError } from './harness.js';

interface PodJson {
  data: { id: string; status: string; provider: string; envKeys: string[]; stopReason: string | null };
}

describe('computeplane pods and labs', () => {
  const runpod = createFakeRunPod();
  const local = createLocalProvider({
    root: join(tmpdir(), `cp-cli-pods-${randomBytes(3).toString('hex')}`),
    pricePerHour: 0.9,
  });
  const suite = cliSuite({
    providers: [local, runPodProviderOver(runpod)],
    settings: { pods: { tickMs: 100 } },
  });
  afterAll(() => local.close());
  const slug = 'cli-lab';
  let labId = '';
  const labKey = generateEd25519KeyPair('lab-member');
  beforeAll(async () => {
    const created = await suite.cli(['labs', 'create', slug, '--name', 'CLI lab', '--json']);
    labId = (await conformJson<{ data: { id: string } }>('createLab', created)).data.id;
  });

  it("creates, lists and shows labs; a lab's costs with its budget, and its events", async () => {
    const [table, listed, shown, shownJson, taken, badSlug, costs, costsJson, badMonth, missing] = await Promise.all([
      suite.cli(['labs', 'list']),
      suite.cli(['labs', 'list', '--json']),
      suite.cli(['labs', 'get', slug]),
      suite.cli(['labs', 'get', slug, '--json']),
      suite.cli(['labs', 'create', slug]),
      suite.cli(['labs', 'create', 'Not A Slug']),
      suite.cli(['labs', 'costs', slug]),
      suite.cli(['labs', 'costs', slug, '--month', 'current', '--json']),
      suite.cli(['labs', 'costs', slug, '--month', '2026-13']),
      suite.cli(['labs', 'events', 'no-such-lab']),
    ]);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+SLUG\s+NAME\s+BUDGET\s+CREATED$/);
    expect(table.stdout).toMatch(new RegExp(`^${labId}\\s+${slug}\\s+CLI lab\\s+`, 'm'));
    const labs = await conformJson<{ data: { id: string }[]; total: number }>('listLabs', listed);
    expect(labs.data.map((lab) => lab.id)).toEqual([labId]);
    expect(shown.stdout).toMatch(new RegExp(`^id\\s+${labId}$`, 'm'));
    expect(shown.stdout).toMatch(/^idle stop\s+360 min$/m);
    expect((await conformJson<{ data: { slug: string } }>('getLab', shownJson)).data.slug).toBe(slug);
    expectApiError(taken, 'CONFLICT');
    expectApiError(badSlug, 'VALIDATION_ERROR');
    expect(costs.stdout).toMatch(/^month\s+\d{4}-\d{2}$/m);
    expect(costs.stdout).toMatch(/^active pods\s+0$/m);
    expect(costs.stdout).toMatch(/^over budget\s+no$/m);
    const labCosts = await conformJson<{ data: { slug: string } }>('getLabCosts', costsJson);
    expect(labCosts.data.slug).toBe(slug);
    expectUsageError(badMonth, /--month takes current or YYYY-MM, got "2026-13"/);
    expectApiError(missing, 'NOT_FOUND');

    // An event: a RunPod pod that vanished at RunPod is found gone when it is stopped.
    const pod = (
      await unwrap(createPod(suite.server.clientA, { body: { labId, gpuType: 'A100', provider: 'runpod' } }))
    ).data;
    const instance = [...runpod.pods.values()].find((p) => p.name === `cpp-${pod.id}`)!;
    runpod.boot(instance.id);
    await waitForPod(suite.server.clientA, pod.id, 'running', { intervalMs: 50, timeoutMs: 30_000 });
    runpod.vanish(instance.id);
    expect((await suite.cli(['pods', 'stop', pod.id])).code).toBe(0);
    const [events, eventsJson, none] = await Promise.all([
      suite.cli(['labs', 'events', slug]),
      suite.cli(['labs', 'events', slug, '--pod', pod.id, '--json']),
      suite.cli(['labs', 'events', slug, '--pod', 'pod_000000000000']),
    ]);
    expect(events.stdout.split('\n')[0]).toMatch(/^TIME\s+TYPE\s+POD\s+MESSAGE$/);
    expect(events.stdout).toMatch(new RegExp(`\\sinstance_lost\\s+${pod.id}\\s+the provider no longer knows the pod`));
    const listedEvents = await conformJson<{ data: { type: string }[] }>('listLabEvents', eventsJson);
    expect(listedEvents.data.map((event) => event.type)).toEqual(['instance_lost']);
    expect(none.stdout).toBe('No events.\n');
  });

  it('shows and changes lab settings', async () => {
    const publicKeyFile = join(suite.home, 'lab.pub');
    await writeFile(publicKeyFile, `${labKey.publicKey}\n`);
    const changed = await conformJson<{ data: Record<string, unknown> }>(
      'updateLabSettings',
      await suite.cli([
        'labs',
        'settings',
        slug,
        '--idle-alert',
        '15',
        '--auto-schedule',
        'on',
        '--budget',
        '500',
        '--budget-action',
        'alert',
        '--ssh-key',
        `@${publicKeyFile}`,
        '--json',
      ]),
    );
    expect(changed.data).toMatchObject({
      idleAlertMinutes: 15,
      idleStopMinutes: 360,
      autoScheduleEnabled: true,
      monthlyBudget: 500,
      budgetAction: 'alert',
      sshPublicKeys: [labKey.publicKey],
    });
    const [shown, json, tooLate, badFlag, missing] = await Promise.all([
      suite.cli(['labs', 'settings', slug]),
      suite.cli(['labs', 'settings', slug, '--json']),
      suite.cli(['labs', 'settings', slug, '--idle-alert', '400']),
      suite.cli(['labs', 'settings', slug, '--auto-schedule', 'maybe']),
      suite.cli(['labs', 'settings', 'no-such-lab']),
    ]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^idle alert\s+15 min$/m);
    expect(shown.stdout).toMatch(/^budget\s+500 USD\/month$/m);
    expect(shown.stdout).toMatch(/^ssh keys\s+ssh-ed25519 \S+…\S+ lab-member$/m);
    expect((await conformJson<{ data: unknown }>('getLabSettings', json)).data).toEqual(changed.data);
    expectApiError(tooLate, 'VALIDATION_ERROR');
    expectUsageError(badFlag, /--auto-schedule takes on or off, got "maybe"/);
    expectApiError(missing, 'NOT_FOUND');
  });

  it('runs a local pod: create --wait, list, get, ssh (saved key and lab key), stop, start, restart, terminate, costs', async () => {
    const created = await conformJson<PodJson & { sshPrivateKey: string }>(
      'createPod',
      await suite.cli([
        'pods',
        'create',
        '--lab',
        slug,
        '--gpu',
        'CPU',
        '--env',
        'EXPERIMENT_ID=EXP-054',
        '--wait',
        '--json',
      ]),
    );
    const id = created.data.id;
    expect(created.data).toMatchObject({ provider: 'local', envKeys: ['EXPERIMENT_ID'] });
    expect((await stat(join(suite.home, '.config', 'computeplane', 'keys', id))).mode & 0o777).toBe(0o600);
    const labPrivateKey = join(suite.home, 'lab.key');
    await writeFile(labPrivateKey, labKey.privateKey, { mode: 0o644 }); // too open for ssh itself: copied 0600

    const [table, listed, shown, shownJson, hello, viaLabKey, costs, costsJson, badMonth] = await Promise.all([
      suite.cli(['pods', 'list', '--lab', slug]),
      suite.cli(['pods', 'list', '--status', 'running', '--json']),
      suite.cli(['pods', 'get', id]),
      suite.cli(['pods', 'get', id, '--json']),
      suite.cli(['pods', 'ssh', id, '--', 'echo kept > /workspace/result.txt && echo $EXPERIMENT_ID']),
      suite.cli(['pods', 'ssh', id, '--identity', labPrivateKey, '--', 'whoami']),
      suite.cli(['pods', 'costs', '--lab', labId]),
      suite.cli(['pods', 'costs', '--month', 'current', '--json']),
      suite.cli(['pods', 'costs', '--month', 'last']),
    ]);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+STATUS\s+GPU\s+PROVIDER\s+HOURS\s+COST\s+CREATED$/);
    expect(table.stdout).toMatch(new RegExp(`^${id}\\s+running\\s+CPU \\(\\d+ cores\\)\\s+local\\s`, 'm'));
    const list = await conformJson<{ data: { id: string }[] }>('listPods', listed);
    expect(list.data.map((pod) => pod.id)).toEqual([id]);
    expect(shown.stdout).toMatch(/^status\s+running$/m);
    expect(shown.stdout).toMatch(/^ssh\s+ssh root@127\.0\.0\.1 -p \d+$/m);
    expect((await conformJson<PodJson>('getPod', shownJson)).data.status).toBe('running');
    expect(hello).toMatchObject({ code: 0, stdout: 'EXP-054\n' });
    expect(viaLabKey).toMatchObject({ code: 0, stdout: 'root\n' });
    expect(costs.stdout).toMatch(/^month\s+\d{4}-\d{2}$/m);
    expect(costs.stdout).toMatch(new RegExp(`^${id}\\s+CPU \\(\\d+ cores\\)\\s+running\\s`, 'm'));
    const monthPods = (await conformJson<{ data: { pods: { podId: string }[] } }>('getPodCosts', costsJson)).data.pods;
    expect(monthPods.map((p) => p.podId)).toContain(id);
    expectUsageError(badMonth, /--month takes current or YYYY-MM, got "last"/);

    const stopped = await conformJson<PodJson>('stopPod', await suite.cli(['pods', 'stop', id, '--json']));
    expect(stopped.data).toMatchObject({ status: 'stopped', stopReason: 'user' });
    const [noSsh, again] = await Promise.all([suite.cli(['pods', 'ssh', id]), suite.cli(['pods', 'stop', id])]);
    expectApiError(noSsh, 'CONFLICT');
    expectApiError(again, 'CONFLICT');

    const started = await suite.cli(['pods', 'start', id, '--wait']);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/^status\s+running$/m);
    await conformJson('restartPod', await suite.cli(['pods', 'restart', id, '--wait', '--json']));
    // The volume survived stop, start and restart.
    expect(await suite.cli(['pods', 'ssh', id, '--', 'cat', 'result.txt'])).toMatchObject({
      code: 0,
      stdout: 'kept\n',
    });
    const terminated = await conformJson<PodJson>('terminatePod', await suite.cli(['pods', 'terminate', id, '--json']));
    expect(terminated.data.status).toBe('terminated');
    expectApiError(await suite.cli(['pods', 'start', id]), 'CONFLICT');
  });

  it('on Ctrl-C while a RunPod pod starts: exits 130; terminates it only with --cancel-on-interrupt', async () => {
    const interrupt = async (extra: string[]) => {
      const running = suite.start([
        'pods',
        'create',
        '--lab',
        labId,
        '--gpu',
        'A100',
        '--provider',
        'runpod',
        '--wait',
        ...extra,
      ]);
      // The note comes once the 201 is in and the cancel is registered.
      await running.waitFor(/Waiting for pod_[a-z0-9]+ to be running\.\.\./);
      const id = /Waiting for (pod_[a-z0-9]+)/.exec(running.stderr)![1]!;
      running.child.kill('SIGINT');
      const result = await running.done;
      expect(result.code, result.stderr).toBe(130);
      return { id, result };
    };
    const [kept, cancelled] = await Promise.all([interrupt([]), interrupt(['--cancel-on-interrupt'])]);
    expect(kept.result.stderr).toContain(
      `Interrupted; pod ${kept.id} keeps starting (and billing); end it with: computeplane pods terminate ${kept.id}`,
    );
    expect(cancelled.result.stderr).toContain('Interrupted; cancelled what this command started.');
    const status = async (id: string) =>
      (await unwrap(getPod(suite.server.clientA, { params: { path: { id } } }))).data.status;
    expect(await status(kept.id)).toBe('creating');
    expect(await status(cancelled.id)).toBe('terminated');
    expect(await suite.cli(['pods', 'terminate', kept.id])).toMatchObject({ code: 0 });
  });
});
