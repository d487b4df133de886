#!/usr/bin/env node
/**
 * `computeplane`: runs one command and exits with its code (0 ok, 1 API error, 2 usage error, 130 Ctrl-C).
 * Every failure is one line on stderr (`computeplane: ...`); with --json the API's error body also goes to stdout.
 */
import { CommanderError } from 'commander';
import { ApiError } from '@computeplane/sdk';
import { runningContext } from './core/context.js';
import { describeFailure, EXIT } from './core/errors.js';
import { buildProgram } from './program.js';

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return commanderExit(error);
    const ctx = runningContext();
    // Ctrl-C aborted what the command waited on: the interrupt handler (core/interrupt.ts) is cancelling what
    // the command started and ends the process with 130; this only keeps the process alive until it does.
    if (ctx?.signal.aborted) {
      await new Promise((resolve) => setTimeout(resolve, 15_000));
      return EXIT.interrupted;
    }
    const failure = describeFailure(error, {
      ...(ctx
        ? { baseUrl: ctx.settings.baseUrl, hasApiKey: Boolean(ctx.settings.apiKey), usesAdminKey: ctx.usesAdminKey }
        : {}),
    });
    if (ctx?.settings.json && error instanceof ApiError && error.body !== undefined)
      process.stdout.write(`${JSON.stringify(error.body, null, 2)}\n`);
    process.stderr.write(`computeplane: ${failure.line}\n`);
    return failure.exitCode;
  }
}

/** Commander already printed its message (or the help); only the exit code is ours to choose. */
function commanderExit(error: CommanderError): number {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
  if (error.code === 'commander.help') return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  return EXIT.usage;
}

// A reader that went away (`computeplane models list | head -1`) is not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT.ok);
  throw error;
});

const code = await main(process.argv);
// Let stdout drain before exiting (a pipe may be slower than we are).
process.stdout.write('', () => process.exit(code));
