/**
 * `computeplane projects create|list|get|analytics|complete|cancel`: projects group the inference and training
 * tasks that name them (`project_id`); each counts its tasks, and its analytics give latency percentiles,
 * throughput and the comparison per device and instance type. The printing lives in projects-format.ts.
 */
import { Option, type Command } from 'commander';
import {
  cancelProject,
  completeProject,
  createProject,
  getProject,
  getProjectAnalytics,
  listProjects,
  type ProjectCreate,
  type ProjectStatus,
  type ProjectType,
} from '@computeplane/sdk/projects';
import { action } from '../core/context.js';
import { withExamples } from '../core/help.js';
import { parseCount } from '../core/input.js';
import { notePage } from '../core/paging.js';
import { PROJECT_COLUMNS, printAnalytics, printProject } from './projects-format.js';

const TYPES: ProjectType[] = ['realtime', 'batch', 'training', 'benchmark'];
const STATUSES: ProjectStatus[] = ['active', 'completed', 'cancelled'];

interface CreateFlags {
  type?: ProjectType;
  model?: string;
  totalTasks?: number;
}

interface ListFlags {
  status?: ProjectStatus;
  type?: ProjectType;
  limit?: number;
  offset?: number;
}

export function registerProjects(program: Command): void {
  const projects = program
    .command('projects')
    .description('projects group inference and training tasks: create, list, progress, analytics, complete, cancel');

  withExamples(
    projects
      .command('create')
      .description(
        'create a project; inference requests and jobs join it by naming its id (project_id, train --project)',
      )
      .argument('<name>', 'project name')
      .addOption(new Option('--type <type>', 'project type (default realtime)').choices(TYPES))
      .option('--model <id>', 'the model the project is about')
      .option(
        '--total-tasks <n>',
        'expected number of tasks, what progress is measured against',
        parseCount('--total-tasks', { max: 2_147_483_647 }),
      )
      .action(
        action<[string], CreateFlags>(async (ctx, name, flags) => {
          const body: ProjectCreate = { name, type: flags.type, model_id: flags.model, total_tasks: flags.totalTasks };
          const project = await ctx.call(createProject(ctx.client, { body }, { signal: ctx.signal }));
          ctx.out.result(project, () => printProject(ctx, project));
        }),
      ),
    [
      'computeplane projects create "Production API"',
      'computeplane projects create "Image batch" --type batch --model model_abc123 --total-tasks 100 --json',
    ],
  );

  withExamples(
    projects
      .command('list')
      .description("list the tenant's projects, newest first")
      .addOption(new Option('--status <status>', 'only projects in this status').choices(STATUSES))
      .addOption(new Option('--type <type>', 'only projects of this type').choices(TYPES))
      .option('--limit <n>', 'projects per page (1-1000)', parseCount('--limit', { max: 1000 }))
      .option('--offset <n>', 'projects to skip', parseCount('--offset', { min: 0 }))
      .action(
        action<[], ListFlags>(async (ctx, flags) => {
          const query = { status: flags.status, type: flags.type, limit: flags.limit, offset: flags.offset };
          const page = await ctx.call(listProjects(ctx.client, { params: { query } }, { signal: ctx.signal }));
          ctx.out.result(page, () => {
            ctx.out.table(page.projects, PROJECT_COLUMNS, {
              empty: 'No projects. Create one: computeplane projects create <name>',
            });
            notePage(ctx.out, page.offset, page.projects.length, page.total);
          });
        }),
      ),
    [
      'computeplane projects list',
      'computeplane projects list --status active --type realtime',
      'computeplane projects list --limit 20 --offset 20 --json',
    ],
  );

  withExamples(
    projects
      .command('get')
      .description('show a project: its progress, task counts and metrics')
      .argument('<id>', 'the project id')
      .action(
        action<[string], object>(async (ctx, id) => {
          const project = await ctx.call(getProject(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }));
          ctx.out.result(project, () => printProject(ctx, project));
        }),
      ),
    ['computeplane projects get proj_abc123', 'computeplane projects get proj_abc123 --json'],
  );

  withExamples(
    projects
      .command('analytics')
      .description("a project's latency percentiles, throughput, success rate, per instance type and device")
      .argument('<id>', 'the project id')
      .option(
        '--bucket-size <seconds>',
        'width of a throughput bucket in seconds (default 60)',
        parseCount('--bucket-size', { max: 86_400 }),
      )
      .action(
        action<[string], { bucketSize?: number }>(async (ctx, id, flags) => {
          const request = { params: { path: { id }, query: { bucket_size: flags.bucketSize } } };
          const analytics = await ctx.call(getProjectAnalytics(ctx.client, request, { signal: ctx.signal }));
          ctx.out.result(analytics, () => printAnalytics(ctx, analytics));
        }),
      ),
    ['computeplane projects analytics proj_abc123', 'computeplane projects analytics proj_abc123 --bucket-size 3600'],
  );

  withExamples(
    projects
      .command('complete')
      .description('mark an active project complete (how a realtime project ends); refused once it has ended')
      .argument('<id>', 'the project id')
      .action(
        action<[string], object>(async (ctx, id) => {
          const project = await ctx.call(
            completeProject(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }),
          );
          ctx.out.result(project, () => printProject(ctx, project));
        }),
      ),
    ['computeplane projects complete proj_abc123'],
  );

  withExamples(
    projects
      .command('cancel')
      .description('cancel a project and every job of it that has not ended (async, batch, training)')
      .argument('<id>', 'the project id')
      .action(
        action<[string], object>(async (ctx, id) => {
          const cancelled = await ctx.call(
            cancelProject(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }),
          );
          ctx.out.result(cancelled, () => {
            const { inference, training } = cancelled.cancelled_jobs;
            ctx.out.fields([
              ['id', cancelled.project.id],
              ['status', cancelled.project.status],
              ['cancelled at', cancelled.project.cancelled_at],
              ['inference jobs', inference.length === 0 ? 'none cancelled' : inference],
              ['training jobs', training.length === 0 ? 'none cancelled' : training],
            ]);
          });
        }),
      ),
    ['computeplane projects cancel proj_abc123', 'computeplane projects cancel proj_abc123 --json'],
  );
}
