/**
 * Recognises a TorchScript archive: `torch.jit.save` writes a zip whose entries include
 * `<name>/data.pkl` and `<name>/constants.pkl` or `<name>/code/`. The server stores such files for
 * devices that run PyTorch but cannot execute them itself (there is no TorchScript runtime in Node).
 */
import { ApiProblem } from '../../platform/http/problem.js';

const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];

export const isZip = (bytes: Uint8Array) => ZIP_LOCAL_HEADER.every((byte, i) => bytes[i] === byte);

export const TORCHSCRIPT_NOTE =
  'TorchScript models are stored and listed for devices that run PyTorch; this server executes ONNX models only. Export the model to ONNX (torch.onnx.export) to run it here.';

export function checkTorchScript(bytes: Uint8Array): void {
  if (!isZip(bytes)) {
    throw new ApiProblem(
      400,
      'INVALID_MODEL',
      'The file is not a TorchScript archive: expected a zip file written by torch.jit.save',
    );
  }
  // Entry names are stored uncompressed in the zip's headers, so a byte search finds them.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  if (!/[^/\s]+\/data\.pkl/.test(text)) {
    throw new ApiProblem(
      400,
      'INVALID_MODEL',
      'The file is a zip archive but not a TorchScript model: it has no <name>/data.pkl entry',
    );
  }
}
