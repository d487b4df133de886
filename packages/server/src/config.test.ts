import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: undefined,
      adminKey: undefined,
      maxModelBytes: 256 * 1024 * 1024,
      logLevel: 'info',
      headersTimeoutMs: 10_000,
      bodyIdleTimeoutMs: 30_000,
      requestTimeoutMs: 900_000,
      metricsPort: 9464,
      metricsHost: '127.0.0.1',
    });
    expect(config.dataDir).toMatch(/\/data$/);
  });

  it('reads the device liveness settings and refuses a grace not longer than the heartbeat', () => {
    expect(loadConfig({}).devices).toEqual({ heartbeatIntervalMs: 5_000, offlineAfterMs: 15_000 });
    expect(loadConfig({ DEVICE_HEARTBEAT_MS: '1000', DEVICE_OFFLINE_AFTER_MS: '4000' }).devices).toEqual({
      heartbeatIntervalMs: 1_000,
      offlineAfterMs: 4_000,
    });
    expect(() => loadConfig({ DEVICE_HEARTBEAT_MS: '20000' })).toThrow(
      /DEVICE_OFFLINE_AFTER_MS \(15000\) must be larger/,
    );
    expect(() => loadConfig({ DEVICE_HEARTBEAT_MS: '10' })).toThrow(/DEVICE_HEARTBEAT_MS/);
  });

  it('reads the compute settings, reads the hub endpoint and token, and refuses bad values', () => {
    const defaults = loadConfig({}).compute;
    expect(defaults).toMatchObject({
      peerGraceMs: 30_000,
      peerRouting: 'header',
      hubEndpoint: 'https://huggingface.co',
    });
    expect(defaults.hubToken).toBeUndefined();
    const set = loadConfig({
      COMPUTE_PEER_GRACE_MS: '5000',
      COMPUTE_PEER_ROUTING: 'first',
      COMPUTE_BOOTING_TIMEOUT_MS: '60000',
      COMPUTE_SERVER_URL: 'https://api.example.com/ignored/path',
      HF_ENDPOINT: 'http://127.0.0.1:9999',
      HF_TOKEN: ' hf_abc ',
    }).compute;
    expect(set).toMatchObject({
      peerGraceMs: 5_000,
      peerRouting: 'first',
      serverUrl: 'https://api.example.com',
      hubEndpoint: 'http://127.0.0.1:9999',
      hubToken: 'hf_abc',
    });
    expect(set.stageTimeoutsMs.booting).toBe(60_000);
    expect(() => loadConfig({ COMPUTE_PEER_ROUTING: 'random' })).toThrow(
      /COMPUTE_PEER_ROUTING must be header or first/,
    );
    expect(() => loadConfig({ HF_ENDPOINT: 'ftp://hub' })).toThrow(/HF_ENDPOINT must be an http\(s\) URL/);
  });

  it('reads who may use the local provider and its instances’ limits', () => {
    expect(loadConfig({}).marketplace.localProviderTenants).toBeUndefined();
    expect(loadConfig({ LOCAL_PROVIDER_TENANTS: '*' }).marketplace.localProviderTenants).toBe('*');
    expect(loadConfig({ LOCAL_PROVIDER_TENANTS: ' alpha, tnt_1 ,' }).marketplace.localProviderTenants).toEqual([
      'alpha',
      'tnt_1',
    ]);
    expect(loadConfig({ LOCAL_PROVIDER_TENANTS: '' }).marketplace.localProviderTenants).toEqual([]);
    expect(
      loadConfig({ LOCAL_INSTANCE_CPUS: '0.5', LOCAL_INSTANCE_MEMORY_MB: '512' }).marketplace.localInstance,
    ).toEqual({
      cpus: 0.5,
      memoryMb: 512,
    });
  });

  it.each([
    [{ LOCAL_INSTANCE_CPUS: 'two' }, /LOCAL_INSTANCE_CPUS must be a number/],
    [{ LOCAL_INSTANCE_MEMORY_MB: '1' }, /LOCAL_INSTANCE_MEMORY_MB must be an integer/],
    [{ PORT: 'http' }, /PORT must be an integer/],
    [{ PORT: '70000' }, /PORT must be an integer between 0 and 65535/],
    [{ MAX_MODEL_BYTES: '-1' }, /MAX_MODEL_BYTES/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with postgres/],
    [{ ADMIN_KEY: 'short' }, /ADMIN_KEY must be at least 16/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ HEADERS_TIMEOUT_MS: '0' }, /HEADERS_TIMEOUT_MS must be an integer between 100/],
    [{ BODY_IDLE_TIMEOUT_MS: 'soon' }, /BODY_IDLE_TIMEOUT_MS/],
    [{ HEADERS_TIMEOUT_MS: '5000', REQUEST_TIMEOUT_MS: '2000' }, /must not exceed REQUEST_TIMEOUT_MS/],
    [{ METRICS_PORT: '99999' }, /METRICS_PORT must be an integer between 0 and 65535/],
  ])('rejects %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
