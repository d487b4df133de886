/**
 * Contract: GPU sessions and costs through the SDK, on the local provider (real instances with a real
 * SSH endpoint) and Vast.ai served by a fake of its documented API. Every response is validated
 * against openapi/sessions.yaml; errors come in the seed's body.
 */
import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unwrap } from '@computeplane/sdk';
import { getBrokerHealth, getBrokerReadiness } from '@computeplane/sdk/health';
import { listOffers } from '@computeplane/sdk/offers';
import { listTemplates } from '@computeplane/sdk/templates';
import {
  createSession,
  destroySession,
  extendSession,
  getCosts,
  getCostSummary,
  getSession,
  getSessionDiagnostics,
  iterateSessions,
  listSessions,
  markSessionDone,
  pollUntilStatus,
  waitForSessionRunning,
} from './sessions-helpers.js';
import { createLocalProvider } from '../../packages/server/src/providers/local/local-provider.js';
import { createFakeVastAi } from '../fakes/vastai-api.js';
import { vastAiProviderOver } from '../fakes/providers-over-fakes.js';
import { testDrivers } from '@computeplane/test-support/databases';
import { sshExec } from '@computeplane/test-support/ssh-exec';
import { conform, conformError, serverFor } from './harness.js';
import { generateEd25519KeyPair } from '../../packages/server/src/providers/ssh-key-pair.js';

describe.each(testDrivers)('sessions contract on $name', (driver) => {
  const vast = createFakeVastAi();
  const suite = serverFor(driver, {
    providers: [
      createLocalProvider({ root: join(tmpdir(), `computeplane-sessions-${driver.name}`), pricePerHour: 0.9 }),
      vastAiProviderOver(vast),
    ],
    settings: { sessions: { tickMs: 100, reconcileMs: 60_000, keyGraceMinutes: 15 } },
  });
  const localOffer = async () =>
    (await unwrap(listOffers(suite.server.clientA, { params: { query: { provider: 'local' } } }))).offers[0]!.id;
  const base = { workload_type: 'batch' as const, reservation_hours: 2 };

  it('reports the broker healthy and ready once its start-up sweep ran', async () => {
    await pollUntilStatus(() => getBrokerReadiness(suite.server.anonymous), 200);
    const { data: health } = await conform('getBrokerHealth', getBrokerHealth(suite.server.anonymous));
    expect(health).toMatchObject({ status: 'ok', services: { lifecycle: 'running', inventory: 'ok', ready: 'true' } });
    const { data: ready } = await conform('getBrokerReadiness', getBrokerReadiness(suite.server.anonymous));
    expect(ready!.ready).toBe(true);
  });

  it('creates a local session, verifies SSH, runs a command with the one-time key, and ends it with its cost', async () => {
    const offerId = await localOffer();
    const { data: created, response } = await conform(
      'createSession',
      createSession(suite.server.clientA, {
        body: { ...base, consumer_id: 'app-1', offer_id: offerId, on_start_cmd: 'echo started > boot.txt' },
      }),
    );
    expect(response!.headers.get('location')).toBe(`/api/v1/sessions/${created!.session.id}`);
    expect(created!.session).toMatchObject({
      status: 'provisioning',
      provider: 'local',
      consumer_id: 'app-1',
      price_per_hour: 0.9,
      disk_gb: 50,
      storage_policy: 'destroy',
      launch_mode: 'ssh',
    });
    expect(created!.ssh_private_key).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
    const running = await waitForSessionRunning(suite.server.clientA, created!.session.id, {
      intervalMs: 50,
      timeoutMs: 20_000,
    });
    expect(running).toMatchObject({ status: 'running', ssh_host: '127.0.0.1', started_at: expect.any(String) });
    const out = await sshExec(
      running.ssh_host!,
      running.ssh_port!,
      running.ssh_user!,
      created!.ssh_private_key,
      'cat boot.txt; echo "$SESSION_ID $WORKLOAD_TYPE"',
    );
    expect(out).toBe(`started\n${running.id} batch\n`);
    await expect(
      sshExec(running.ssh_host!, running.ssh_port!, running.ssh_user!, generateEd25519KeyPair().privateKey, 'true'),
    ).rejects.toThrow(/authentication/i);

    const { data: diagnostics } = await conform(
      'getSessionDiagnostics',
      getSessionDiagnostics(suite.server.clientA, { params: { path: { id: running.id } } }),
    );
    expect(diagnostics).toMatchObject({
      session_id: running.id,
      status: 'running',
      ssh_available: true,
      launch_mode: 'ssh',
      api_endpoint: '',
      time_to_expiry: expect.stringMatching(/^1h 59m|^2h$/),
    });

    await conformError(
      'createSession',
      createSession(suite.server.clientA, { body: { ...base, consumer_id: 'app-1', offer_id: offerId } }),
      409,
      'CONFLICT',
    );
    const { data: extended } = await conform(
      'extendSession',
      extendSession(suite.server.clientA, { params: { path: { id: running.id } }, body: { additional_hours: 3 } }),
    );
    expect(Date.parse(extended!.new_expires_at) - Date.parse(running.created_at)).toBe(5 * 3_600_000);
    const tooLong = await conformError(
      'extendSession',
      extendSession(suite.server.clientA, { params: { path: { id: running.id } }, body: { additional_hours: 8 } }),
      400,
      'VALIDATION_ERROR',
    );
    expect(tooLong.message).toMatch(/12 hours/);

    const { data: done } = await conform(
      'markSessionDone',
      markSessionDone(suite.server.clientA, { params: { path: { id: running.id } } }),
    );
    expect(done).toEqual({ message: 'session shutdown initiated', session_id: running.id });
    const stopped = await pollUntilStatus(
      () => getSession(suite.server.clientA, { params: { path: { id: running.id } } }),
      200,
      (s) => s.status === 'stopped',
    );
    expect(stopped).toMatchObject({ stop_reason: 'done', stopped_at: expect.any(String) });
    await expect(
      sshExec(running.ssh_host!, running.ssh_port!, running.ssh_user!, created!.ssh_private_key, 'true'),
    ).rejects.toThrow();
    const seconds = (Date.parse(stopped.stopped_at!) - Date.parse(running.created_at)) / 1000;
    expect(stopped.cost).toBeCloseTo((0.9 * seconds) / 3600, 3);
    const { data: cost } = await conform(
      'getCosts',
      getCosts(suite.server.clientA, { params: { query: { session_id: running.id } } }),
    );
    expect(cost).toMatchObject({ session_id: running.id, currency: 'USD', total_cost: stopped.cost });

    await conformError(
      'markSessionDone',
      markSessionDone(suite.server.clientA, { params: { path: { id: running.id } } }),
      409,
      'CONFLICT',
    );
    await conformError(
      'extendSession',
      extendSession(suite.server.clientA, { params: { path: { id: running.id } }, body: { additional_hours: 1 } }),
      409,
      'CONFLICT',
    );
    await conformError(
      'getSessionDiagnostics',
      getSessionDiagnostics(suite.server.clientA, { params: { path: { id: running.id } } }),
      400,
      'SESSION_NOT_RUNNING',
    );
  });

  it('launches a local session from a template: its variables and start command run before the session’s own', async () => {
    const offers = (await unwrap(listOffers(suite.server.clientA, { params: { query: { provider: 'local' } } })))
      .offers;
    const templates = (await unwrap(listTemplates(suite.server.clientA))).templates;
    const hashOf = (provider: string, name: string) =>
      templates.find((t) => t.provider === provider && t.name === name)!.hash_id;
    const { data: created } = await conform(
      'createSession',
      createSession(suite.server.clientA, {
        body: {
          ...base,
          consumer_id: 'app-tpl',
          offer_id: offers[0]!.id,
          template_hash_id: hashOf('local', 'Python HTTP server'),
          on_start_cmd: 'echo "port $HTTP_PORT" > after.txt',
        },
      }),
    );
    expect(created!.session.template_hash_id).toBe(hashOf('local', 'Python HTTP server'));
    const running = await waitForSessionRunning(suite.server.clientA, created!.session.id, {
      intervalMs: 50,
      timeoutMs: 20_000,
    });
    const out = await sshExec(
      running.ssh_host!,
      running.ssh_port!,
      running.ssh_user!,
      created!.ssh_private_key,
      'for i in 1 2 3 4 5 6 7 8 9 10; do [ -s after.txt ] && break; sleep 0.2; done; cat after.txt; echo "$HTTP_PORT"',
    );
    expect(out).toBe('port 8000\n8000\n');
    await unwrap(destroySession(suite.server.clientA, { params: { path: { id: running.id } } }));

    const foreign = await conformError(
      'createSession',
      createSession(suite.server.clientA, {
        body: {
          ...base,
          consumer_id: 'app-tpl',
          offer_id: offers[0]!.id,
          template_hash_id: hashOf('vastai', 'Ollama'),
        },
      }),
      400,
      'VALIDATION_ERROR',
    );
    expect(foreign.message).toMatch(/vastai template .* cannot run on a local offer/);
    await conformError(
      'createSession',
      createSession(suite.server.clientA, {
        body: {
          ...base,
          consumer_id: 'app-tpl',
          offer_id: offers[0]!.id,
          template_hash_id: '0123456789abcdef0123456789abcdef',
        },
      }),
      404,
      'NOT_FOUND',
    );
    const cpuOnly = offers.find((offer) => offer.gpu_count === 0);
    if (cpuOnly) {
      // The GPU check template asks for {"num_gpus": {"gte": 1}}; a machine without GPUs offers no such instance.
      const unmet = await conformError(
        'createSession',
        createSession(suite.server.clientA, {
          body: {
            ...base,
            consumer_id: 'app-tpl',
            offer_id: cpuOnly.id,
            template_hash_id: hashOf('local', 'NVIDIA GPU check'),
          },
        }),
        400,
        'VALIDATION_ERROR',
      );
      expect(unmet.message).toMatch(/extra_filters/);
    } else {
      const { data: gpu } = await conform(
        'createSession',
        createSession(suite.server.clientA, {
          body: {
            ...base,
            consumer_id: 'app-tpl',
            offer_id: offers[0]!.id,
            template_hash_id: hashOf('local', 'NVIDIA GPU check'),
          },
        }),
      );
      await unwrap(destroySession(suite.server.clientA, { params: { path: { id: gpu!.session.id } } }));
    }
  });

  it('destroys a provisioning Vast.ai session at the provider, lists and filters sessions, and isolates tenants', async () => {
    const { data: created } = await conform(
      'createSession',
      createSession(suite.server.clientA, {
        body: { ...base, consumer_id: 'app-2', offer_id: 'vastai-1001', disk_gb: 100 },
      }),
    );
    const instanceId = Number(created!.session.provider_instance_id);
    expect(vast.instances.get(instanceId)).toMatchObject({
      label: expect.stringMatching(new RegExp(`^cp-[a-z0-9]+-${created!.session.id}$`)),
      image: 'nvidia/cuda:12.4.1-runtime-ubuntu22.04',
    });
    expect(vast.instances.get(instanceId)!.ssh_keys[0]).toMatch(/^ssh-ed25519 /);
    const { data: listed } = await conform(
      'listSessions',
      listSessions(suite.server.clientA, { params: { query: { provider: 'vastai', consumer_id: 'app-2' } } }),
    );
    expect(listed).toMatchObject({
      count: 1,
      total: 1,
      sessions: [{ id: created!.session.id, status: 'provisioning' }],
    });
    expect((await unwrap(listSessions(suite.server.clientB))).total).toBe(0);
    await conformError(
      'getSession',
      getSession(suite.server.clientB, { params: { path: { id: created!.session.id } } }),
      404,
      'NOT_FOUND',
    );

    const { data: destroyed } = await conform(
      'destroySession',
      destroySession(suite.server.clientA, { params: { path: { id: created!.session.id } } }),
    );
    expect(destroyed).toEqual({ message: 'session destroyed', session_id: created!.session.id });
    expect(vast.instances.has(instanceId)).toBe(false);
    const { data: after } = await conform(
      'getSession',
      getSession(suite.server.clientA, { params: { path: { id: created!.session.id } } }),
    );
    expect(after).toMatchObject({ status: 'stopped', stop_reason: 'destroyed' });
    const all = [];
    for await (const session of iterateSessions(suite.server.clientA, { status: 'stopped' }, 1)) all.push(session.id);
    expect(all).toContain(created!.session.id);
  });

  it('answers a vanished offer with the seed’s stale_inventory 503, and bad requests with clear errors', async () => {
    const offer = vast.offers.splice(
      vast.offers.findIndex((o) => o.id === 1002),
      1,
    )[0]!;
    try {
      const stale = await conformError(
        'createSession',
        createSession(suite.server.clientA, { body: { ...base, consumer_id: 'app-3', offer_id: 'vastai-1002' } }),
        503,
        'STALE_INVENTORY',
      );
      expect(stale.body).toMatchObject({
        error: 'offer unavailable due to stale inventory',
        error_type: 'stale_inventory',
        offer_id: 'vastai-1002',
        provider: 'vastai',
        retry_suggested: true,
      });
    } finally {
      vast.offers.push(offer);
    }
    await conformError(
      'createSession',
      createSession(suite.server.clientA, { body: { ...base, consumer_id: 'app-3', offer_id: 'vastai-999' } }),
      404,
      'NOT_FOUND',
    );
    const preserve = await conformError(
      'createSession',
      createSession(suite.server.clientA, {
        body: { ...base, consumer_id: 'app-3', offer_id: 'vastai-1001', storage_policy: 'preserve' },
      }),
      400,
      'VALIDATION_ERROR',
    );
    expect(preserve.message).toMatch(/storage_policy/);
    const hours = await conformError(
      'createSession',
      createSession(suite.server.clientA, {
        body: { ...base, consumer_id: 'app-3', offer_id: 'vastai-1001', reservation_hours: 13 },
      }),
      400,
      'VALIDATION_ERROR',
    );
    expect(hours.body).toMatchObject({
      error_type: 'validation_error',
      details: [expect.objectContaining({ path: 'body.reservation_hours' })],
    });
    await conformError(
      'createSession',
      createSession(suite.server.anonymous, { body: { ...base, consumer_id: 'app-3', offer_id: 'vastai-1001' } }),
      401,
      'AUTH_REQUIRED',
    );
    await conformError(
      'destroySession',
      destroySession(suite.server.clientA, { params: { path: { id: 'sess-missing1' } } }),
      404,
      'NOT_FOUND',
    );
    await conformError(
      'listSessions',
      listSessions(suite.server.clientA, { params: { query: { status: 'paused' as never } } }),
      400,
      'VALIDATION_ERROR',
    );
  });

  it('summarizes costs by consumer, provider, GPU type and day, and this month', async () => {
    const { data: summary } = await conform(
      'getCosts',
      getCosts(suite.server.clientA, { params: { query: { period: 'daily' } } }),
    );
    expect(summary).toMatchObject({ consumer_id: '', currency: 'USD', session_count: expect.any(Number) });
    const s = summary as { by_provider: Record<string, number>; total_cost: number; periods: { total_cost: number }[] };
    expect(Object.keys(s.by_provider).sort()).toEqual(['local', 'vastai']);
    expect(s.periods.reduce((sum, p) => sum + p.total_cost, 0)).toBeCloseTo(s.total_cost, 3);
    const { data: one } = await conform(
      'getCosts',
      getCosts(suite.server.clientA, {
        params: { query: { consumer_id: 'app-1', start_date: '2020-01-01', end_date: '2099-12-31' } },
      }),
    );
    expect(one).toMatchObject({ consumer_id: 'app-1', session_count: 1, by_provider: { local: expect.any(Number) } });
    const { data: month } = await conform(
      'getCostSummary',
      getCostSummary(suite.server.clientA, { params: { query: { consumer_id: 'app-2' } } }),
    );
    expect(month).toMatchObject({
      consumer_id: 'app-2',
      session_count: 1,
      by_provider: { vastai: expect.any(Number) },
      start_date: expect.stringMatching(/-01$/),
    });
    const reversed = await conformError(
      'getCosts',
      getCosts(suite.server.clientA, { params: { query: { start_date: '2026-02-01', end_date: '2026-01-01' } } }),
      400,
      'VALIDATION_ERROR',
    );
    expect(reversed.message).toMatch(/end_date/);
    await conformError(
      'getCosts',
      getCosts(suite.server.clientB, { params: { query: { session_id: 'sess-abc123' } } }),
      404,
      'NOT_FOUND',
    );
  });
});
