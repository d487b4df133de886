/**
 * Preprocessing adapters, run in-process: each turns its business input format into the `{data, shape}`
 * tensor the model's single input takes (formats are documented in openapi/inference.yaml).
 */
import type { TensorInfo } from '../../../platform/db/schema.js';
import { InputProblem } from './input-problem.js';
import type { JsonTensor } from './build-feeds.js';

type Preprocess = (input: unknown, model: TensorInfo, path: string) => JsonTensor;

const isNumberArray = (value: unknown): value is number[] =>
  Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v));
const fixedDim = (info: TensorInfo, index: number) =>
  typeof info.shape[index] === 'number' && (info.shape[index] as number) >= 0
    ? (info.shape[index] as number)
    : undefined;

const tabular: Preprocess = (input, info, path) => {
  const body = (input ?? {}) as { features?: unknown; rows?: unknown };
  const rows = body.rows !== undefined ? body.rows : body.features !== undefined ? [body.features] : undefined;
  if (!Array.isArray(rows) || rows.length === 0 || !rows.every(isNumberArray)) {
    throw new InputProblem(path, 'the tabular adapter takes {features: number[]} or {rows: number[][]}');
  }
  const width = (rows[0] as number[]).length;
  if (!rows.every((row) => (row as number[]).length === width))
    throw new InputProblem(`${path}.rows`, 'every row must have the same number of features');
  const expected = fixedDim(info, 1);
  if (expected !== undefined && width !== expected)
    throw new InputProblem(path, `the model takes ${expected} features per row, got ${width}`);
  return { data: (rows as number[][]).flat(), shape: [rows.length, width] };
};

const imageClassification: Preprocess = (input, info, path) => {
  const body = (input ?? {}) as { pixels?: unknown; width?: unknown; height?: unknown; channels?: unknown };
  const { pixels, width, height } = body;
  const channels = body.channels ?? 3;
  if (!isNumberArray(pixels) || !Number.isInteger(width) || !Number.isInteger(height) || !Number.isInteger(channels)) {
    throw new InputProblem(
      path,
      'the image_classification adapter takes {pixels: number[], width, height, channels} (HWC order, values 0-255)',
    );
  }
  const [w, h, c] = [width as number, height as number, channels as number];
  if (pixels.length !== w * h * c)
    throw new InputProblem(
      `${path}.pixels`,
      `a ${w}x${h} image with ${c} channels has ${w * h * c} values, got ${pixels.length}`,
    );
  const want = [fixedDim(info, 1), fixedDim(info, 2), fixedDim(info, 3)];
  if (
    (want[0] !== undefined && want[0] !== c) ||
    (want[1] !== undefined && want[1] !== h) ||
    (want[2] !== undefined && want[2] !== w)
  ) {
    throw new InputProblem(
      path,
      `the model takes images of ${want[0] ?? '?'} channels, ${want[1] ?? '?'}x${want[2] ?? '?'} (height x width); this server does not resize`,
    );
  }
  const data = new Array<number>(pixels.length);
  // HWC (how images are stored) to CHW (how vision models take them), scaled from 0-255 to 0-1.
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let ch = 0; ch < c; ch++) data[ch * h * w + y * w + x] = pixels[(y * w + x) * c + ch]! / 255;
  return { data, shape: [1, c, h, w] };
};

const textTokens: Preprocess = (input, info, path) => {
  const body = (input ?? {}) as { tokens?: unknown; text?: unknown };
  let tokens: number[];
  if (Array.isArray(body.tokens) && body.tokens.every((t) => Number.isInteger(t) && t >= 0))
    tokens = body.tokens as number[];
  else if (typeof body.text === 'string') tokens = [...new TextEncoder().encode(body.text)];
  else throw new InputProblem(path, 'the text_tokens adapter takes {tokens: integer[]} or {text: string}');
  const length = fixedDim(info, 1) ?? tokens.length;
  const padded = tokens.slice(0, length);
  while (padded.length < length) padded.push(0);
  return { data: padded, shape: [1, length] };
};

const passthrough: Preprocess = (input) => input as JsonTensor;

export const preprocessors: Record<string, Preprocess> = {
  tabular,
  image_classification: imageClassification,
  text_tokens: textTokens,
  passthrough,
};
