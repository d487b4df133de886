/**
 * `npm run bench:device-route`: what a sync request costs in-process against over a device, which is what
 * the sync router weighs (docs/architecture.md, "Where work runs"). In one run, against the built server
 * process (PGlite) with one `computeplane-worker` connected on loopback (posing as a GPU device, so that
 * `prefer_gpu` sends requests to it): the tiny MLP on two rows, sync over HTTP, requests alternating between
 * in-process (no preference) and the device (`prefer_gpu`). Prints medians and the ratio.
 *
 * Options (environment): ROUTE_ROUNDS (default 300).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, unwrap } from '@computeplane/sdk';
import { listDevices } from '@computeplane/sdk/devices';
import { runInference } from '@computeplane/sdk/inference';
import { uploadModel } from '@computeplane/sdk/models';
import { startServerProcess } from '@computeplane/test-support/server-process';
import { repoRoot } from '../lib/specs.js';

const rounds = Number(process.env.ROUTE_ROUNDS ?? 300);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main() {
  const root = await mkdtemp(join(tmpdir(), 'cp-bench-route-'));
  const server = await startServerProcess({ DATA_DIR: join(root, 'data') });
  const script = join(root, 'worker.mjs');
  await writeFile(
    script,
    `import { parseOptions, startDeviceWorker } from ${JSON.stringify(join(repoRoot, 'packages/worker/dist/index.js'))};
     await startDeviceWorker(parseOptions(['--server', ${JSON.stringify(server.baseUrl)}, '--name', 'bench', '--cache-dir', ${JSON.stringify(join(root, 'cache'))}], process.env),
       undefined, { capabilities: { gpu: { name: 'bench', memory_bytes: 0 } } });`,
  );
  const worker = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH ?? '', COMPUTEPLANE_API_KEY: 'test-api-key' },
    stdio: 'ignore',
  });
  try {
    const client = createClient({ baseUrl: server.baseUrl, apiKey: 'test-api-key', maxRetries: 0 });
    for (let i = 0; ; i++) {
      const { devices } = await unwrap(listDevices(client));
      if (devices.some((device) => device.name === 'bench' && device.status === 'idle')) break;
      if (i > 300) throw new Error('the worker did not join');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const model = await unwrap(uploadModel(client, { model: join(repoRoot, 'fixtures/models/tiny-mlp.onnx') }));
    const input = { data: [5.1, 3.5, 1.4, 0.2, 6.7, 3.1, 4.4, 1.4], shape: [2, 4] };
    const times: Record<'local' | 'device', number[]> = { local: [], device: [] };
    for (let i = 0; i < rounds + 10; i++) {
      for (const place of ['local', 'device'] as const) {
        const started = performance.now();
        const answer = (await unwrap(
          runInference(client, { body: { model_id: model.id, input, options: { prefer_gpu: place === 'device' } } }),
        )) as { device_id: string };
        const took = performance.now() - started;
        if ((place === 'device') !== !answer.device_id.startsWith('local/')) throw new Error('routed elsewhere');
        if (i >= 10) times[place].push(took); // the first runs load the model
      }
    }
    const local = median(times.local);
    const device = median(times.device);
    console.log(`sync request, tiny MLP, 2 rows, ${rounds} each (medians, HTTP round trip):`);
    console.log(`  in-process: ${local.toFixed(3)} ms`);
    console.log(`  device:     ${device.toFixed(3)} ms (loopback WebSocket, JSON tensors)`);
    console.log(`  ratio device / in-process: ${(device / local).toFixed(2)}`);
  } finally {
    worker.kill('SIGKILL');
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
}

await main();
