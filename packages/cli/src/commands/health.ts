/**
 * `computeplane health [--detailed]` and `computeplane health ready`: is the server up, how is each of its
 * services, and does it take traffic. None of them needs an API key. A server that is not ready answers 503,
 * which ends `health ready` with exit 1 and one line saying why (for scripts and start-up waits).
 */
import type { Command } from 'commander';
import { getDetailedHealth, getHealth, getReadiness, type DetailedHealth } from '@computeplane/sdk/health';
import { action, type CommandContext } from '../core/context.js';
import { withExamples } from '../core/help.js';
import { formatBytes } from '../core/progress.js';

export function registerHealth(program: Command): void {
  const health = program
    .command('health')
    .description("the server's health: up or not, with --detailed each of its services")
    .option('--detailed', 'each service: database (with its latency), model store, storage, local provider');

  withExamples(
    health.action(
      action<[], { detailed?: boolean }>(async (ctx, flags) => {
        const options = { signal: ctx.signal };
        if (flags.detailed) {
          const detailed = await ctx.call(getDetailedHealth(ctx.client, {}, options));
          ctx.out.result(detailed, () => printDetailed(ctx, detailed));
          return;
        }
        const basic = await ctx.call(getHealth(ctx.client, {}, options));
        ctx.out.result(basic, () =>
          ctx.out.line(`${basic.status} (version ${basic.version}, ${ctx.settings.baseUrl}, ${basic.timestamp})`),
        );
      }),
    ),
    ['computeplane health', 'computeplane health --detailed', 'computeplane health ready || echo "not yet"'],
  );

  withExamples(
    health
      .command('ready')
      .description('whether the server takes traffic (exit 1 with the reason when it does not)')
      .action(
        action<[], object>(async (ctx) => {
          // A probe answers for now: no retry of a 503 (whose Retry-After would hold the answer back by seconds).
          const ready = await ctx.call(getReadiness(ctx.client, {}, { signal: ctx.signal, maxRetries: 0 }));
          ctx.out.result(ready, () => {
            const checks = Object.entries(ready.checks).map(([name, state]) => `${name} ${state}`);
            ctx.out.line(`${ready.status}${checks.length > 0 ? ` (${checks.join(', ')})` : ''}`);
          });
        }),
      ),
    ['computeplane health ready', 'until computeplane health ready 2>/dev/null; do sleep 2; done'],
  );
}

function printDetailed(ctx: CommandContext, health: DetailedHealth): void {
  ctx.out.fields([
    ['status', health.status],
    ['version', health.version],
    ['uptime', `${Math.round(health.uptime_seconds)} s`],
    ['time', health.timestamp],
  ]);
  ctx.out.line();
  const { database, model_store, dataset_store, storage, local_provider } = health.services;
  const rows: { name: string; status: string; detail: string }[] = [
    {
      name: 'database',
      status: database.status,
      detail: [database.driver, database.latency_ms != null ? `${database.latency_ms} ms` : undefined, database.error]
        .filter(Boolean)
        .join(', '),
    },
    { name: 'model_store', status: model_store.status, detail: `${model_store.models} models` },
  ];
  if (dataset_store)
    rows.push({ name: 'dataset_store', status: dataset_store.status, detail: `${dataset_store.datasets} datasets` });
  rows.push({
    name: 'storage',
    status: storage.status,
    detail: `${storage.files} files, ${formatBytes(storage.bytes)}`,
  });
  if (local_provider)
    rows.push({
      name: 'local_provider',
      status: local_provider.status,
      detail: [
        local_provider.available ? 'available' : 'unavailable',
        `tenants: ${local_provider.tenants}`,
        local_provider.reason,
      ]
        .filter(Boolean)
        .join(', '),
    });
  ctx.out.table(rows, [
    { header: 'SERVICE', value: (row) => row.name },
    { header: 'STATUS', value: (row) => row.status },
    { header: 'DETAIL', value: (row) => row.detail },
  ]);
}
