/**
 * The task frames the hub sends (docs/device-protocol.md): a run_inference task, and a run_train_step whose
 * graph goes inline (base64 to a version 1 device, every time; as bytes in a binary frame to a version 2
 * device, once per socket: `graphs` holds those sent on it).
 */
import { PROTOCOL_VERSION, type ProtocolVersion, type WireTensor } from '@computeplane/device-protocol';

export function inferenceFrame(taskId: string, task: { checksum: string; inputs: Record<string, WireTensor> }) {
  return {
    v: PROTOCOL_VERSION,
    type: 'run_inference',
    task_id: taskId,
    model_checksum: task.checksum,
    inputs: task.inputs,
  } as const;
}

export function trainStepFrame(
  socket: { version: ProtocolVersion; graphs: Set<string> },
  taskId: string,
  task: { graph: Uint8Array; sha256: string; inputs: Record<string, WireTensor> },
) {
  const sent = socket.version === 2 && socket.graphs.has(task.sha256);
  if (socket.version === 2) socket.graphs.add(task.sha256);
  return {
    v: PROTOCOL_VERSION,
    type: 'run_train_step',
    task_id: taskId,
    graph_sha256: task.sha256,
    ...(sent ? {} : { graph: task.graph }),
    inputs: task.inputs,
  } as const;
}
