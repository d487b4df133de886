/** `computeplane devices list|get|logs|stats`: the devices that joined (and each server's built-in one). */
import { Option, type Command } from 'commander';
import { getDevice, getDeviceLogs, getDeviceStats, listDevices, type Device } from '@computeplane/sdk/devices';
import { action, type CommandContext } from '../core/context.js';
import { withExamples } from '../core/help.js';
import { parseCount } from '../core/input.js';
import { formatBytes } from '../core/progress.js';
import { notePage } from '../core/paging.js';

export function registerDevices(program: Command): void {
  const devices = program.command('devices').description('list devices, inspect one, pull its logs');

  withExamples(
    devices
      .command('list')
      .description("list the tenant's devices (the server's built-in device first, then the newest)")
      .addOption(new Option('--status <status>', 'only devices with this status').choices(['idle', 'busy', 'offline']))
      .option('--limit <n>', 'devices per page (1-1000)', parseCount('--limit', { max: 1000 }))
      .option('--offset <n>', 'devices to skip', parseCount('--offset', { min: 0 }))
      .action(
        action<[], { status?: Device['status']; limit?: number; offset?: number }>(async (ctx, flags) => {
          const query = { status: flags.status, limit: flags.limit, offset: flags.offset };
          const page = await ctx.call(listDevices(ctx.client, { params: { query } }, { signal: ctx.signal }));
          ctx.out.result(page, () => {
            ctx.out.table(
              page.devices,
              [
                { header: 'ID', value: (d) => d.id },
                { header: 'NAME', value: (d) => d.name },
                { header: 'KIND', value: (d) => d.kind },
                { header: 'STATUS', value: (d) => statusText(ctx, d.status) },
                { header: 'PLATFORM', value: (d) => `${d.capabilities.sdk_type} ${d.capabilities.sdk_version}` },
                { header: 'CPU', value: (d) => d.capabilities.cpu_cores },
                { header: 'GPU', value: (d) => d.capabilities.gpu?.name },
                {
                  header: 'TASKS',
                  value: (d) => `${d.metrics.running_tasks} running, ${d.metrics.tasks_completed} done`,
                },
                { header: 'LAST HEARTBEAT', value: (d) => d.last_heartbeat_at },
              ],
              { empty: 'No devices. Start one: computeplane-worker --server <url>' },
            );
            notePage(ctx.out, page.offset, page.devices.length, page.total);
          });
        }),
      ),
    ['computeplane devices list', 'computeplane devices list --status idle --json'],
  );

  withExamples(
    devices
      .command('get')
      .description('show a device: hardware, capabilities and live metrics')
      .argument('<device>', 'device id (dev_... or local/<node>)')
      .action(
        action<[string], object>(async (ctx, id) => {
          const device = await ctx.call(getDevice(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }));
          ctx.out.result(device, () => printDevice(ctx, device));
        }),
      ),
    ['computeplane devices get dev_k3v9x2m4q7r8', 'computeplane devices get local/node-1 --json'],
  );

  withExamples(
    devices
      .command('logs')
      .description("pull a device's most recent log lines over its socket (oldest first)")
      .argument('<device>', 'device id')
      .option('-n, --lines <n>', 'most recent lines (1-10000, default 100)', parseCount('--lines', { max: 10_000 }))
      .addOption(
        new Option('--level <level>', 'only lines of this level').choices(['all', 'debug', 'info', 'warn', 'error']),
      )
      .option(
        '--wait <ms>',
        'how long the device may take to answer (100-30000 ms)',
        parseCount('--wait', { min: 100, max: 30_000 }),
      )
      .action(
        action<[string], { lines?: number; level?: 'all' | 'debug' | 'info' | 'warn' | 'error'; wait?: number }>(
          async (ctx, id, flags) => {
            const query = { lines: flags.lines, level: flags.level, timeout: flags.wait };
            const logs = await ctx.call(
              getDeviceLogs(ctx.client, { params: { path: { id }, query } }, { signal: ctx.signal }),
            );
            ctx.out.result(logs, () => {
              if (logs.entries.length === 0) ctx.out.note(`No log lines from ${logs.device_id}.`);
              for (const entry of logs.entries)
                ctx.out.line(`${ctx.out.color.dim(entry.at)} ${levelText(ctx, entry.level)} ${entry.message}`);
            });
          },
        ),
      ),
    ['computeplane devices logs dev_k3v9x2m4q7r8', 'computeplane devices logs dev_k3v9x2m4q7r8 -n 20 --level warn'],
  );

  withExamples(
    devices
      .command('stats')
      .description('counts by status and task totals over all devices')
      .action(
        action<[], object>(async (ctx) => {
          const stats = await ctx.call(getDeviceStats(ctx.client, {}, { signal: ctx.signal }));
          ctx.out.result(stats, () =>
            ctx.out.fields([
              ['devices', stats.total],
              ['idle', stats.idle],
              ['busy', stats.busy],
              ['offline', stats.offline],
              ['tasks completed', stats.tasks_completed],
              ['tasks failed', stats.tasks_failed],
              ['avg latency', stats.avg_latency_ms === null ? '-' : `${stats.avg_latency_ms.toFixed(1)} ms`],
            ]),
          );
        }),
      ),
    ['computeplane devices stats', 'computeplane devices stats --json'],
  );
}

function statusText(ctx: CommandContext, status: Device['status']): string {
  const { green, yellow, dim } = ctx.out.color;
  return status === 'idle' ? green(status) : status === 'busy' ? yellow(status) : dim(status);
}

function levelText(ctx: CommandContext, level: string): string {
  const { red, yellow, dim } = ctx.out.color;
  const padded = level.toUpperCase().padEnd(5);
  return level === 'error' ? red(padded) : level === 'warn' ? yellow(padded) : level === 'debug' ? dim(padded) : padded;
}

function printDevice(ctx: CommandContext, d: Device): void {
  const c = d.capabilities;
  const m = d.metrics;
  ctx.out.fields([
    ['id', d.id],
    ['name', d.name],
    ['kind', d.kind],
    ['status', statusText(ctx, d.status)],
    ['platform', `${c.platform}${c.arch ? `/${c.arch}` : ''}, ${c.sdk_type} ${c.sdk_version}`],
    ['cpu cores', c.cpu_cores],
    ['memory', formatBytes(c.memory_bytes)],
    ['gpu', c.gpu ? `${c.gpu.name} (${formatBytes(c.gpu.memory_bytes)})` : 'none'],
    ['providers', c.execution_providers],
    ['max tasks', c.max_tasks],
    ['running tasks', m.running_tasks],
    ['tasks', `${m.tasks_completed} completed, ${m.tasks_failed} failed`],
    ['avg latency', m.avg_latency_ms === null ? '-' : `${m.avg_latency_ms.toFixed(1)} ms`],
    ['last heartbeat', d.last_heartbeat_at],
    ['registered', d.registered_at],
  ]);
}
