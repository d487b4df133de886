/**
 * Helpers of the projects and dashboard areas: every project (an iterator), and waiters for a project to
 * end and for a performance benchmark to finish. Same calling style as `iterators.ts` and `waiters.ts`.
 */
import { paginate, pollUntil, type Computeplane, type PollOptions } from '../core/index.js';
import { getPerfBenchmark, type PerfBenchmark } from '../generated/dashboard.operations.js';
import type { paths as ProjectsPaths } from '../generated/projects.js';
import { getProject, listProjects, type Project } from '../generated/projects.operations.js';

export type ProjectFilters = Omit<
  NonNullable<ProjectsPaths['/api/v1/projects']['get']['parameters']['query']>,
  'limit' | 'offset'
>;

/** Every project of the client's tenant, newest first (`@computeplane/sdk/projects`). */
export function iterateProjects(
  client: Computeplane,
  filters: ProjectFilters = {},
  pageSize = 100,
): AsyncGenerator<Project, void, undefined> {
  return paginate(
    (page) => listProjects(client, { params: { query: { ...filters, ...page } } }),
    (body) => body.projects,
    { pageSize },
  );
}

/** Polls a project until it is completed or cancelled, and returns it (`@computeplane/sdk/projects`). */
export function waitForProject(client: Computeplane, id: string, options: PollOptions = {}): Promise<Project> {
  return pollUntil(
    () => getProject(client, { params: { path: { id } } }),
    (project) => project.status !== 'active',
    options,
  );
}

/** Polls a performance benchmark until it is completed or failed (`@computeplane/sdk/dashboard`). */
export function waitForPerfBenchmark(
  client: Computeplane,
  id: string,
  options: PollOptions = {},
): Promise<PerfBenchmark> {
  return pollUntil(
    () => getPerfBenchmark(client, { params: { path: { id } } }),
    (benchmark) => benchmark.status !== 'running',
    { intervalMs: 1_000, ...options },
  );
}
