/** `@computeplane/sdk/health`: liveness, readiness, detailed health, metrics and the served specs. */
export * from '../generated/health.operations.js';
