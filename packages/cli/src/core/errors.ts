/**
 * How a failure ends the process: one line on stderr, never a stack trace, and the exit code scripts rely on
 * (0 ok, 1 API or connection error, 2 usage error, 130 interrupted).
 */
import { ApiError, ConnectionError, TimeoutError } from '@computeplane/sdk';

export const EXIT = { ok: 0, api: 1, usage: 2, interrupted: 130 } as const;

/** A mistake in how the command was called: exit 2. `message` says what to fix. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure found by the CLI itself after the API answered (a failed job, a refused state): exit 1. */
export class CommandError extends Error {
  override name = 'CommandError';
}

export interface Failure {
  exitCode: number;
  /** The one line printed to stderr, without the `computeplane:` prefix. */
  line: string;
}

export function describeFailure(
  error: unknown,
  context: { baseUrl?: string; hasApiKey?: boolean; usesAdminKey?: boolean } = {},
): Failure {
  if (error instanceof UsageError) return { exitCode: EXIT.usage, line: error.message };
  if (error instanceof ApiError) {
    const request = error.requestId ? ` (request ${error.requestId})` : '';
    const hint =
      error.status !== 401
        ? ''
        : context.usesAdminKey
          ? '; check --admin-key or COMPUTEPLANE_ADMIN_KEY'
          : !context.hasApiKey
            ? '; pass --api-key, set COMPUTEPLANE_API_KEY or run `computeplane login`'
            : '';
    return { exitCode: EXIT.api, line: `${error.code}: ${firstLine(apiMessage(error))}${request}${hint}` };
  }
  if (error instanceof TimeoutError) return { exitCode: EXIT.api, line: `${error.message}; raise --timeout` };
  if (error instanceof ConnectionError) {
    // The SDK's message ends with the socket's reason: "GET <url> failed: ECONNREFUSED".
    const reason = /failed: (.+)$/.exec(error.message)?.[1];
    return {
      exitCode: EXIT.api,
      line: `cannot reach ${context.baseUrl ?? 'the server'}${reason ? ` (${reason})` : ''}; check --base-url or COMPUTEPLANE_BASE_URL`,
    };
  }
  if (error instanceof CommandError) return { exitCode: EXIT.api, line: firstLine(error.message) };
  const systemCode = (error as NodeJS.ErrnoException | undefined)?.code;
  if (systemCode === 'ENOENT' || systemCode === 'EACCES' || systemCode === 'EISDIR') {
    const path = (error as NodeJS.ErrnoException).path;
    return { exitCode: EXIT.usage, line: `cannot read ${path ?? 'the file'} (${systemCode})` };
  }
  return { exitCode: EXIT.api, line: firstLine(error instanceof Error ? error.message : String(error)) };
}

/** The server's own message (ApiError.message also carries status, code and request id, printed separately here). */
function apiMessage(error: ApiError): string {
  const prefix = `${error.status} ${error.code}: `;
  const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return error.requestId ? message.replace(` (request ${error.requestId})`, '') : message;
}

const firstLine = (text: string): string => text.split('\n')[0]!.trim();
