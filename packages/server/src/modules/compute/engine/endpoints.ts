/**
 * A peer's endpoints, checked and written one way so that the upsert key (the endpoint) matches however it
 * was sent: `grpc_peer` as `http://host:port` or `https://host:port` (`host:port` means plaintext), the
 * realtime endpoint as a `ws://` or `wss://` URL. A malformed one is a 400 saying what is expected.
 */
import { ApiProblem } from '../../../platform/http/problem.js';

export interface GrpcTarget {
  /** The canonical form stored and shown: `http(s)://host:port`. */
  endpoint: string;
  /** `host:port`, what gRPC dials. */
  address: string;
  tls: boolean;
  host: string;
  port: number;
}

const invalid = (field: string, value: string, expected: string) =>
  new ApiProblem(400, 'VALIDATION_ERROR', `${field} must be ${expected}; got "${value}"`, {
    details: [{ path: `body.${field}`, message: `expected ${expected}` }],
  });

function portOf(url: URL, fallback: number): number {
  return url.port === '' ? fallback : Number(url.port);
}

export function parseGrpcEndpoint(value: string): GrpcTarget {
  const expected = 'http://host:port, https://host:port or host:port';
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    throw invalid('grpc_peer', value, expected);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '')
    throw invalid('grpc_peer', value, expected);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username)
    throw invalid('grpc_peer', value, `${expected} (no path, query or credentials)`);
  const tls = url.protocol === 'https:';
  const port = portOf(url, tls ? 443 : 80);
  const host = url.hostname;
  const address = `${host}:${port}`;
  return { endpoint: `${tls ? 'https' : 'http'}://${address}`, address, tls, host: host.replace(/^\[|\]$/g, ''), port };
}

export function parseRealtimeEndpoint(value: string): { endpoint: string; host: string; port: number } {
  const expected = 'a ws:// or wss:// URL such as ws://host:9091/realtime';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('realtime_peer_url', value, expected);
  }
  if ((url.protocol !== 'ws:' && url.protocol !== 'wss:') || url.hostname === '' || url.username || url.hash)
    throw invalid('realtime_peer_url', value, expected);
  return {
    endpoint: url.href,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: portOf(url, url.protocol === 'wss:' ? 443 : 80),
  };
}
