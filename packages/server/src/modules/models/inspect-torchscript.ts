/**
 * Recognises a TorchScript archive: `torch.jit.save` writes a zip whose entries include
 * `<name>/data.pkl` and `<name>/constants.pkl` or `<name>/code/`. The server stores such files for
 * devices that run PyTorch but cannot execute them itself (there is no TorchScript runtime in Node).
 */
import { createReadStream } from 'node:fs';
import { ApiProblem } from '../../platform/http/problem.js';

const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];

export const isZip = (bytes: Uint8Array) => ZIP_LOCAL_HEADER.every((byte, i) => bytes[i] === byte);

const DATA_PKL = /[^/\s]+\/data\.pkl/;

/** Whether the file holds a `<name>/data.pkl` entry name, read in chunks (a name never spans more than the overlap). */
async function hasDataPkl(path: string): Promise<boolean> {
  let tail = '';
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    const text = tail + (chunk as Buffer).toString('latin1');
    if (DATA_PKL.test(text)) return true;
    tail = text.slice(-1024);
  }
  return false;
}

export const TORCHSCRIPT_NOTE =
  'TorchScript models are stored and listed for devices that run PyTorch; this server executes ONNX models only. Export the model to ONNX (torch.onnx.export) to run it here.';

/** Checks the file at `path`; `head` is its first bytes. */
export async function checkTorchScript(path: string, head: Uint8Array): Promise<void> {
  if (!isZip(head)) {
    throw new ApiProblem(
      400,
      'INVALID_MODEL',
      'The file is not a TorchScript archive: expected a zip file written by torch.jit.save',
    );
  }
  // Entry names are stored uncompressed in the zip's headers, so a byte search finds them.
  if (!(await hasDataPkl(path))) {
    throw new ApiProblem(
      400,
      'INVALID_MODEL',
      'The file is a zip archive but not a TorchScript model: it has no <name>/data.pkl entry',
    );
  }
}
