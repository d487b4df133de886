/**
 * `npm run bench:device-frames`: what a train step costs on the device socket as a JSON text frame (protocol
 * version 1) and as a binary frame (version 2, docs/device-protocol.md): bytes on the wire, and the time to
 * encode and to parse-and-validate the `run_train_step` frame and its `result` (both sides' work, with the
 * real codecs of packages/device-protocol), medians over rounds. Two MLPs as in bench:train-step: tiny-mlp
 * (4-8-3, batch 32) and a wide one (64-128-10, batch 256); the graph is left out (v2 sends it once per socket).
 * Options (environment): DEVICE_FRAME_ROUNDS (default 300).
 */
import {
  encodeDeviceMessage,
  encodeServerMessage,
  parseDeviceMessage,
  parseServerMessage,
} from '../../packages/device-protocol/src/index.js';

const rounds = Number(process.env.DEVICE_FRAME_ROUNDS ?? 300);
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const floats = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.37);

function messages(inputs: number, hidden: number, classes: number, batch: number) {
  const weights = { w1: [inputs, hidden], b1: [hidden], w2: [hidden, classes], b2: [classes] } as const;
  const tensors = Object.fromEntries(
    Object.entries(weights).map(([name, dims]) => [
      name,
      { type: 'float32', dims: [...dims], data: floats(dims.reduce((a, b) => a * b, 1)) },
    ]),
  );
  const step = {
    v: 2 as const,
    type: 'run_train_step' as const,
    task_id: 'task-1',
    graph_sha256: 'a'.repeat(64),
    inputs: {
      input: { type: 'float32', dims: [batch, inputs], data: floats(batch * inputs) },
      labels: {
        type: 'int64',
        dims: [batch],
        data: BigInt64Array.from({ length: batch }, (_, i) => BigInt(i % classes)),
      },
      ...tensors,
    },
  };
  const gradients = Object.fromEntries(Object.entries(tensors).map(([name, t]) => [`gradient:${name}`, t]));
  const result = {
    v: 2 as const,
    type: 'result' as const,
    task_id: 'task-1',
    ok: true,
    outputs: { loss: { type: 'float32', dims: [], data: floats(1) }, ...gradients },
    duration_ms: 1,
  };
  return { step, result };
}

function time(run: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    run();
    samples.push((performance.now() - started) * 1000);
  }
  return median(samples);
}

for (const [label, shape] of [
  ['tiny-mlp 4-8-3, batch 32', [4, 8, 3, 32]],
  ['wide mlp 64-128-10, batch 256', [64, 128, 10, 256]],
] as const) {
  const { step, result } = messages(shape[0], shape[1], shape[2], shape[3]);
  const row: string[] = [label.padEnd(32)];
  const us: Record<string, number> = {};
  for (const binary of [false, true]) {
    const stepFrame = encodeServerMessage(step, binary);
    const resultFrame = encodeDeviceMessage(result, binary);
    const bytes = Buffer.byteLength(stepFrame) + Buffer.byteLength(resultFrame);
    const encode = time(() => {
      encodeServerMessage(step, binary);
      encodeDeviceMessage(result, binary);
    });
    const parse = time(() => {
      if (!parseServerMessage(stepFrame, binary).ok || !parseDeviceMessage(resultFrame, binary).ok)
        throw new Error('frame refused');
    });
    us[binary ? 'binary' : 'json'] = encode + parse;
    row.push(
      `${binary ? 'binary' : 'JSON  '} ${String(bytes).padStart(8)} B  encode ${encode.toFixed(1).padStart(8)} µs  parse ${parse.toFixed(1).padStart(8)} µs`,
    );
  }
  row.push(`ratio (binary / JSON) ${(us.binary! / us.json!).toFixed(3)}`);
  console.log(row.join('   '));
}
