/**
 * The host-side egress proxy the guests get as HTTP_PROXY/HTTPS_PROXY. Only registered instance addresses
 * are served (others get 403). `http://` requests are forwarded as they are: credentials are never put on
 * plain HTTP. An `https://` URL sent as a plain proxy request is fetched over TLS by the proxy, with the
 * instance's headers for that host. A CONNECT is intercepted: the guest's TLS ends here with a leaf certificate for the host
 * (signed by the deployment's CA, which the guest trusts), each request inside gets the instance's
 * configured headers for that host, and goes on over a new TLS connection to the checked address,
 * verifying the destination's certificate (system CAs, plus `upstreamCa` if the operator gave one).
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type AddressInfo, type Socket } from 'node:net';
import { checkServerIdentity, createSecureContext, rootCertificates, TLSSocket, type PeerCertificate } from 'node:tls';
import type { Logger } from 'pino';
import type { CredentialRegistry } from './credential-registry.js';
import { DestinationRefused } from './destination-check.js';
import type { EgressCa } from './egress-ca.js';

const HOP_HEADERS = [
  'proxy-connection',
  'proxy-authorization',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
];
const sourceOf = (socket: Socket) => (socket.remoteAddress ?? '').replace(/^::ffff:/, '');

export function createEgressProxy(options: {
  ca: EgressCa;
  registry: CredentialRegistry;
  check: (host: string) => Promise<string>;
  upstreamCa?: string;
  logger: Logger;
}) {
  const { ca, registry, check, logger } = options;
  const upstreamCa = options.upstreamCa ? [...rootCertificates, options.upstreamCa] : undefined;

  function forward(
    req: IncomingMessage,
    res: ServerResponse,
    target: { host: string; address: string; port: number; tls: boolean; path: string },
    extraHeaders: Record<string, string>,
  ) {
    const headers: Record<string, string | string[] | undefined> = {
      ...req.headers,
      ...extraHeaders,
      host: req.headers.host ?? target.host,
    };
    for (const name of HOP_HEADERS) delete headers[name];
    const send = target.tls ? httpsRequest : httpRequest;
    const upstream = send({
      host: target.address,
      port: target.port,
      method: req.method,
      path: target.path,
      headers,
      ...(target.tls
        ? {
            // The name is checked against the certificate; an IP literal is checked as the IP it is.
            ...(isIP(target.host)
              ? { checkServerIdentity: (_: string, cert: PeerCertificate) => checkServerIdentity(target.host, cert) }
              : { servername: target.host }),
            ...(upstreamCa ? { ca: upstreamCa } : {}),
          }
        : {}),
    });
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`egress proxy: ${error.message}\n`);
    });
    req.pipe(upstream);
  }

  const refuse = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(`egress proxy: ${message}\n`);
  };

  /** Requests inside an intercepted TLS connection. */
  const intercepted = createServer((req, res) => {
    const socket = req.socket as TLSSocket & {
      egress?: { source: string; host: string; address: string; port: number };
    };
    const target = socket.egress!;
    forward(req, res, { ...target, tls: true, path: req.url ?? '/' }, registry.headersFor(target.source, target.host));
  });

  const server = createServer((req, res) => {
    const source = sourceOf(req.socket);
    if (!registry.isRegistered(source)) return refuse(res, 403, `${source} is not a registered instance`);
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      return refuse(res, 400, 'a proxy request needs an absolute http:// or https:// URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return refuse(res, 400, 'only http:// and https:// URLs');
    // An https:// URL sent as a plain proxy request (busybox wget does this): the proxy makes the TLS
    // connection to the destination itself, so credentials still travel only over TLS.
    const tls = url.protocol === 'https:';
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port) || (tls ? 443 : 80);
    const path = `${url.pathname}${url.search}`;
    check(host)
      .then((address) =>
        forward(req, res, { host, address, port, tls, path }, tls ? registry.headersFor(source, host) : {}),
      )
      .catch((error: unknown) =>
        refuse(res, error instanceof DestinationRefused ? 403 : 502, (error as Error).message),
      );
  });

  server.on('connect', (req: IncomingMessage, client: Socket) => {
    const source = sourceOf(client);
    const fail = (status: string, message: string) =>
      client.end(`HTTP/1.1 ${status}\r\ncontent-type: text/plain\r\n\r\negress proxy: ${message}\n`);
    client.on('error', () => undefined);
    if (!registry.isRegistered(source)) return fail('403 Forbidden', `${source} is not a registered instance`);
    const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(req.url ?? '');
    if (!match) return fail('400 Bad Request', 'CONNECT needs host:port');
    const host = match[1]!;
    const port = Number(match[2]);
    check(host)
      .then((address) => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        const tls = new TLSSocket(client, {
          isServer: true,
          secureContext: createSecureContext({ key: ca.leafKey, cert: ca.leafFor(host) }),
        }) as TLSSocket & { egress?: unknown };
        tls.egress = { source, host, address, port };
        tls.on('error', () => undefined);
        intercepted.emit('connection', tls);
      })
      .catch((error: unknown) =>
        fail(error instanceof DestinationRefused ? '403 Forbidden' : '502 Bad Gateway', (error as Error).message),
      );
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  return {
    listen(host: string, port: number): Promise<number> {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        logger.debug('egress proxy closed');
      }),
  };
}

export type EgressProxy = ReturnType<typeof createEgressProxy>;
