/**
 * A one-line "still waiting" display while a command waits for something to start (a session, a pod): a
 * spinner with the elapsed time on stderr when stderr is a terminal; otherwise one note line (none with --json).
 */
import type { Output } from './output.js';

const FRAMES = ['|', '/', '-', '\\'];

/** Shows `label` with a spinner and the seconds waited until `done` settles; returns `done`'s outcome. */
export async function showWaiting<T>(
  out: Output,
  label: string,
  done: Promise<T>,
  stream: NodeJS.WriteStream = process.stderr,
): Promise<T> {
  if (out.json) return done;
  if (stream.isTTY !== true) {
    out.note(`${label}...`); // one line for logs
    return done;
  }
  const started = Date.now();
  let frame = 0;
  const draw = () => {
    const seconds = Math.floor((Date.now() - started) / 1000);
    stream.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${label} (${seconds}s)`);
  };
  draw();
  const timer = setInterval(draw, 200);
  try {
    const value = await done;
    stream.write(`\r\x1b[2K${label}: done in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    return value;
  } catch (error) {
    stream.write('\r\x1b[2K');
    throw error;
  } finally {
    clearInterval(timer);
  }
}
