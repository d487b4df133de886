/**
 * `@computeplane/sdk/training`: start, watch, pause, resume and cancel training jobs, plus a waiter that
 * polls a job until it ends and reports its progress.
 */
export * from '../generated/training.operations.js';
export { waitForTraining, type TrainingWaitOptions } from '../lib/training-waiter.js';
