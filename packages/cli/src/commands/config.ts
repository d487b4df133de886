/**
 * `computeplane login`, `logout` and `config`: the profile file. `login` checks the key against the server
 * before saving it (unless --no-verify) and writes the file with mode 0600.
 */
import type { Command } from 'commander';
import { createClient } from '@computeplane/sdk';
import { listModels } from '@computeplane/sdk/models';
import { action } from '../core/context.js';
import { EXIT, UsageError } from '../core/errors.js';
import { withExamples } from '../core/help.js';
import { readStdin } from '../core/input.js';
import { readProfileFile, writeProfileFile } from '../core/profile-file.js';

export function registerConfig(program: Command): void {
  withExamples(
    program
      .command('login')
      .description('save the base URL and API key as a profile (~/.config/computeplane/config.json, mode 0600)')
      .option('--no-verify', 'save without checking the key against the server')
      .action(
        action<[], { verify: boolean }>(
          async (ctx, options) => {
            const apiKey = ctx.settings.apiKey ?? (await askForKey());
            if (!apiKey) throw new UsageError('login: no API key given; pass --api-key or type it when asked');
            if (options.verify) {
              const client = createClient({ baseUrl: ctx.settings.baseUrl, apiKey, timeoutMs: ctx.settings.timeoutMs });
              await ctx.call(listModels(client, { params: { query: { limit: 1 } } }, { signal: ctx.signal }));
            }
            const file = await readProfileFile(ctx.settings.profilePath);
            file.profiles[ctx.settings.profile] = { base_url: ctx.settings.baseUrl, api_key: apiKey };
            file.default_profile ??= ctx.settings.profile;
            await writeProfileFile(ctx.settings.profilePath, file);
            const saved = {
              profile: ctx.settings.profile,
              base_url: ctx.settings.baseUrl,
              path: ctx.settings.profilePath,
            };
            ctx.out.result(saved, () =>
              ctx.out.line(`Logged in to ${saved.base_url} as profile "${saved.profile}" (saved in ${saved.path}).`),
            );
          },
          { allowNewProfile: true },
        ),
      ),
    [
      'computeplane login --base-url https://cp.example.com --api-key $KEY',
      'echo "$KEY" | computeplane login --profile staging --base-url https://staging.example.com',
    ],
  );

  withExamples(
    program
      .command('logout')
      .description("forget the profile's API key")
      .action(
        action(async (ctx) => {
          const file = await readProfileFile(ctx.settings.profilePath);
          const profile = file.profiles[ctx.settings.profile];
          if (profile) delete profile.api_key;
          await writeProfileFile(ctx.settings.profilePath, file);
          ctx.out.result({ profile: ctx.settings.profile }, () =>
            ctx.out.line(`Removed the API key of profile "${ctx.settings.profile}".`),
          );
        }),
      ),
    ['computeplane logout', 'computeplane logout --profile staging'],
  );

  withExamples(
    program
      .command('config')
      .description('show the settings in effect and where each comes from (keys are masked)')
      .action(
        action(async (ctx) => {
          const { settings } = ctx;
          const shown = {
            profile: settings.profile,
            profile_file: settings.profilePath,
            base_url: settings.baseUrl,
            base_url_from: settings.sources.baseUrl,
            api_key: settings.apiKey ? mask(settings.apiKey) : null,
            api_key_from: settings.sources.apiKey,
            admin_key: settings.adminKey ? mask(settings.adminKey) : null,
            admin_key_from: settings.sources.adminKey,
            timeout_ms: settings.timeoutMs,
          };
          ctx.out.result(shown, () => ctx.out.fields(Object.entries(shown)));
        }),
      ),
    ['computeplane config', 'COMPUTEPLANE_PROFILE=staging computeplane config --json'],
  );
}

const mask = (key: string) => (key.length <= 8 ? '****' : `${key.slice(0, 4)}…${key.slice(-4)}`);

/** The key typed at a terminal (not echoed), or the first line of piped stdin. */
async function askForKey(): Promise<string> {
  if (!process.stdin.isTTY) return (await readStdin()).split('\n')[0]!.trim();
  return readHidden('API key: ');
}

/**
 * Reads one line at a terminal in raw mode, so nothing typed is echoed (readline always redraws the line it
 * edits). Backspace deletes; Ctrl-C and Ctrl-D end the command as an interrupt.
 */
function readHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  stdin.setRawMode(true); // before the prompt: nothing typed after it is ever echoed
  stdin.resume();
  process.stderr.write(prompt);
  return new Promise((resolve) => {
    let typed = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') {
          finish();
          return resolve(typed.trim());
        }
        if (char === '\u0003' || char === '\u0004') {
          finish();
          process.exit(EXIT.interrupted);
        }
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    stdin.on('data', onData);
  });
}
