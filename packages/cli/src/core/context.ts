/**
 * What every command's action gets: resolved settings, an SDK client, the output, and the interrupt signal.
 * `action()` wraps a command body so that any failure becomes one line and the right exit code.
 */
import type { Command } from 'commander';
import { createClient, unwrap, type ApiResult, type Computeplane } from '@computeplane/sdk';
import { installInterruptHandler, type Interrupts } from './interrupt.js';
import { UsageError } from './errors.js';
import { createOutput, type Output } from './output.js';
import { resolveSettings, type GlobalFlags, type Settings } from './settings.js';

export interface CommandContext {
  settings: Settings;
  client: Computeplane;
  /**
   * A client that sends the admin key (X-Admin-Key) and no tenant key, for the admin commands. Throws a usage
   * error (exit 2) before any request when neither --admin-key nor COMPUTEPLANE_ADMIN_KEY is set.
   */
  adminClient(): Computeplane;
  /** Whether the command asked for the admin client (a 401 then points at the admin key). */
  readonly usesAdminKey: boolean;
  out: Output;
  /** Aborted on Ctrl-C: pass it to SDK calls and waiters (`{ signal: ctx.signal }`). */
  signal: AbortSignal;
  /** Registers how to cancel what the command started (only done with --cancel-on-interrupt). */
  onInterrupt: Interrupts['onInterrupt'];
  /** The SDK call's data, or throws its error (printed by the wrapper with its code and request id). */
  call<Data>(result: Promise<ApiResult<Data>>): Promise<Data>;
}

export interface ActionOptions {
  /** The command may name a profile the file does not have yet (login). */
  allowNewProfile?: boolean;
}

export async function createContext(command: Command, options: ActionOptions = {}): Promise<CommandContext> {
  const settings = await resolveSettings(command.optsWithGlobals<GlobalFlags>(), process.env, options);
  const out = createOutput({ json: settings.json });
  const interrupts = installInterruptHandler({ cancelOnInterrupt: settings.cancelOnInterrupt, note: out.note });
  const common = {
    baseUrl: settings.baseUrl,
    timeoutMs: settings.timeoutMs,
    headers: { 'User-Agent': `computeplane-cli/${CLI_VERSION}` },
  };
  const client = createClient({ ...common, ...(settings.apiKey ? { apiKey: settings.apiKey } : {}) });
  let admin: Computeplane | undefined;
  return {
    settings,
    client,
    adminClient() {
      if (!settings.adminKey)
        throw new UsageError('this is an admin command: pass --admin-key <key> or set COMPUTEPLANE_ADMIN_KEY');
      // apiKey '' keeps the SDK from falling back to COMPUTEPLANE_API_KEY: only the admin key is sent.
      return (admin ??= createClient({ ...common, apiKey: '', adminKey: settings.adminKey }));
    },
    get usesAdminKey() {
      return admin !== undefined;
    },
    out,
    signal: interrupts.signal,
    onInterrupt: interrupts.onInterrupt,
    call: (result) => unwrap(result),
  };
}

export const CLI_VERSION = '0.1.0';

/**
 * Wraps a command body for commander's `.action()`: the positional arguments come first, then the command's
 * options, as commander passes them; errors propagate to main(), which prints them.
 */
export function action<Args extends unknown[] = [], Options = object>(
  body: (ctx: CommandContext, ...rest: [...Args, Options]) => Promise<void>,
  options: ActionOptions = {},
) {
  return async (...received: unknown[]) => {
    const command = received[received.length - 1] as Command;
    const args = received.slice(0, -1) as [...Args, Options];
    const ctx = await createContext(command, options);
    currentContext = ctx;
    await body(ctx, ...args);
  };
}

let currentContext: CommandContext | undefined;
/** The context of the command running now (main() uses it to describe a failure). */
export const runningContext = (): CommandContext | undefined => currentContext;
