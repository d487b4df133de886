/**
 * What every `computeplane` command shares, run as the real binary against a real server: configuration
 * precedence and `login` (mode 0600), exit codes, one-line errors, --help, colour rules and shell completion.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createClient, unwrap } from '@computeplane/sdk';
import { createApiKey, createTenant } from '@computeplane/sdk/admin';
import { cliScript, runCli } from '@computeplane/test-support/cli-process';
import { createPostgresDatabase } from '@computeplane/test-support/databases';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { startServerProcess } from '@computeplane/test-support/server-process';
import { ansiStyle, cliSuite, conformJson, expectApiError, expectUsageError } from './harness.js';

const run = promisify(execFile);
const noKey = { COMPUTEPLANE_API_KEY: undefined, COMPUTEPLANE_BASE_URL: undefined };

describe('computeplane (shared behaviour)', () => {
  const suite = cliSuite();

  it('logs in from piped stdin, writes the profile with mode 0600, and uses it', async () => {
    const home = await mkdtemp(join(suite.home, 'login-'));
    const login = await suite.cli(['login', '--base-url', suite.server.baseUrl], {
      home,
      env: noKey,
      input: `${suite.server.keyA}\n`,
    });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toBe(
      `Logged in to ${suite.server.baseUrl} as profile "default" (saved in ${home}/.config/computeplane/config.json).\n`,
    );
    const path = join(home, '.config', 'computeplane', 'config.json');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, '.config', 'computeplane'))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      default_profile: 'default',
      profiles: { default: { base_url: suite.server.baseUrl, api_key: suite.server.keyA } },
    });

    // No flags, no environment: the profile answers.
    await conformJson('listModels', await suite.cli(['models', 'list', '--json'], { home, env: noKey }));
    const config = JSON.parse((await suite.cli(['config', '--json'], { home, env: noKey })).stdout);
    expect(config).toMatchObject({
      profile: 'default',
      base_url: suite.server.baseUrl,
      base_url_from: 'profile',
      api_key_from: 'profile',
    });
    expect(config.api_key).not.toBe(suite.server.keyA); // masked
    expect(JSON.stringify(config)).not.toContain(suite.server.keyA);

    // The environment beats the profile, and a flag beats both: tenant B's key sees tenant B's (empty) list.
    const viaEnv = await suite.cli(['config', '--json'], {
      home,
      env: { ...noKey, COMPUTEPLANE_API_KEY: suite.server.keyB },
    });
    expect(JSON.parse(viaEnv.stdout)).toMatchObject({ api_key_from: 'env' });
    const wrongFlag = await suite.cli(['models', 'list', '--api-key', 'not-a-key'], {
      home,
      env: { COMPUTEPLANE_API_KEY: suite.server.keyB },
    });
    expectApiError(wrongFlag, 'AUTH_INVALID');

    // A second profile, chosen with --profile; an unknown one is a usage error.
    const second = await suite.cli(
      ['login', '--profile', 'b', '--api-key', suite.server.keyB, '--base-url', suite.server.baseUrl],
      { home, env: noKey },
    );
    expect(second.code, second.stderr).toBe(0);
    expect(
      JSON.parse((await suite.cli(['config', '--json', '--profile', 'b'], { home, env: noKey })).stdout),
    ).toMatchObject({ profile: 'b' });
    expectUsageError(
      await suite.cli(['models', 'list', '--profile', 'c'], { home, env: noKey }),
      /no profile "c" .*profiles: default, b/,
    );

    // logout forgets the key; the next call says how to authenticate.
    expect((await suite.cli(['logout'], { home, env: noKey })).code).toBe(0);
    const after = await suite.cli(['models', 'list'], { home, env: noKey });
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(
      /^computeplane: AUTH_REQUIRED: .+; pass --api-key, set COMPUTEPLANE_API_KEY or run `computeplane login`\n$/,
    );
  });

  it('asks for the key at a terminal without echoing it', async () => {
    const home = await mkdtemp(join(suite.home, 'prompt-'));
    const login = await suite.pty(['login', '--base-url', suite.server.baseUrl], {
      home,
      env: noKey,
      answer: { after: 'API key: ', text: `${suite.server.keyA}\r` },
    });
    expect(login.code, login.transcript).toBe(0);
    expect(login.transcript).toContain('Logged in to');
    expect(login.transcript).not.toContain(suite.server.keyA);
    const saved = JSON.parse(await readFile(join(home, '.config', 'computeplane', 'config.json'), 'utf8'));
    expect(saved.profiles.default.api_key).toBe(suite.server.keyA);
  });

  it('does not save a key the server refuses', async () => {
    const home = await mkdtemp(join(suite.home, 'refused-'));
    const refused = await suite.cli(['login', '--api-key', 'wrong-key', '--base-url', suite.server.baseUrl], {
      home,
      env: noKey,
    });
    expectApiError(refused, 'AUTH_INVALID');
    await expect(stat(join(home, '.config', 'computeplane', 'config.json'))).rejects.toThrow(/ENOENT/);
  });

  it('exits 2 on usage mistakes, 0 on --help and --version, 1 when the server cannot be reached', async () => {
    const [unknown, missing, badOption, badTimeout, help, version, unreachable] = await Promise.all([
      suite.cli(['modles', 'list']),
      suite.cli(['models', 'get']),
      suite.cli(['models', 'list', '--colour']),
      suite.cli(['models', 'list', '--timeout', 'soon']),
      suite.cli(['models', 'list', '--help']),
      suite.cli(['--version']),
      suite.cli(['models', 'list', '--base-url', 'http://127.0.0.1:1/'], { env: { COMPUTEPLANE_BASE_URL: undefined } }),
    ]);
    expectUsageError(unknown, /^computeplane: unknown command 'modles'\n\(Did you mean models\?\)/);
    expectUsageError(missing, /^computeplane: missing required argument 'model'/);
    expectUsageError(badOption, /^computeplane: unknown option '--colour'/);
    expectUsageError(
      badTimeout,
      /^computeplane: timeout "soon" is not a duration; give seconds \(30\) or 30s, 1500ms, 2m\n$/,
    );
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: computeplane models list \[options\]/);
    expect(help.stdout).toContain('Examples:\n  $ computeplane models list\n');
    expect(version).toMatchObject({ code: 0, stdout: '0.1.0\n' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(
      /^computeplane: cannot reach http:\/\/127\.0\.0\.1:1 \(.+\); check --base-url or COMPUTEPLANE_BASE_URL\n$/,
    );
    for (const result of [unknown, missing, badOption, badTimeout, unreachable])
      expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('colours only a terminal, and never with NO_COLOR', async () => {
    const [piped, terminal, noColor] = await Promise.all([
      suite.cli(['config']),
      suite.pty(['config']),
      suite.pty(['config'], { env: { NO_COLOR: '1' } }),
    ]);
    expect(piped.stdout).toMatch(/^profile\s+default$/m);
    expect(piped.stdout).not.toMatch(ansiStyle);
    expect(terminal.transcript).toMatch(ansiStyle);
    expect(noColor.transcript).toMatch(/profile\s+default/);
    expect(noColor.transcript).not.toMatch(ansiStyle);
  });

  it('completes commands and options in bash and zsh', async () => {
    const complete = async (...words: string[]) => {
      const script = `source <("${process.execPath}" "${cliScript}" completion bash)
COMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _computeplane; printf '%s\\n' "\${COMPREPLY[@]}"`;
      return (await run('bash', ['-c', script])).stdout.trim().split('\n');
    };
    expect(await complete('computeplane', 'mod')).toEqual(['models']);
    expect(await complete('computeplane', 'models', 'up')).toEqual(['upload']);
    expect(await complete('computeplane', 'models', 'upload', '--la')).toEqual(['--labels']);
    expect(await complete('computeplane', '--json', 'models', 'list', '--js')).toEqual(['--json']);

    const zsh = `autoload -U compinit && compinit -u -d /tmp/zcompdump-cli-test
source <("${process.execPath}" "${cliScript}" completion zsh)
print -r -- "$_comps[computeplane]|$_computeplane_words[_ models]"`;
    const { stdout } = await run('zsh', ['-f', '-c', zsh]);
    expect(stdout.trim()).toMatch(/^_computeplane\|upload list get delete schema .*--json/);
  });

  it('works against the server as `npm start` runs it', async () => {
    const root = await mkdtemp(join(suite.home, 'started-'));
    const database = await createPostgresDatabase();
    const adminKey = 'cli-test-admin-key-0123456789';
    const server = await startServerProcess({
      DATA_DIR: join(root, 'data'),
      DATABASE_URL: database.url,
      ADMIN_KEY: adminKey,
    });
    try {
      const admin = createClient({ baseUrl: server.baseUrl, adminKey });
      const tenant = await unwrap(createTenant(admin, { body: { name: 'cli' } }));
      const { key } = await unwrap(createApiKey(admin, { body: { tenant_id: tenant.id, name: 'cli' } }));
      const options = { home: root, env: { COMPUTEPLANE_BASE_URL: server.baseUrl } };
      const login = await runCli(['login', '--api-key', key], options);
      expect(login.code, login.stderr).toBe(0);
      const uploaded = await runCli(
        ['models', 'upload', fixturePath('tiny-mlp.onnx'), '--name', 'started', '--json'],
        options,
      );
      const model = await conformJson<{ id: string; name: string }>('uploadModel', uploaded);
      const list = await runCli(['models', 'list'], options);
      expect(list.stdout).toMatch(new RegExp(`^${model.id}\\s+started\\s+onnx`, 'm'));
    } finally {
      await server.stop();
      await database.drop();
    }
  });
});
