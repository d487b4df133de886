/**
 * The baseline of bench:train-step: one train step of a Gemm, Relu, Gemm, Softmax classifier with mean
 * softmax cross-entropy, forward and backward written out by hand in plain TypeScript (row-major loops).
 */
export interface MlpShape {
  inputs: number;
  hidden: number;
  classes: number;
}

/** y[b, j] = Σ_k x[b, k]·w[k, j] + bias[j]. */
function dense(x: Float32Array, w: Float32Array, bias: Float32Array, batch: number, n: number, m: number) {
  const y = new Float32Array(batch * m);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < m; j++) y[b * m + j] = bias[j]!;
    for (let k = 0; k < n; k++) {
      const v = x[b * n + k]!;
      for (let j = 0; j < m; j++) y[b * m + j]! += v * w[k * m + j]!;
    }
  }
  return y;
}

export function handWrittenStep(
  { inputs: n, hidden: h, classes: c }: MlpShape,
  [w1, b1, w2, b2]: [Float32Array, Float32Array, Float32Array, Float32Array],
  x: Float32Array,
  labels: Int32Array,
) {
  const batch = labels.length;
  const hidden = dense(x, w1, b1, batch, n, h).map((v) => (v > 0 ? v : 0));
  const logits = dense(hidden, w2, b2, batch, h, c);
  const dLogits = new Float32Array(batch * c);
  let loss = 0;
  for (let b = 0; b < batch; b++) {
    const row = logits.subarray(b * c, b * c + c);
    const max = Math.max(...row);
    const sum = row.reduce((s, v) => s + Math.exp(v - max), 0);
    loss -= row[labels[b]!]! - max - Math.log(sum);
    for (let j = 0; j < c; j++)
      dLogits[b * c + j] = (Math.exp(row[j]! - max) / sum - (j === labels[b] ? 1 : 0)) / batch;
  }
  const [gw1, gb1, gw2, gb2] = [
    new Float32Array(n * h),
    new Float32Array(h),
    new Float32Array(h * c),
    new Float32Array(c),
  ];
  const dHidden = new Float32Array(batch * h);
  // Inner loops run over contiguous rows (row-major weights), so the baseline is not slowed by strided access.
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < c; j++) gb2[j]! += dLogits[b * c + j]!;
    for (let k = 0; k < h; k++) {
      const activation = hidden[b * h + k]!;
      let sum = 0;
      for (let j = 0; j < c; j++) {
        const d = dLogits[b * c + j]!;
        gw2[k * c + j]! += activation * d;
        sum += w2[k * c + j]! * d;
      }
      dHidden[b * h + k] = activation > 0 ? sum : 0;
      gb1[k]! += dHidden[b * h + k]!;
    }
    for (let i = 0; i < n; i++) {
      const v = x[b * n + i]!;
      for (let k = 0; k < h; k++) gw1[i * h + k]! += v * dHidden[b * h + k]!;
    }
  }
  return { loss: loss / batch, gradients: [gw1, gb1, gw2, gb2] };
}
