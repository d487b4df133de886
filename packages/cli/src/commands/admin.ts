/**
 * `computeplane admin tenants|keys|usage`: the operator's commands (openapi/admin.yaml and GET
 * /api/v1/admin/usage). They send the admin key (X-Admin-Key) from --admin-key or COMPUTEPLANE_ADMIN_KEY, which
 * is never saved in the profile; without one they stop with a usage error before any request.
 */
import type { Command } from 'commander';
import {
  createApiKey,
  createTenant,
  listApiKeys,
  listTenants,
  revokeApiKey,
  type ApiKeyWithSecret,
  type Tenant,
} from '@computeplane/sdk/admin';
import { getAllUsage, type UsageFigures } from '@computeplane/sdk/usage';
import { action, type CommandContext } from '../core/context.js';
import { withExamples } from '../core/help.js';
import { notePage, pageOptions, type PageFlags } from '../core/paging.js';
import { formatBytes } from '../core/progress.js';

export function registerAdmin(program: Command): void {
  const admin = program
    .command('admin')
    .description('operator commands (admin key: --admin-key or COMPUTEPLANE_ADMIN_KEY): tenants, API keys, usage');
  registerTenants(admin.command('tenants').description('tenants: every platform resource belongs to one'));
  registerKeys(admin.command('keys').description("tenants' API keys: create (shown once), list, revoke"));

  withExamples(
    admin
      .command('usage')
      .description("every tenant's compute usage (all retained hours) and the totals, one row per customer")
      .action(
        action(async (ctx) => {
          const usage = await ctx.call(getAllUsage(ctx.adminClient(), {}, { signal: ctx.signal }));
          ctx.out.result(usage, () => {
            const rows = [
              ...usage.customers.map((c) => ({
                id: c.tenant_id,
                name: c.tenant_name,
                usage: c.usage,
                last: c.last_hour,
              })),
              ...(usage.customers.length > 0 ? [{ id: 'TOTAL', name: '', usage: usage.totals, last: null }] : []),
            ];
            ctx.out.table(
              rows,
              [
                { header: 'TENANT', value: (r) => r.id },
                { header: 'NAME', value: (r) => r.name },
                { header: 'TASKS', value: (r) => r.usage.tasks },
                { header: 'FAILED', value: (r) => r.usage.failed_tasks },
                { header: 'CPU H', value: (r) => short(r.usage.cpu_hours) },
                { header: 'GPU H', value: (r) => short(r.usage.gpu_hours) },
                { header: 'IN', value: (r) => formatBytes(r.usage.bytes_in) },
                { header: 'OUT', value: (r) => formatBytes(r.usage.bytes_out) },
                { header: 'EST. COST', value: (r) => cost(r.usage) },
                { header: 'LAST HOUR', value: (r) => r.last },
              ],
              { empty: 'No usage recorded yet.' },
            );
          });
        }),
      ),
    ['computeplane admin usage', 'COMPUTEPLANE_ADMIN_KEY=$ADMIN_KEY computeplane admin usage --json'],
  );
}

function registerTenants(tenants: Command): void {
  withExamples(
    tenants
      .command('create')
      .description('create a tenant; give it API keys with `admin keys create --tenant <id>`')
      .argument('<name>', 'the tenant name (1-120 characters)')
      .action(
        action<[string], object>(async (ctx, name) => {
          const tenant = await ctx.call(createTenant(ctx.adminClient(), { body: { name } }, { signal: ctx.signal }));
          ctx.out.result(tenant, () => printTenant(ctx, tenant));
        }),
      ),
    ['computeplane admin tenants create acme-research', 'computeplane admin tenants create acme --json'],
  );

  withExamples(
    pageOptions(tenants.command('list').description('list every tenant, oldest first'), 'tenants').action(
      action<[], PageFlags>(async (ctx, flags) => {
        const query = { limit: flags.limit, offset: flags.offset };
        const page = await ctx.call(listTenants(ctx.adminClient(), { params: { query } }, { signal: ctx.signal }));
        ctx.out.result(page, () => {
          ctx.out.table(
            page.tenants,
            [
              { header: 'ID', value: (t) => t.id },
              { header: 'NAME', value: (t) => t.name },
              { header: 'CREATED', value: (t) => t.created_at },
            ],
            { empty: 'No tenants. Create one: computeplane admin tenants create <name>' },
          );
          notePage(ctx.out, page.offset, page.tenants.length, page.total);
        });
      }),
    ),
    ['computeplane admin tenants list', 'computeplane admin tenants list --limit 20 --offset 20 --json'],
  );
}

function registerKeys(keys: Command): void {
  withExamples(
    keys
      .command('create')
      .description("create an API key for a tenant; the key is printed once and can't be shown again")
      .requiredOption('--tenant <id>', 'the tenant (tnt_...) the key acts as')
      .option('--name <name>', 'a label for the key (default: "default")')
      .action(
        action<[], { tenant: string; name?: string }>(async (ctx, flags) => {
          const body = { tenant_id: flags.tenant, ...(flags.name !== undefined ? { name: flags.name } : {}) };
          const created = await ctx.call(createApiKey(ctx.adminClient(), { body }, { signal: ctx.signal }));
          ctx.out.result(created, () => printCreatedKey(ctx, created));
        }),
      ),
    [
      'computeplane admin keys create --tenant tnt_7q2m9x4k3v8r --name ci',
      'computeplane admin keys create --tenant tnt_7q2m9x4k3v8r --json | jq -r .key',
    ],
  );

  withExamples(
    pageOptions(
      keys
        .command('list')
        .description('list API keys (never the keys themselves, only their prefix), newest first')
        .option('--tenant <id>', "only this tenant's keys"),
      'keys',
    ).action(
      action<[], PageFlags & { tenant?: string }>(async (ctx, flags) => {
        const query = { tenant_id: flags.tenant, limit: flags.limit, offset: flags.offset };
        const page = await ctx.call(listApiKeys(ctx.adminClient(), { params: { query } }, { signal: ctx.signal }));
        ctx.out.result(page, () => {
          ctx.out.table(
            page.api_keys,
            [
              { header: 'ID', value: (k) => k.id },
              { header: 'TENANT', value: (k) => k.tenant_id },
              { header: 'NAME', value: (k) => k.name },
              { header: 'PREFIX', value: (k) => k.prefix },
              { header: 'CREATED', value: (k) => k.created_at },
              { header: 'REVOKED', value: (k) => k.revoked_at },
            ],
            { empty: 'No API keys.' },
          );
          notePage(ctx.out, page.offset, page.api_keys.length, page.total);
        });
      }),
    ),
    ['computeplane admin keys list', 'computeplane admin keys list --tenant tnt_7q2m9x4k3v8r --json'],
  );

  withExamples(
    keys
      .command('revoke')
      .description('revoke an API key: requests with it are refused from now on (revoking twice is a no-op)')
      .argument('<id>', 'the key id (key_...), as `admin keys list` shows it')
      .action(
        action<[string], object>(async (ctx, id) => {
          await ctx.call(revokeApiKey(ctx.adminClient(), { params: { path: { id } } }, { signal: ctx.signal }));
          ctx.out.done(`Revoked API key ${id}.`);
        }),
      ),
    ['computeplane admin keys revoke key_m4q7r8k3v9x2'],
  );
}

function printTenant(ctx: CommandContext, tenant: Tenant): void {
  ctx.out.fields([
    ['id', tenant.id],
    ['name', tenant.name],
    ['created', tenant.created_at],
  ]);
}

/** The key's metadata, then the key itself on a labelled line of its own, and a note that it is shown once. */
function printCreatedKey(ctx: CommandContext, created: Omit<ApiKeyWithSecret, 'revoked_at'>): void {
  ctx.out.fields([
    ['id', created.id],
    ['tenant', created.tenant_id],
    ['name', created.name],
    ['prefix', created.prefix],
    ['created', created.created_at],
  ]);
  ctx.out.line();
  ctx.out.line(`API key: ${created.key}`);
  ctx.out.note('Save the API key now: it is shown only this once and cannot be shown again.');
}

/** Hours to 4 significant digits (0.000208 h of one short task is still shown). */
const short = (value: number) => (value === 0 ? '0' : String(Number(value.toPrecision(4))));

const cost = (usage: UsageFigures) => `${short(usage.estimated_cost.total)} ${usage.estimated_cost.currency}`;
