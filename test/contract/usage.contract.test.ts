/**
 * Contract: the usage area through the SDK against a real server, on both drivers: the tenant's totals and
 * hours, the admin's per-customer view and the internal per-device hours, from task records of known
 * cost. A project's own usage is in projects.contract.test.ts, beside the project it counts.
 */
import { describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import { getAllUsage, getHourlyUsage, getUsage, getUuidErrorUsage, getUuidUsage } from '@computeplane/sdk/usage';
import { testDrivers } from '@computeplane/test-support/databases';
import { conform, conformError, serverFor } from './harness.js';

const hourOf = (at: Date) => at.toISOString().slice(0, 13);

describe.each(testDrivers)('usage contract on $name', (driver) => {
  const suite = serverFor(driver, { settings: { usage: { flushMs: 50 } } });

  it('reports tenant, hourly, admin and per-device usage, and refuses bad hours', async () => {
    const now = new Date();
    const device = (failed: number) =>
      suite.server.app.tasks.record({
        tenantId: suite.server.tenantB,
        projectId: null,
        kind: 'inference',
        jobId: null,
        deviceId: 'dev_uuidtest',
        deviceKind: 'user',
        processor: 'gpu',
        tasks: 1,
        failed,
        computeMs: 250,
        latencyMs: 250,
        bytesIn: 1,
        bytesOut: 1,
        finishedAt: now,
      });
    device(0);
    device(0);
    device(1);
    const { data: usage } = await conform('getUsage', getUsage(suite.server.clientB));
    expect(usage!.usage).toMatchObject({ tasks: 3, gpu_tasks: 3, gpu_ms: 750, failed_tasks: 1 });
    expect(usage!.usage.estimated_cost.gpu).toBeCloseTo((750 / 3_600_000) * 0.5, 8);
    expect(usage!.last_hour).toBe(hourOf(now));
    const { data: hourly } = await conform(
      'getHourlyUsage',
      getHourlyUsage(suite.server.clientB, { params: { query: { hours: 3 } } }),
    );
    expect(hourly!.data.map((h) => h.hour)).toHaveLength(3);
    expect(hourly!.data[2]).toMatchObject({ hour: hourOf(now), usage: { tasks: 3 } });
    await conformError(
      'getHourlyUsage',
      getHourlyUsage(suite.server.clientB, { params: { query: { hours: 73 } } }),
      400,
      'VALIDATION_ERROR',
    );
    const { data: all } = await conform('getAllUsage', getAllUsage(suite.server.admin));
    expect(all!.customers.find((c) => c.tenant_id === suite.server.tenantB)).toMatchObject({ tenant_name: 'beta' });
    await conformError('getAllUsage', getAllUsage(suite.server.clientA), 401, 'AUTH_REQUIRED');

    const internal = suite.server.client({ internalToken: 'test-internal-token' });
    const from = hourOf(new Date(now.getTime() - 3_600_000));
    const { data: ok } = await conform('getUuidUsage', getUuidUsage(internal, { params: { query: { from } } }));
    expect(ok).toEqual({
      from,
      to: hourOf(now),
      data: [{ uuid: 'dev_uuidtest', hour: hourOf(now), cpu_ms: 0, gpu_ms: 500, cpu_tasks: 0, gpu_tasks: 2 }],
    });
    const { data: errors } = await conform(
      'getUuidErrorUsage',
      getUuidErrorUsage(internal, { params: { query: { from } } }),
    );
    expect(errors!.data).toEqual([
      { uuid: 'dev_uuidtest', hour: hourOf(now), cpu_ms: 0, gpu_ms: 250, cpu_tasks: 0, gpu_tasks: 1 },
    ]);
    // Hours with no activity are left out; from before the 3-day window starts at the window.
    const old = await unwrap(getUuidUsage(internal, { params: { query: { from: '2020-01-01T00', to: from } } }));
    expect(old.data).toEqual([]);
    expect(old.from).toBe(hourOf(new Date(Date.parse(`${hourOf(now)}:00:00Z`) - 72 * 3_600_000)));
    for (const bad of ['2026-02-30T10', '2026-03-15T24', '2026-03-15', 'yesterday'])
      await conformError(
        'getUuidUsage',
        getUuidUsage(internal, { params: { query: { from: bad } } }),
        400,
        'VALIDATION_ERROR',
      );
    await conformError(
      'getUuidUsage',
      getUuidUsage(internal, { params: { query: { from: hourOf(now), to: from } } }),
      400,
      'VALIDATION_ERROR',
    );
    await conformError(
      'getUuidUsage',
      getUuidUsage(suite.server.clientA, { params: { query: { from } } }),
      401,
      'AUTH_REQUIRED',
    );
  });
});
