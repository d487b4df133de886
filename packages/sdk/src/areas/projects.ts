/** `@computeplane/sdk/projects`: projects and their analytics, plus an iterator and a waiter. */
export * from '../generated/projects.operations.js';
export { iterateProjects, waitForProject, type ProjectFilters } from '../lib/projects-helpers.js';
