/** `@computeplane/sdk/dashboard`: the dashboard's views, the project stream and benchmarks, plus a benchmark waiter. */
export * from '../generated/dashboard.operations.js';
export { waitForPerfBenchmark } from '../lib/projects-helpers.js';
