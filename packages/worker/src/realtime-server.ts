/**
 * The peer's realtime endpoint (`realtime_peer_url`, `ws://host:port/realtime`): the device protocol with
 * the roles of the socket reversed. A client connects, the peer says `hello` with its capabilities, and
 * answers each `run_inference` / `run_train_step` frame with a `result` frame and each `get_logs` with
 * `logs`, exactly as a device answers the server (docs/device-protocol.md); a `stage_model` frame stages
 * files (stager.ts) with `stage_progress` frames and a final `stage_result`. Invalid frames get an `error`.
 */
import {
  PROTOCOL_VERSION,
  encodeDeviceMessage,
  parseServerMessage,
  type Capabilities,
  type DeviceMessage,
} from '@computeplane/device-protocol';
import { WebSocketServer, WebSocket } from 'ws';
import type { LogRing } from './log-ring.js';
import { presents } from './peer-auth.js';
import type { Stager } from './stager.js';
import type { ResultMessage, Task } from './task-runner.js';

export const REALTIME_PATH = '/realtime';

export async function startRealtimeServer(deps: {
  host: string;
  port: number;
  capabilities: Capabilities;
  runTask: (task: Task) => Promise<ResultMessage>;
  stager: Stager;
  log: LogRing;
  /** Connections must present it (`Authorization: Bearer <token>`); others are refused with 401. */
  token: string;
}) {
  const wss = new WebSocketServer({
    host: deps.host,
    port: deps.port,
    path: REALTIME_PATH,
    maxPayload: 256 * 1024 * 1024,
    verifyClient: (info: { req: { headers: { authorization?: string } } }) =>
      presents(info.req.headers.authorization, deps.token),
  });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const send = (ws: WebSocket, message: DeviceMessage) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(encodeDeviceMessage(message));
  };
  wss.on('connection', (ws) => {
    send(ws, { v: PROTOCOL_VERSION, type: 'hello', capabilities: deps.capabilities });
    ws.on('message', (data) => {
      const parsed = parseServerMessage(data.toString());
      if (!parsed.ok) return send(ws, { v: PROTOCOL_VERSION, type: 'error', message: parsed.error });
      const message = parsed.message;
      if (message.type === 'run_inference' || message.type === 'run_train_step')
        void deps.runTask(message).then((result) => send(ws, result));
      else if (message.type === 'stage_model') {
        let last = 0;
        const progress = (path: string, bytes: number, total: number | null) => {
          // At most a few frames a second per staging.
          if (Date.now() - last < 200 && bytes !== total) return;
          last = Date.now();
          send(ws, { v: PROTOCOL_VERSION, type: 'stage_progress', request_id: message.request_id, path, bytes, total });
        };
        void deps.stager.stage(message, progress).then(
          (staged) =>
            send(ws, {
              v: PROTOCOL_VERSION,
              type: 'stage_result',
              request_id: message.request_id,
              ok: true,
              ...staged,
            }),
          (error: unknown) =>
            send(ws, {
              v: PROTOCOL_VERSION,
              type: 'stage_result',
              request_id: message.request_id,
              ok: false,
              dest_dir: message.dest_dir,
              files: [],
              error: (error as Error).message.slice(0, 4096),
            }),
        );
      } else if (message.type === 'get_logs')
        send(ws, {
          v: PROTOCOL_VERSION,
          type: 'logs',
          request_id: message.request_id,
          entries: deps.log.tail(message.lines, message.level),
        });
    });
  });
  const address = wss.address();
  const port = typeof address === 'object' && address ? address.port : deps.port;
  deps.log.info(`realtime endpoint on ws://${deps.host}:${port}${REALTIME_PATH}`);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
