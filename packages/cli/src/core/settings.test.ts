/** Where settings come from: flag, then environment, then the profile file, then the default. */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { parseTimeout, resolveSettings } from './settings.js';

describe('resolveSettings', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'cp-settings-'));
    env = { HOME: home };
    await mkdir(join(home, '.config', 'computeplane'), { recursive: true });
    await writeFile(
      join(home, '.config', 'computeplane', 'config.json'),
      JSON.stringify({
        default_profile: 'lab',
        profiles: {
          lab: { base_url: 'http://lab:8080', api_key: 'lab-key' },
          prod: { base_url: 'https://prod.example.com/', api_key: 'prod-key' },
          // Hand-written: the CLI never saves an admin key, and never reads one from here.
          ops: { base_url: 'http://ops:8080', api_key: 'ops-key', admin_key: 'ops-admin-key' },
        },
      }),
    );
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('takes the default profile of the file when nothing else is given', async () => {
    const settings = await resolveSettings({}, env);
    expect(settings).toMatchObject({
      profile: 'lab',
      baseUrl: 'http://lab:8080',
      apiKey: 'lab-key',
      timeoutMs: 60_000,
    });
    expect(settings.sources).toEqual({ baseUrl: 'profile', apiKey: 'profile', adminKey: 'none' });
  });

  it('prefers the environment to the profile, and a flag to both', async () => {
    const withEnv = { ...env, COMPUTEPLANE_BASE_URL: 'http://env:1', COMPUTEPLANE_API_KEY: 'env-key' };
    expect(await resolveSettings({}, withEnv)).toMatchObject({ baseUrl: 'http://env:1', apiKey: 'env-key' });
    const flagged = await resolveSettings({ baseUrl: 'http://flag:2', apiKey: 'flag-key' }, withEnv);
    expect(flagged).toMatchObject({
      baseUrl: 'http://flag:2',
      apiKey: 'flag-key',
      sources: { baseUrl: 'flag', apiKey: 'flag' },
    });
    // An empty variable counts as unset.
    expect((await resolveSettings({}, { ...env, COMPUTEPLANE_API_KEY: '' })).apiKey).toBe('lab-key');
  });

  it('selects a profile by flag or COMPUTEPLANE_PROFILE, and refuses an unknown one', async () => {
    expect(await resolveSettings({ profile: 'prod' }, env)).toMatchObject({
      baseUrl: 'https://prod.example.com',
      apiKey: 'prod-key',
    });
    expect((await resolveSettings({}, { ...env, COMPUTEPLANE_PROFILE: 'prod' })).apiKey).toBe('prod-key');
    await expect(resolveSettings({ profile: 'stage' }, env)).rejects.toThrow(
      /no profile "stage" .*profiles: lab, prod, ops/,
    );
  });

  it('takes the admin key from --admin-key, then COMPUTEPLANE_ADMIN_KEY, never from the profile', async () => {
    const fromProfile = await resolveSettings({ profile: 'ops' }, env);
    expect(fromProfile).toMatchObject({ apiKey: 'ops-key', adminKey: undefined });
    expect(fromProfile.sources.adminKey).toBe('none');
    const withEnv = { ...env, COMPUTEPLANE_ADMIN_KEY: 'env-admin-key' };
    expect(await resolveSettings({ profile: 'ops' }, withEnv)).toMatchObject({
      adminKey: 'env-admin-key',
      sources: { adminKey: 'env' },
    });
    expect(await resolveSettings({ adminKey: 'flag-admin-key' }, withEnv)).toMatchObject({
      adminKey: 'flag-admin-key',
      apiKey: 'lab-key',
      sources: { adminKey: 'flag', apiKey: 'profile' },
    });
    expect((await resolveSettings({}, { ...env, COMPUTEPLANE_ADMIN_KEY: '' })).adminKey).toBeUndefined();
  });

  it('works with no profile file at all', async () => {
    const settings = await resolveSettings({}, { HOME: join(home, 'nowhere') });
    expect(settings).toMatchObject({ baseUrl: 'http://localhost:8080', apiKey: undefined, profile: 'default' });
    expect(settings.sources).toEqual({ baseUrl: 'default', apiKey: 'none', adminKey: 'none' });
  });

  it('refuses a base URL that is not http(s) and a file that is not JSON', async () => {
    await expect(resolveSettings({ baseUrl: 'localhost:8080' }, env)).rejects.toThrow(/must start with http/);
    await expect(resolveSettings({ baseUrl: 'not a url' }, env)).rejects.toThrow(UsageError);
    const broken = join(home, 'broken');
    await mkdir(join(broken, 'computeplane'), { recursive: true });
    await writeFile(join(broken, 'computeplane', 'config.json'), '{oops');
    await expect(resolveSettings({}, { XDG_CONFIG_HOME: broken })).rejects.toThrow(/is not valid JSON/);
  });
});

describe('parseTimeout', () => {
  it.each([
    ['30', 30_000],
    ['1.5s', 1500],
    ['250ms', 250],
    ['2m', 120_000],
  ])('%s is %d ms', (text, ms) => expect(parseTimeout(text)).toBe(ms));
  it.each(['0', '-1', 'soon', '5h'])('refuses %s', (text) => expect(() => parseTimeout(text)).toThrow(UsageError));
});
