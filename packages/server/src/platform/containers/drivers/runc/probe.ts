/** Whether runc can run containers here: it needs the runc binary and root (runc's rootful mode, cgroup v1). */
import { execFile } from 'node:child_process';

/** null when runc is usable; otherwise why not, in words an operator can act on. */
export function probeRunc(binary = 'runc'): Promise<string | null> {
  if (process.getuid?.() !== 0)
    return Promise.resolve('the server is not running as root, which runc needs to create containers');
  return new Promise((resolve) => {
    execFile(binary, ['--version'], (error) =>
      resolve(error ? `runc is not installed or not runnable (${binary} --version: ${error.message})` : null),
    );
  });
}
