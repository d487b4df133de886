/**
 * `computeplane admin tenants|keys|usage` as real processes against a real server: the admin key comes from
 * --admin-key or COMPUTEPLANE_ADMIN_KEY (never the profile); a key created here is used by the CLI, then
 * revoked and refused; a missing admin key stops before any request, a wrong one is the server's 401.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import { getAllUsage } from '@computeplane/sdk/usage';
import { ADMIN_KEY } from '@computeplane/test-support/test-server';
import { cliSuite, conformJson, expectApiError, expectUsageError } from './harness.js';

interface Tenant {
  id: string;
  name: string;
}
interface ApiKey {
  id: string;
  tenant_id: string;
  name: string;
  prefix: string;
  revoked_at: string | null;
}

const asAdmin = { env: { COMPUTEPLANE_ADMIN_KEY: ADMIN_KEY } };

describe('computeplane admin', () => {
  const suite = cliSuite({ settings: { usage: { flushMs: 50 } } });

  it('creates and lists tenants', async () => {
    const [created, createdJson, tooLong] = await Promise.all([
      suite.cli(['admin', 'tenants', 'create', 'cli-tenant-one'], asAdmin),
      suite.cli(['--admin-key', ADMIN_KEY, 'admin', 'tenants', 'create', 'cli-tenant-two', '--json']),
      suite.cli(['admin', 'tenants', 'create', 'x'.repeat(121)], asAdmin),
    ]);
    expect(created.code, created.stderr).toBe(0);
    const one = /^id\s+(tnt_[a-z0-9]+)$/m.exec(created.stdout)![1]!;
    expect(created.stdout).toMatch(/^name\s+cli-tenant-one$/m);
    expect(created.stdout).toMatch(/^created\s+\d{4}-\d{2}-\d{2}T/m);
    const two = await conformJson<Tenant>('createTenant', createdJson);
    expect(two).toMatchObject({ name: 'cli-tenant-two', id: expect.stringMatching(/^tnt_/) });
    expectApiError(tooLong, 'VALIDATION_ERROR');

    const [table, listed, paged] = await Promise.all([
      suite.cli(['admin', 'tenants', 'list'], asAdmin),
      suite.cli(['admin', 'tenants', 'list', '--json'], asAdmin),
      suite.cli(['admin', 'tenants', 'list', '--limit', '1'], asAdmin),
    ]);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+CREATED$/);
    expect(table.stdout).toMatch(new RegExp(`^${one}\\s+cli-tenant-one\\s+\\d{4}-`, 'm'));
    const page = await conformJson<{ tenants: Tenant[]; total: number }>('listTenants', listed);
    // The test server's own tenants (alpha, beta) come first: oldest first.
    expect(
      page.tenants
        .slice(2)
        .map((t) => t.name)
        .sort(),
    ).toEqual(['cli-tenant-one', 'cli-tenant-two']);
    expect(page.tenants.slice(0, 2).map((t) => t.id)).toEqual([suite.server.tenantA, suite.server.tenantB]);
    expect(page.total).toBe(4);
    expect(paged.stdout.trim().split('\n')).toHaveLength(2);
    expect(paged.stderr).toMatch(/Showing 1-1 of 4; next page: --offset 1/);
  });

  it('creates a key once, that the CLI then uses, lists keys and revokes one, which is then refused', async () => {
    const tenant = await conformJson<Tenant>(
      'createTenant',
      await suite.cli(['admin', 'tenants', 'create', 'key-owner', '--json'], asAdmin),
    );
    const [human, json, unknownTenant, badTenant, noTenant] = await Promise.all([
      suite.cli(['admin', 'keys', 'create', '--tenant', tenant.id, '--name', 'laptop'], asAdmin),
      suite.cli(['admin', 'keys', 'create', '--tenant', tenant.id, '--json'], asAdmin),
      suite.cli(['admin', 'keys', 'create', '--tenant', 'tnt_nosuchtenant'], asAdmin),
      suite.cli(['admin', 'keys', 'create', '--tenant', 'acme'], asAdmin),
      suite.cli(['admin', 'keys', 'create'], asAdmin),
    ]);
    // Human: the metadata, then the key on a labelled line, and a note that it is shown only this once.
    expect(human.code, human.stderr).toBe(0);
    const humanId = /^id\s+(key_[a-z0-9]+)$/m.exec(human.stdout)![1]!;
    expect(human.stdout).toMatch(new RegExp(`^tenant\\s+${tenant.id}$`, 'm'));
    expect(human.stdout).toMatch(/^name\s+laptop$/m);
    const humanKey = /^API key: (\S+)$/m.exec(human.stdout)![1]!;
    const prefix = /^prefix\s+(\S+)$/m.exec(human.stdout)![1]!;
    expect(humanKey.startsWith(prefix)).toBe(true);
    expect(human.stderr).toMatch(/shown only this once and cannot be shown again/);
    // JSON: the response exactly, the key included; the name defaults on the server.
    const created = await conformJson<ApiKey & { key: string }>('createApiKey', json);
    expect(created).toMatchObject({ tenant_id: tenant.id, name: 'default', revoked_at: null });
    expect(json.stderr).toBe('');
    expectApiError(unknownTenant, 'NOT_FOUND');
    expectApiError(badTenant, 'VALIDATION_ERROR');
    expectUsageError(noTenant, /required option '--tenant <id>' not specified/);

    // The new keys work for the CLI as the new tenant (which has no models yet).
    const [models, modelsHuman] = await Promise.all([
      suite.cli(['models', 'list', '--api-key', created.key, '--json']),
      suite.cli(['models', 'list'], { env: { COMPUTEPLANE_API_KEY: humanKey } }),
    ]);
    expect((await conformJson<{ models: unknown[] }>('listModels', models)).models).toEqual([]);
    expect(modelsHuman.code, modelsHuman.stderr).toBe(0);

    const [keysTable, keysJson, allKeys] = await Promise.all([
      suite.cli(['admin', 'keys', 'list', '--tenant', tenant.id], asAdmin),
      suite.cli(['admin', 'keys', 'list', '--tenant', tenant.id, '--json'], asAdmin),
      suite.cli(['admin', 'keys', 'list', '--json'], asAdmin),
    ]);
    expect(keysTable.stdout.split('\n')[0]).toMatch(/^ID\s+TENANT\s+NAME\s+PREFIX\s+CREATED\s+REVOKED$/);
    expect(keysTable.stdout).toMatch(
      new RegExp(`^${humanId}\\s+${tenant.id}\\s+laptop\\s+${prefix}\\s+\\S+\\s+-$`, 'm'),
    );
    expect(keysTable.stdout).not.toContain(humanKey);
    const page = await conformJson<{ api_keys: ApiKey[]; total: number }>('listApiKeys', keysJson);
    expect(page.api_keys.map((k) => k.id).sort()).toEqual([humanId, created.id].sort());
    expect(keysJson.stdout).not.toContain(created.key);
    const all = await conformJson<{ api_keys: ApiKey[]; total: number }>('listApiKeys', allKeys);
    expect(all.api_keys.map((k) => k.tenant_id)).toEqual(expect.arrayContaining([suite.server.tenantA, tenant.id]));

    // Revoked (human and --json, a 204: nothing printed), both keys are refused from then on.
    const [revoked, revokedJson] = await Promise.all([
      suite.cli(['admin', 'keys', 'revoke', created.id], asAdmin),
      suite.cli(['admin', 'keys', 'revoke', humanId, '--json'], asAdmin),
    ]);
    expect(revoked).toMatchObject({ code: 0, stdout: `Revoked API key ${created.id}.\n` });
    expect(revokedJson).toMatchObject({ code: 0, stdout: '' });
    const [refused, refusedEnv, again, missing, listedAfter] = await Promise.all([
      suite.cli(['models', 'list', '--api-key', created.key, '--json']),
      suite.cli(['models', 'list'], { env: { COMPUTEPLANE_API_KEY: humanKey } }),
      suite.cli(['admin', 'keys', 'revoke', created.id], asAdmin),
      suite.cli(['admin', 'keys', 'revoke', 'key_nosuchkey1'], asAdmin),
      suite.cli(['admin', 'keys', 'list', '--tenant', tenant.id, '--json'], asAdmin),
    ]);
    expectApiError(refused, 'AUTH_INVALID');
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 'AUTH_INVALID' } });
    expectApiError(refusedEnv, 'AUTH_INVALID');
    expect(again.code, again.stderr).toBe(0); // revoking a revoked key is a no-op
    expectApiError(missing, 'NOT_FOUND');
    const after = await conformJson<{ api_keys: ApiKey[] }>('listApiKeys', listedAfter);
    expect(after.api_keys.every((k) => typeof k.revoked_at === 'string')).toBe(true);
  });

  it("shows every customer's usage with the totals", async () => {
    const now = new Date();
    for (const failed of [0, 1])
      suite.server.app.tasks.record({
        tenantId: suite.server.tenantB,
        projectId: null,
        kind: 'inference',
        jobId: null,
        deviceId: 'dev_clitest',
        deviceKind: 'user',
        processor: 'gpu',
        tasks: 1,
        failed,
        computeMs: 1800,
        latencyMs: 1800,
        bytesIn: 2048,
        bytesOut: 10,
        finishedAt: now,
      });
    await suite.server.app.tasks.flush();
    expect((await unwrap(getAllUsage(suite.server.admin))).customers).toHaveLength(1);
    const [table, json] = await Promise.all([
      suite.cli(['admin', 'usage'], asAdmin),
      suite.cli(['admin', 'usage', '--json'], asAdmin),
    ]);
    const usage = await conformJson<{
      customers: { tenant_id: string; tenant_name: string; usage: { tasks: number; failed_tasks: number } }[];
      totals: { tasks: number };
    }>('getAllUsage', json);
    expect(usage.customers).toEqual([
      expect.objectContaining({
        tenant_id: suite.server.tenantB,
        tenant_name: 'beta',
        usage: expect.objectContaining({ tasks: 2, failed_tasks: 1 }),
      }),
    ]);
    expect(usage.totals.tasks).toBe(2);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TENANT\s+NAME\s+TASKS\s+FAILED\s+CPU H\s+GPU H\s+IN\s+OUT\s+EST\. COST\s+LAST HOUR$/);
    expect(lines[1]).toMatch(
      new RegExp(
        `^${suite.server.tenantB}\\s+beta\\s+2\\s+1\\s+0\\s+0\\.001\\s+4\\.0 KiB\\s+20 B\\s+\\S+ \\w+\\s+${now.toISOString().slice(0, 13)}$`,
      ),
    );
    expect(lines[2]).toMatch(/^TOTAL\s+-\s+2\s+1\s+0\s+0\.001\s+4\.0 KiB\s+20 B\s+\S+ \w+\s+-$/);
  });

  it('needs the admin key: missing (before any request), wrong, or a tenant key instead', async () => {
    const [missing, unreachable, wrong, tenantKeyOnly] = await Promise.all([
      suite.cli(['admin', 'tenants', 'list']),
      suite.cli(['admin', 'usage', '--base-url', 'http://127.0.0.1:9']),
      suite.cli(['admin', 'keys', 'list', '--admin-key', 'not-the-admin-key-at-all']),
      suite.cli(['admin', 'tenants', 'create', 'sneaky', '--admin-key', suite.server.keyA]),
    ]);
    const message = /^computeplane: this is an admin command: pass --admin-key <key> or set COMPUTEPLANE_ADMIN_KEY\n$/;
    expectUsageError(missing, message);
    expectUsageError(unreachable, message); // no connection was tried
    expectApiError(wrong, 'AUTH_INVALID');
    expect(wrong.stderr).toMatch(/; check --admin-key or COMPUTEPLANE_ADMIN_KEY\n$/);
    expectApiError(tenantKeyOnly, 'AUTH_INVALID');
  });

  it('shows the admin key masked in config, and never saves it in the profile', async () => {
    const config = await suite.cli(['config', '--json'], asAdmin);
    const shown = JSON.parse(config.stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({ admin_key_from: 'env', api_key_from: 'env' });
    expect(shown.admin_key).toMatch(/^test…6789$/);
    expect(config.stdout).not.toContain(ADMIN_KEY);
    const human = await suite.cli(['config', '--admin-key', 'flag-admin-key-0123']);
    expect(human.stdout).toMatch(/^admin_key\s+flag…0123$/m);
    expect(human.stdout).toMatch(/^admin_key_from\s+flag$/m);
    expect((await suite.cli(['config'])).stdout).toMatch(/^admin_key_from\s+none$/m);

    const home = await mkdtemp(join(suite.home, 'admin-login-'));
    const login = await suite.cli(['login', '--admin-key', ADMIN_KEY], { home, ...asAdmin });
    expect(login.code, login.stderr).toBe(0);
    const file = await readFile(join(home, '.config', 'computeplane', 'config.json'), 'utf8');
    expect(file).not.toContain(ADMIN_KEY);
    expect(JSON.parse(file)).toEqual({
      default_profile: 'default',
      profiles: { default: { base_url: suite.server.baseUrl, api_key: suite.server.keyA } },
    });
  });
});
