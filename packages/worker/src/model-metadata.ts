/**
 * A model's inputs and outputs for the protocol's ModelMetadata (datatype names of the protocol, -1 for a
 * free dimension), read by loading the file without optimisation; kept per file.
 */
import { toV2Datatype } from '@computeplane/device-protocol/open-inference';
import { InferenceSession } from 'onnxruntime-node';

interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}
const known = new Map<string, Promise<{ inputs: TensorMetadata[]; outputs: TensorMetadata[] }>>();

const describe = (meta: InferenceSession.ValueMetadata): TensorMetadata =>
  meta.isTensor
    ? {
        name: meta.name,
        datatype: toV2Datatype(meta.type) ?? String(meta.type).toUpperCase(),
        shape: meta.shape.map((dim) => (typeof dim === 'number' && dim >= 0 ? dim : -1)),
      }
    : { name: meta.name, datatype: 'BYTES', shape: [] };

export function modelMetadata(path: string) {
  let pending = known.get(path);
  if (!pending) {
    pending = (async () => {
      const session = await InferenceSession.create(path, { graphOptimizationLevel: 'disabled' });
      try {
        return { inputs: session.inputMetadata.map(describe), outputs: session.outputMetadata.map(describe) };
      } finally {
        await session.release();
      }
    })();
    pending.catch(() => known.delete(path));
    known.set(path, pending);
  }
  return pending;
}
