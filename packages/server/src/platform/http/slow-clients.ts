/**
 * Limits that keep a slow or stalled client from holding a connection: headers must arrive within
 * `headersTimeoutMs`, a request body may not stall longer than `bodyIdleTimeoutMs` between two chunks,
 * and a whole request (headers and body) must arrive within `requestTimeoutMs`. Node's http server
 * enforces the first and the last (`headersTimeout`, `requestTimeout`, checked every
 * `connectionsCheckingInterval`); the idle limit is a socket timeout armed only while a body is
 * being received, so a long-running response (a slow inference, a drained request) is never cut by it.
 */
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';

export interface SlowClientLimits {
  headersTimeoutMs: number;
  bodyIdleTimeoutMs: number;
  requestTimeoutMs: number;
}

/** Options for `http.createServer`: Node checks its timeouts every interval, so keep it well below the limits. */
export function slowClientServerOptions(limits: SlowClientLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, limits.headersTimeoutMs / 4)),
  };
}

const hasBody = (req: IncomingMessage) =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/** Arms the body idle timeout for every request that carries a body, until the body has arrived. */
export function limitBodyIdleTime(server: Server, limits: SlowClientLimits): void {
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!hasBody(req) || req.complete) return;
    const socket = req.socket;
    // With no 'timeout' listener on the request, response or server, Node destroys the socket.
    socket.setTimeout(limits.bodyIdleTimeoutMs);
    const disarm = () => {
      if (!res.writableFinished && !socket.destroyed) socket.setTimeout(0);
    };
    req.once('end', disarm);
  });
}
