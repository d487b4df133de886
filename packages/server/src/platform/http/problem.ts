/**
 * The error envelope every platform area answers with, `{ error: { code, message, request_id } }`, and
 * the exception handlers throw to produce it. Codes are the seed's plus the ones in docs/compatibility.md.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { ErrorCodeSchema } from '../../generated/routes/models.js';

/** The spec's ErrorCode enum (openapi/components/errors.yaml), as generated: one list, in the spec. */
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export interface ErrorIssue {
  path: string;
  message: string;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; request_id: string; details?: ErrorIssue[] };
}

/** Thrown by handlers and middleware; turned into the envelope by the app's error handler. */
export class ApiProblem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly options: { details?: ErrorIssue[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'ApiProblem';
  }
}

export const notFound = (what: string, id: string) => new ApiProblem(404, 'NOT_FOUND', `${what} '${id}' not found`);

export const errorBody = (code: ErrorCode, message: string, requestId: string, details?: ErrorIssue[]): ErrorBody => ({
  error: { code, message, request_id: requestId, ...(details?.length ? { details } : {}) },
});
