/**
 * `npm start -w examples/gpu-job-runner -- '<command>' [max price per hour]`: runs the command on the
 * cheapest offer of a running server (COMPUTEPLANE_BASE_URL, COMPUTEPLANE_API_KEY; defaults
 * http://localhost:8080 and test-api-key) and prints its output and cost.
 */
import { createClient } from '@computeplane/sdk';
import { runOnGpu } from './run-on-gpu.js';

const [command = 'nvidia-smi || uname -a', maxPrice] = process.argv.slice(2);
const client = createClient({ apiKey: process.env.COMPUTEPLANE_API_KEY ?? 'test-api-key' });
const result = await runOnGpu(client, {
  command,
  consumerId: 'gpu-job-runner',
  filters: maxPrice ? { max_price: Number(maxPrice) } : {},
});
console.log(
  `offer ${result.offer.id} (${result.offer.gpu_type}), session ${result.session.id}, exit ${result.exitCode}`,
);
process.stdout.write(result.output);
console.log(`cost: $${result.cost.toFixed(4)} for ${result.session.started_at} .. ${result.session.stopped_at}`);
