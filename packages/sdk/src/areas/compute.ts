/**
 * `@computeplane/sdk/compute`: the compute workspace. Provision a worker as one job and wait for it with
 * waitForJob() (stage by stage), terminate its instance, register, list and remove compute peers.
 */
export * from '../generated/compute.operations.js';
export { JobFailedError, waitForJob, type JobWaitOptions } from '../lib/job-waiter.js';
