/**
 * `@computeplane/sdk/instances`: instances from OCI images (create, lifecycle, logs, wait, stats), volumes
 * and images, at the seed's root paths; waitForImage() polls a pull, parseLogEvents() reads a log stream.
 */
export * from '../generated/instances.operations.js';
export { ImagePullError, parseLogEvents, waitForImage } from '../lib/instances-helpers.js';
