/**
 * What every command's action gets: resolved settings, an SDK client, the output, and the interrupt signal.
 * `action()` wraps a command body so that any failure becomes one line and the right exit code.
 */
import type { Command } from 'commander';
import { createClient, unwrap, type ApiResult, type Computeplane } from '@computeplane/sdk';
import { installInterruptHandler, type Interrupts } from './interrupt.js';
import { createOutput, type Output } from './output.js';
import { resolveSettings, type GlobalFlags, type Settings } from './settings.js';

export interface CommandContext {
  settings: Settings;
  client: Computeplane;
  out: Output;
  /** Aborted on Ctrl-C: pass it to SDK calls and waiters (`{ signal: ctx.signal }`). */
  signal: AbortSignal;
  /** Registers how to cancel what the command started (only done with --cancel-on-interrupt). */
  onInterrupt: Interrupts['onInterrupt'];
  /** The SDK call's data, or throws its error (printed by the wrapper with its code and request id). */
  call<Data>(result: Promise<ApiResult<Data>>): Promise<Data>;
}

export async function createContext(command: Command): Promise<CommandContext> {
  const settings = await resolveSettings(command.optsWithGlobals<GlobalFlags>());
  const out = createOutput({ json: settings.json });
  const interrupts = installInterruptHandler({ cancelOnInterrupt: settings.cancelOnInterrupt, note: out.note });
  const client = createClient({
    baseUrl: settings.baseUrl,
    timeoutMs: settings.timeoutMs,
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
    headers: { 'User-Agent': `computeplane-cli/${CLI_VERSION}` },
  });
  return {
    settings,
    client,
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
) {
  return async (...received: unknown[]) => {
    const command = received[received.length - 1] as Command;
    const args = received.slice(0, -1) as [...Args, Options];
    const ctx = await createContext(command);
    currentContext = ctx;
    try {
      await body(ctx, ...args);
    } catch (error) {
      // After Ctrl-C the interrupt handler ends the process (130), once it has cancelled what it must.
      if (ctx.signal.aborted) await new Promise(() => {});
      throw error;
    }
  };
}

let currentContext: CommandContext | undefined;
/** The context of the command running now (main() uses it to describe a failure). */
export const runningContext = (): CommandContext | undefined => currentContext;
