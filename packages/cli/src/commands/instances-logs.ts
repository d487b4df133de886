/**
 * `computeplane instances logs <instance> [-f] [--tail N] [--source app|vmm|hypeman]`: the log stream (SSE) as
 * plain lines, printed as they arrive; with --follow until the workload ends or Ctrl-C.
 */
import type { Command } from 'commander';
import { streamInstanceLogs } from '@computeplane/sdk/instances';
import { action, type CommandContext } from '../core/context.js';
import { withEventStreamTap } from '../core/event-stream-tap.js';
import { withExamples } from '../core/help.js';
import { parseCount } from '../core/input.js';

type Source = 'app' | 'vmm' | 'hypeman';

export function registerInstanceLogs(instances: Command): void {
  withExamples(
    instances
      .command('logs')
      .description("print an instance's log lines (--json: each line as a JSON string, one per line)")
      .argument('<instance>', 'instance id or name')
      .option('-f, --follow', 'keep printing new lines until the workload ends (or Ctrl-C)')
      .option(
        '--tail <n>',
        'lines from the end to start with (0-10000; default 100)',
        parseCount('--tail', { min: 0, max: 10_000 }),
      )
      .option(
        '--source <source>',
        "app (the workload's stdout and stderr, default), vmm (runc) or hypeman (lifecycle events)",
      )
      .action(
        action<[string], { follow?: boolean; tail?: number; source?: string }>(async (ctx, id, flags) => {
          await printLogs(ctx, id, {
            follow: flags.follow === true,
            ...(flags.tail !== undefined ? { tail: flags.tail } : {}),
            ...(flags.source !== undefined ? { source: flags.source as Source } : {}),
          });
        }),
      ),
    [
      'computeplane instances logs my-workload-1',
      'computeplane instances logs my-workload-1 -f --tail 0',
      'computeplane instances logs my-workload-1 --source hypeman',
    ],
  );
}

/**
 * Prints the log lines as the server sends them. Each event's data is a JSON string: printed decoded, or as it
 * is with --json. Following never times out and is never retried (a retry would print lines twice).
 */
export async function printLogs(
  ctx: CommandContext,
  id: string,
  options: { follow: boolean; tail?: number; source?: Source },
): Promise<void> {
  const client = withEventStreamTap(ctx.client, (data) => {
    if (ctx.out.json) ctx.out.line(data);
    else ctx.out.line(decodeLine(data));
  });
  const query = { follow: options.follow, tail: options.tail, source: options.source };
  await ctx.call(
    streamInstanceLogs(
      client,
      { params: { path: { id }, query } },
      { signal: ctx.signal, ...(options.follow ? { timeoutMs: FOREVER_MS, maxRetries: 0 } : {}) },
    ),
  );
}

/** The longest timer Node accepts (about 24.8 days): "no timeout" for a followed stream. */
export const FOREVER_MS = 2_147_483_647;

function decodeLine(data: string): string {
  try {
    const line = JSON.parse(data) as unknown;
    return typeof line === 'string' ? line : data;
  } catch {
    return data;
  }
}
