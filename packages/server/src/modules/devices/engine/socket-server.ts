/**
 * The devices' WebSocket endpoint, `GET /api/v1/devices/{id}/socket` with `Upgrade: websocket` (the `ws`
 * library). The `X-SDK-Token` header is checked before the upgrade: a missing, wrong, revoked or expired
 * token, or one issued to another device (of this or another tenant), is answered with a plain HTTP 401 and
 * the error envelope, and no socket is opened.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { DeviceHub } from './device-hub.js';

export const socketPath = (deviceId: string) => `/api/v1/devices/${deviceId}/socket`;
const SOCKET_PATH = /^\/api\/v1\/devices\/(dev_[a-z0-9]{8,32})\/socket$/;
/** Largest frame a device may send (a run-inference result). */
const MAX_FRAME_BYTES = 64 * 1024 * 1024;

function refuse(socket: Duplex, status: 401 | 404, code: string, message: string) {
  const body = JSON.stringify({ error: { code, message, request_id: 'ws-upgrade' } });
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Not Found'}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export function attachDeviceSockets(
  server: Server,
  deps: { hub: DeviceHub; verifyToken: (token: string) => Promise<{ tenantId: string; deviceId: string } | undefined> },
): () => void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '').split('?')[0] ?? '';
    const match = SOCKET_PATH.exec(path);
    if (!match) return refuse(socket, 404, 'NOT_FOUND', `No WebSocket endpoint at ${path}`);
    const deviceId = match[1]!;
    const token = request.headers['x-sdk-token'];
    if (typeof token !== 'string' || token === '')
      return refuse(socket, 401, 'AUTH_REQUIRED', 'Authentication required: send X-SDK-Token');
    deps
      .verifyToken(token)
      .then((found) => {
        if (!found || found.deviceId !== deviceId)
          return refuse(socket, 401, 'AUTH_INVALID', 'The X-SDK-Token is not valid for this device');
        wss.handleUpgrade(request, socket, head, (ws) => deps.hub.accept(ws, deviceId, found.tenantId));
      })
      .catch(() => socket.destroy());
  };
  server.on('upgrade', onUpgrade);
  return () => {
    server.off('upgrade', onUpgrade);
    wss.close();
  };
}
