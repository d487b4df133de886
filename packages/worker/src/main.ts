#!/usr/bin/env node
/**
 * `computeplane-worker`: starts one device from flags and environment variables; SIGTERM/SIGINT stop it. A
 * refusal retrying cannot cure (API key, or the device's token without --reregister) exits 1 with one line.
 */
import { startDeviceWorker } from './device-worker.js';
import { startPeer } from './peer.js';
import { parseOptions, USAGE } from './options.js';

if (process.argv.includes('--help')) {
  console.log(USAGE);
  process.exit(0);
}
let options;
try {
  options = parseOptions(process.argv.slice(2), process.env);
} catch (error) {
  console.error(`computeplane-worker: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(2);
}
const worker = await startDeviceWorker(options);
worker.log.info(`computeplane-worker ${options.name} joining ${options.server}`);
let peer: Awaited<ReturnType<typeof startPeer>> | undefined;
if (options.listen) {
  try {
    peer = await startPeer({ ...options, listen: options.listen }, worker);
  } catch (error) {
    console.error(
      `computeplane-worker: cannot listen on ${options.listen.host}:${options.listen.port}: ${(error as Error).message}`,
    );
    await worker.stop();
    process.exit(1);
  }
}
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, () => {
    void Promise.all([peer?.stop(), worker.stop()]).then(() => process.exit(0));
  });
void worker.failed.then(async (message) => {
  console.error(`computeplane-worker: ${message}`);
  await worker.stop();
  process.exit(1);
});
