/**
 * Turns anything thrown while serving a request into the error envelope: our own ApiProblem, Hono's
 * HTTPException (malformed JSON, unsupported media type, body limit), zod validation failures, and
 * finally unexpected errors, which are logged and answered as a plain 500 that leaks no internals.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { AppEnv } from './app-env.js';
import { ApiProblem, errorBody, type ErrorCode, type ErrorIssue } from './problem.js';

const reply = (
  c: Context<AppEnv>,
  status: ContentfulStatusCode,
  code: ErrorCode,
  message: string,
  details?: ErrorIssue[],
) => c.json(errorBody(code, message, c.get('requestId') ?? '', details), status);

const codeForStatus: Partial<Record<number, ErrorCode>> = {
  400: 'VALIDATION_ERROR',
  401: 'AUTH_REQUIRED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'NOT_READY',
};

export const onError: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof ApiProblem) {
    for (const [name, value] of Object.entries(err.options.headers ?? {})) c.header(name, value);
    return reply(c, err.status, err.code, err.message, err.options.details);
  }
  if (err instanceof HTTPException && err.status < 500) {
    const status = err.status as ContentfulStatusCode;
    const message =
      status === 415
        ? `Unsupported Content-Type '${c.req.header('content-type') ?? '(none)'}' for ${c.req.method} ${c.req.path}`
        : status === 400 && /json/i.test(err.message)
          ? 'Malformed JSON in request body'
          : err.message || 'Bad request';
    return reply(c, status, codeForStatus[status] ?? 'VALIDATION_ERROR', message);
  }
  c.get('logger')?.error({ err, requestId: c.get('requestId') }, 'unhandled error');
  return reply(c, 500, 'INTERNAL_ERROR', 'Server error occurred');
};

/**
 * No route matched. When the path exists with other methods the answer is 405 METHOD_NOT_ALLOWED with
 * an `Allow` header; otherwise 404. `routes()` is read on each miss so areas mounted later count too.
 */
export function notFoundHandler(routes: () => readonly { method: string; path: string }[]): NotFoundHandler<AppEnv> {
  const pattern = (path: string) =>
    new RegExp(`^${path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\/:[^/]+/g, '/[^/]+')}$`);
  const compiled = new Map<string, RegExp>();
  return (c) => {
    const allowed = new Set<string>();
    for (const route of routes()) {
      if (route.method === 'ALL') continue;
      let regex = compiled.get(route.path);
      if (!regex) compiled.set(route.path, (regex = pattern(route.path)));
      if (regex.test(c.req.path)) allowed.add(route.method);
    }
    if (allowed.size > 0 && !allowed.has(c.req.method)) {
      c.header('Allow', [...allowed].sort().join(', '));
      return reply(
        c,
        405,
        'METHOD_NOT_ALLOWED',
        `${c.req.method} is not allowed on ${c.req.path}; use ${[...allowed].sort().join(' or ')}`,
      );
    }
    return reply(c, 404, 'NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`);
  };
}

/** zod issues as `{ path: 'body.input_shape[1]', message }`, with the location the validator checked. */
export function issuesFrom(target: string, error: z.ZodError): ErrorIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.reduce<string>(
      (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : `${acc}.${String(part)}`),
      target,
    );
    return { path, message: issue.message };
  });
}

const targetNames: Record<string, string> = {
  json: 'body',
  form: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
};

/** The hook @hono/zod-openapi calls after validating a request part. */
export const validationHook = (
  result: { success: true } | { success: false; error: z.ZodError; target?: string },
  c: Context<AppEnv>,
) => {
  if (result.success) return undefined;
  const details = issuesFrom(targetNames[result.target ?? ''] ?? result.target ?? 'request', result.error);
  const message = details.map((d) => `${d.path}: ${d.message}`).join('; ');
  return reply(c, 400, 'VALIDATION_ERROR', message, details);
};
