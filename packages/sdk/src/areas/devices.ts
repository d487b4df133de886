/**
 * `@computeplane/sdk/devices`: devices that join over WebSocket. Register one (its X-SDK-Token), list them,
 * read their statistics and metrics, pull their logs; iterate over every device with iterateDevices().
 */
export * from '../generated/devices.operations.js';
export { iterateDevices, type DeviceFilters } from '../lib/iterators.js';
