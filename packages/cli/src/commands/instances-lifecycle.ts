/**
 * `computeplane instances start|stop|pause|resume|standby|restore|fork|wait|update`: the state machine's verbs, each
 * one API call that answers the instance after the transition; `wait` blocks until a state is reached; `update`
 * sets env values (a credential's source rotates live; others apply at the next start).
 */
import type { Command } from 'commander';
import {
  forkInstance,
  pauseInstance,
  restoreInstance,
  resumeInstance,
  standbyInstance,
  startInstance,
  stopInstance,
  updateInstance,
  waitForInstanceState,
  type Instance,
  type InstanceState,
  type WaitResult,
} from '@computeplane/sdk/instances';
import type { ApiResult, Computeplane, RequestOptions } from '@computeplane/sdk';
import { action, type CommandContext } from '../core/context.js';
import { CommandError, UsageError } from '../core/errors.js';
import { withExamples } from '../core/help.js';
import { collectPairs } from '../core/input.js';
import { parseTimeout } from '../core/settings.js';
import { parseState, printInstance, STATES } from './instances-format.js';

type Transition = (
  client: Computeplane,
  init: { params: { path: { id: string } } },
  options?: RequestOptions,
) => Promise<ApiResult<Instance>>;

const VERBS: { name: string; call: Transition; description: string }[] = [
  { name: 'start', call: startInstance, description: 'start a Stopped or Shutdown instance again' },
  { name: 'stop', call: stopInstance, description: 'stop the workload (SIGTERM, then SIGKILL); its container goes' },
  { name: 'pause', call: pauseInstance, description: 'freeze a Running instance (cgroup freezer)' },
  { name: 'resume', call: resumeInstance, description: 'thaw a Paused instance' },
  {
    name: 'standby',
    call: standbyInstance,
    description: 'checkpoint a Paused instance to disk (CRIU); 422 standby_unavailable where CRIU cannot',
  },
  { name: 'restore', call: restoreInstance, description: 'restore a Standby instance from its checkpoint and run it' },
];

export function registerInstanceLifecycle(instances: Command): void {
  for (const verb of VERBS)
    withExamples(
      instances
        .command(verb.name)
        .description(verb.description)
        .argument('<instance>', 'instance id or name')
        .action(
          action<[string], object>(async (ctx, id) => {
            const instance = await ctx.call(
              verb.call(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }),
            );
            ctx.out.result(instance, () => printInstance(ctx, instance));
          }),
        ),
      [`computeplane instances ${verb.name} my-workload-1`, `computeplane instances ${verb.name} my-workload-1 --json`],
    );

  withExamples(
    instances
      .command('fork')
      .description("create a new instance from a Standby instance's checkpoint")
      .argument('<instance>', 'the Standby instance (id or name)')
      .requiredOption('--name <name>', 'name of the new instance')
      .action(
        action<[string], { name: string }>(async (ctx, id, flags) => {
          const instance = await ctx.call(
            forkInstance(ctx.client, { params: { path: { id } }, body: { name: flags.name } }, { signal: ctx.signal }),
          );
          ctx.out.result(instance, () => printInstance(ctx, instance));
        }),
      ),
    ['computeplane instances fork my-workload-1 --name my-workload-2'],
  );

  withExamples(
    instances
      .command('update')
      .description("set values in an instance's env (a credential's source rotates live; others apply at next start)")
      .argument('<instance>', 'instance id or name')
      .option('-e, --env <KEY=VALUE>', 'value to set (repeatable; at least one)', collectPairs('--env'))
      .action(
        action<[string], { env?: Record<string, string> }>(async (ctx, id, flags) => {
          if (!flags.env) throw new UsageError('instances update needs at least one --env KEY=VALUE');
          const instance = await ctx.call(
            updateInstance(ctx.client, { params: { path: { id } }, body: { env: flags.env } }, { signal: ctx.signal }),
          );
          ctx.out.result(instance, () => printInstance(ctx, instance));
        }),
      ),
    [
      'computeplane instances update my-workload-1 --env LOG_LEVEL=debug',
      'computeplane instances update my-workload-1 -e OUTBOUND_OPENAI_KEY=sk-new-value --json',
    ],
  );

  withExamples(
    instances
      .command('wait')
      .description('wait until an instance is in a state; exit 1 when --max-wait passes first')
      .argument('<instance>', 'instance id or name')
      .requiredOption('--state <state>', `the state to wait for (${STATES.join(', ')})`, parseState)
      .option(
        '--max-wait <duration>',
        'give up after this long: 30s, 1500ms, 2m (at most 5m; default 60s)',
        parseTimeout,
      )
      .action(
        action<[string], { state: InstanceState; maxWait?: number }>(async (ctx, id, flags) => {
          const result = await waitForState(ctx, id, flags.state, flags.maxWait);
          ctx.out.result(result, () => ctx.out.line(result.state));
          if (result.timed_out)
            throw new CommandError(
              `instance ${id} is ${result.state}, not ${flags.state}, after ${(flags.maxWait ?? 60_000) / 1000}s`,
            );
          if (result.state_error) throw new CommandError(`instance ${id} is ${result.state}: ${result.state_error}`);
        }),
      ),
    [
      'computeplane instances wait my-workload-1 --state Running',
      'computeplane instances wait my-workload-1 --state Shutdown --max-wait 5m --json',
    ],
  );
}

/** One server-side wait; the request may take as long as the wait plus the usual request timeout. */
export async function waitForState(
  ctx: CommandContext,
  id: string,
  state: InstanceState,
  maxWaitMs = 60_000,
): Promise<WaitResult> {
  return ctx.call(
    waitForInstanceState(
      ctx.client,
      { params: { path: { id }, query: { state, timeout: `${maxWaitMs}ms` } } },
      { signal: ctx.signal, timeoutMs: maxWaitMs + ctx.settings.timeoutMs },
    ),
  );
}
