/**
 * `npm run bench:peer-route`: what a sync request costs in-process against on a compute peer over the Open
 * Inference Protocol (gRPC, raw tensors), and against a device over its WebSocket (JSON tensors), in one
 * run. The built server process (PGlite) and one `computeplane-worker --listen` on loopback (posing as a
 * GPU device, so `prefer_gpu` sends requests to its device socket): the tiny MLP on two rows, sync over
 * HTTP, requests rotating between in-process, the peer (`x-hybrie-preferred-peer-id`) and the device.
 * Prints medians and ratios.
 *
 * Options (environment): ROUTE_ROUNDS (default 300).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, unwrap } from '@computeplane/sdk';
import { listComputePeers } from '@computeplane/sdk/compute';
import { runInference } from '@computeplane/sdk/inference';
import { uploadModel } from '@computeplane/sdk/models';
import { startServerProcess } from '@computeplane/test-support/server-process';
import { repoRoot } from '../lib/specs.js';

const rounds = Number(process.env.ROUTE_ROUNDS ?? 300);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
type Place = 'local' | 'peer' | 'device';

async function main() {
  const root = await mkdtemp(join(tmpdir(), 'cp-bench-peer-'));
  const server = await startServerProcess({ DATA_DIR: join(root, 'data') });
  const script = join(root, 'worker.mjs');
  const dist = JSON.stringify(join(repoRoot, 'packages/worker/dist/index.js'));
  const args = [
    '--server',
    server.baseUrl,
    '--name',
    'bench',
    '--cache-dir',
    join(root, 'cache'),
    '--listen',
    '127.0.0.1:0',
  ];
  await writeFile(
    script,
    `import { parseOptions, startDeviceWorker, startPeer } from ${dist};
     const options = parseOptions(${JSON.stringify(args)}, process.env);
     const worker = await startDeviceWorker(options, undefined, { capabilities: { gpu: { name: 'bench', memory_bytes: 0 } } });
     await startPeer({ ...options, listen: options.listen }, worker);`,
  );
  const worker = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH ?? '', COMPUTEPLANE_API_KEY: 'test-api-key' },
    stdio: 'ignore',
  });
  try {
    const client = createClient({ baseUrl: server.baseUrl, apiKey: 'test-api-key', maxRetries: 0 });
    let peerId: string | undefined;
    for (let i = 0; !peerId; i++) {
      peerId = (await unwrap(listComputePeers(client))).peers.find((peer) => peer.name === 'bench')?.id;
      if (i > 300) throw new Error('the worker did not register as a peer');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const model = await unwrap(uploadModel(client, { model: join(repoRoot, 'fixtures/models/tiny-mlp.onnx') }));
    const input = { data: [5.1, 3.5, 1.4, 0.2, 6.7, 3.1, 4.4, 1.4], shape: [2, 4] };
    const times: Record<Place, number[]> = { local: [], peer: [], device: [] };
    for (let i = 0; i < rounds + 10; i++) {
      for (const place of ['local', 'peer', 'device'] as const) {
        const started = performance.now();
        const answer = (await unwrap(
          runInference(client, {
            body: { model_id: model.id, input, options: { prefer_gpu: place === 'device' } },
            ...(place === 'peer' ? { params: { header: { 'x-hybrie-preferred-peer-id': peerId } } } : {}),
          }),
        )) as { device_id: string };
        const took = performance.now() - started;
        const where: Place = answer.device_id.startsWith('peer/')
          ? 'peer'
          : answer.device_id.startsWith('local/')
            ? 'local'
            : 'device';
        if (where !== place) throw new Error(`routed to ${answer.device_id}, expected ${place}`);
        if (i >= 10) times[place].push(took); // the first runs load the model
      }
    }
    const [local, peer, device] = [median(times.local), median(times.peer), median(times.device)];
    console.log(`sync request, tiny MLP, 2 rows, ${rounds} each (medians, HTTP round trip):`);
    console.log(`  in-process: ${local.toFixed(3)} ms`);
    console.log(`  peer:       ${peer.toFixed(3)} ms (loopback gRPC, Open Inference Protocol, raw tensors)`);
    console.log(`  device:     ${device.toFixed(3)} ms (loopback WebSocket, JSON tensors)`);
    console.log(
      `  ratio peer / in-process: ${(peer / local).toFixed(2)}; peer / device: ${(peer / device).toFixed(2)}`,
    );
  } finally {
    worker.kill('SIGKILL');
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
}

await main();
