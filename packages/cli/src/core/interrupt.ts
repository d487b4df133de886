/**
 * Ctrl-C. The first SIGINT aborts what the command is waiting on and ends the process with 130; work the
 * command started on the server is cancelled only with --cancel-on-interrupt (otherwise the note says how to
 * pick it up again). A second SIGINT exits at once.
 */
import { EXIT } from './errors.js';

export interface Interrupts {
  readonly signal: AbortSignal;
  /**
   * Registers how to cancel what this command started, and what to tell the user when it is left running
   * (`cancel: null` for work the API cannot cancel: the note is shown even with --cancel-on-interrupt).
   */
  onInterrupt(cancel: (() => Promise<unknown>) | null, leftRunning: string): void;
}

export function installInterruptHandler(options: {
  cancelOnInterrupt: boolean;
  note: (text: string) => void;
  exit?: (code: number) => never;
}): Interrupts {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const controller = new AbortController();
  const pending: { cancel: (() => Promise<unknown>) | null; leftRunning: string }[] = [];
  let interrupted = false;
  const handler = async () => {
    if (interrupted) exit(EXIT.interrupted);
    interrupted = true;
    controller.abort();
    if (options.cancelOnInterrupt) {
      for (const { cancel, leftRunning } of pending) {
        if (!cancel) {
          options.note(`Interrupted; ${leftRunning}`);
          continue;
        }
        try {
          await Promise.race([cancel(), new Promise((resolve) => setTimeout(resolve, 10_000))]);
        } catch (error) {
          options.note(`could not cancel: ${(error as Error).message}`);
        }
      }
      if (pending.some(({ cancel }) => cancel)) options.note('Interrupted; cancelled what this command started.');
    } else for (const { leftRunning } of pending) options.note(`Interrupted; ${leftRunning}`);
    exit(EXIT.interrupted);
  };
  process.on('SIGINT', () => void handler());
  return {
    signal: controller.signal,
    onInterrupt(cancel, leftRunning) {
      pending.push({ cancel, leftRunning });
    },
  };
}
