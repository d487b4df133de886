/** Runs a host tool (skopeo, umoci, ip, tc, iptables, mkfs) and answers its stdout, or its stderr as the error. */
import { execFile } from 'node:child_process';

export function runTool(binary: string, args: string[], options: { timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      args,
      { timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const reason = stderr.trim().split('\n').filter(Boolean).pop() ?? error.message;
        reject(new Error(`${binary} ${args[0]} failed: ${reason}`));
      },
    );
  });
}

/** Whether a binary answers `--version` (or `-V`). */
export const hasTool = (binary: string, flag = '--version') =>
  runTool(binary, [flag], { timeoutMs: 10_000 }).then(
    () => true,
    () => false,
  );
