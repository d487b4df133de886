/**
 * `@computeplane/sdk/dashboard`: the dashboard's views, the project stream (whole, or event by event with
 * streamProjectEvents) and benchmarks, plus a benchmark waiter.
 */
export * from '../generated/dashboard.operations.js';
export { waitForPerfBenchmark } from '../lib/projects-helpers.js';
export { streamProjectEvents, type ProjectStreamEvent, type ProjectStreamQuery } from '../lib/project-stream.js';
