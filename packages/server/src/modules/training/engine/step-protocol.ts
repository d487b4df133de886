/** Messages between the training runner and its train-step thread (step-thread.ts). */
export interface WireTensor {
  type: 'float32' | 'int64';
  dims: number[];
  data: Float32Array | BigInt64Array;
}

export type StepRequest =
  | { id: number; type: 'load'; key: string; model: Uint8Array }
  | { id: number; type: 'drop'; key: string }
  | { id: number; type: 'run'; key: string; feeds: Record<string, WireTensor> };

export type StepReply =
  | { id: number; ok: true; outputs: Record<string, WireTensor & { data: Float32Array }> }
  | { id: number; ok: false; error: string };
