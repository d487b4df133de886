/**
 * `computeplane dashboard <project>`: the project's live stream (SSE, text format). On a terminal one block
 * redrawn in place (log-update); on a pipe each update printed as its own block. It ends when the project
 * ends (exit 0), after `--count` updates, or on Ctrl-C (130). With --json: each update's project, one JSON
 * document per line, as the API sends it. Its subcommands (dashboard-views.ts, dashboard-overview.ts) are the
 * aggregated views; project ids start with `proj_`, so they never take a subcommand's name.
 */
import type { Command } from 'commander';
import { stripVTControlCharacters } from 'node:util';
import { streamProjectEvents } from '@computeplane/sdk/dashboard';
import { action, type CommandContext } from '../core/context.js';
import { CommandError } from '../core/errors.js';
import { withExamples } from '../core/help.js';
import { parseCount } from '../core/input.js';
import { colorEnabled } from '../core/output.js';
import { createLogUpdate } from '../core/lazy-require.js';
import { registerDashboardOverview } from './dashboard-overview.js';
import { registerDashboardViews } from './dashboard-views.js';

export function registerDashboard(program: Command): void {
  const dashboard = program.command('dashboard');
  withExamples(
    dashboard
      .description(
        'follow a project live: progress, task counts, latency and throughput, redrawn as they change; or an aggregated view (devices, jobs, projects, tasks, throughput, efficiency, comparison, utilization)',
      )
      .argument('<project>', 'project id')
      .option(
        '--interval <ms>',
        'update interval (100-60000 ms, default 2000)',
        parseCount('--interval', { min: 100, max: 60_000 }),
      )
      .option('--count <n>', 'stop after this many updates', parseCount('--count'))
      .action(
        action<[string], { interval?: number; count?: number }>(async (ctx, project, flags) => {
          const events = streamProjectEvents(
            ctx.client,
            project,
            { format: ctx.out.json ? 'json' : 'text', ...(flags.interval ? { interval: flags.interval } : {}) },
            { signal: ctx.signal },
          );
          const view = projectView(ctx, project);
          let updates = 0;
          try {
            for await (const event of events) {
              if (event.event === 'end') {
                view.end(event.data);
                return;
              }
              if (event.event !== 'stats') continue;
              updates += 1;
              view.update(event.data, updates);
              if (flags.count !== undefined && updates >= flags.count) return;
            }
          } finally {
            view.stop();
          }
          throw new CommandError(`the stream of ${project} closed before the project ended; run the command again`);
        }),
      ),
    [
      'computeplane dashboard proj_k3v9x2m4q7r8',
      'computeplane dashboard proj_k3v9x2m4q7r8 --interval 500 --count 10 | tee progress.log',
      'computeplane dashboard proj_k3v9x2m4q7r8 --json --count 1',
      'computeplane dashboard jobs',
    ],
  );
  registerDashboardViews(dashboard);
  registerDashboardOverview(dashboard);
}

interface ProjectView {
  update(data: string, count: number): void;
  end(status: string): void;
  stop(): void;
}

function projectView(ctx: CommandContext, project: string, stream: NodeJS.WriteStream = process.stdout): ProjectView {
  if (ctx.out.json)
    return {
      update: (data) => ctx.out.line(data),
      end() {},
      stop() {},
    };
  const styled = colorEnabled(stream);
  const block = (data: string, count: number) => {
    const line = styled ? data : stripVTControlCharacters(data);
    const time = new Date().toISOString().slice(11, 19);
    return `${ctx.out.color.dim(`${project}  update ${count}  ${time}`)}\n${line}`;
  };
  if (stream.isTTY !== true)
    return {
      update: (data, count) => ctx.out.line(`${block(data, count)}\n`),
      end: (status) => ctx.out.line(`${project} ended: ${status}`),
      stop() {},
    };
  const render = createLogUpdate(stream);
  let stopped = false;
  return {
    update: (data, count) => render(`${block(data, count)}\n${ctx.out.color.dim('Ctrl-C to stop')}`),
    end(status) {
      render.done();
      stopped = true;
      ctx.out.line(`${project} ended: ${status}`);
    },
    stop() {
      if (!stopped) render.done();
      stopped = true;
    },
  };
}
