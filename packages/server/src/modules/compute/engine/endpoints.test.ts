import { describe, expect, it } from 'vitest';
import { ApiProblem } from '../../../platform/http/problem.js';
import { parseGrpcEndpoint, parseRealtimeEndpoint } from './endpoints.js';

describe('peer endpoints', () => {
  it('writes a gRPC endpoint one way, whatever form it came in', () => {
    expect(parseGrpcEndpoint('10.0.0.7:9090')).toEqual({
      endpoint: 'http://10.0.0.7:9090',
      address: '10.0.0.7:9090',
      tls: false,
      host: '10.0.0.7',
      port: 9090,
    });
    expect(parseGrpcEndpoint('http://10.0.0.7:9090/').endpoint).toBe('http://10.0.0.7:9090');
    expect(parseGrpcEndpoint('https://node.example').endpoint).toBe('https://node.example:443');
    expect(parseGrpcEndpoint('http://[::1]:9090')).toMatchObject({ host: '::1', address: '[::1]:9090' });
  });

  it('refuses other schemes, paths and credentials with a 400 saying what is expected', () => {
    for (const bad of ['ftp://h:1', 'http://h:1/path', 'http://user:pw@h:1', 'http://']) {
      const error = (() => {
        try {
          parseGrpcEndpoint(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ApiProblem);
      expect((error as ApiProblem).message).toMatch(/^grpc_peer must be http:\/\/host:port/);
    }
    expect(() => parseRealtimeEndpoint('http://h:1/realtime')).toThrow(/ws:\/\/ or wss:\/\//);
    expect(parseRealtimeEndpoint('wss://node.example/realtime')).toMatchObject({ host: 'node.example', port: 443 });
  });
});
