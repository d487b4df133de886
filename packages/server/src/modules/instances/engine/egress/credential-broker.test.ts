/** The broker's rules without a network: host patterns, which headers go where, which destinations are refused. */
import { describe, expect, it } from 'vitest';
import { hostMatches } from '../../credential-rules.js';
import { createCredentialRegistry } from './credential-registry.js';
import { createDestinationCheck, DestinationRefused } from './destination-check.js';

describe('credential broker rules', () => {
  it('matches hosts exactly or one label below a *. pattern', () => {
    expect(hostMatches('api.openai.com', 'api.openai.com')).toBe(true);
    expect(hostMatches('api.openai.com', 'API.OpenAI.com.')).toBe(true);
    expect(hostMatches('*.openai.com', 'api.openai.com')).toBe(true);
    expect(hostMatches('*.openai.com', 'openai.com')).toBe(false);
    expect(hostMatches('*.openai.com', 'a.b.openai.com')).toBe(false);
    expect(hostMatches('*.openai.com', 'evilopenai.com')).toBe(false);
    expect(hostMatches('api.openai.com', 'api.openai.com.evil.test')).toBe(false);
  });

  it('gives each registered address its own headers, for matching hosts only, and forgets on unregister', () => {
    const registry = createCredentialRegistry();
    registry.register('10.0.0.2', 'a', {
      env: { REAL: 'secret-1' },
      credentials: {
        KEY: {
          source: { env: 'REAL' },
          inject: [{ as: { header: 'Authorization', format: 'Bearer ${value}' }, hosts: ['*.example.com'] }],
        },
      },
    });
    registry.register('10.0.0.3', 'b', {
      env: { REAL: 'secret-2' },
      credentials: { KEY: { source: { env: 'REAL' }, inject: [{ as: { header: 'X-Key', format: '${value}' } }] } },
    });
    expect(registry.headersFor('10.0.0.2', 'api.example.com')).toEqual({ authorization: 'Bearer secret-1' });
    expect(registry.headersFor('10.0.0.2', 'other.test')).toEqual({});
    expect(registry.headersFor('10.0.0.3', 'anything.test')).toEqual({ 'x-key': 'secret-2' });
    expect(registry.headersFor('10.0.0.9', 'api.example.com')).toEqual({});
    registry.unregister('a');
    expect(registry.isRegistered('10.0.0.2')).toBe(false);
    expect(registry.isRegistered('10.0.0.3')).toBe(true);
  });

  it('refuses private, loopback, link-local and special destinations unless their range is allowed', async () => {
    const strict = createDestinationCheck([]);
    for (const host of [
      '127.0.0.1',
      '10.1.2.3',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      '0.0.0.0',
      '::ffff:127.0.0.1',
      'localhost',
    ])
      await expect(strict(host), host).rejects.toBeInstanceOf(DestinationRefused);
    expect(await strict('93.184.216.34')).toBe('93.184.216.34');
    const loopbackAllowed = createDestinationCheck(['127.0.0.0/8']);
    expect(await loopbackAllowed('127.0.0.1')).toBe('127.0.0.1');
    await expect(loopbackAllowed('10.1.2.3')).rejects.toBeInstanceOf(DestinationRefused);
  });
});
