/**
 * Typed per-operation overrides (openapi-msw): handlers whose paths, params and response bodies are
 * checked against each area's spec types, for forcing errors and edge cases in application tests.
 * Put them in front of the stateful handlers with `server.use(...)`. The per-area map is generated from
 * openapi/ (./generated/typed-http.ts), so every spec file has its entry.
 */
import { isRetryableGpuErrorType } from '@computeplane/sdk';
import type { components as ModelsComponents } from '@computeplane/sdk/types/models';
import { createTypedHttp } from './generated/typed-http.js';

export function typedHttp(baseUrl = 'http://computeplane.test') {
  return createTypedHttp({ baseUrl: baseUrl.replace(/\/+$/, '') });
}

type ErrorCode = ModelsComponents['schemas']['ErrorCode'];

/**
 * The seed-style error body of the GPU marketplace areas (offers, templates, sessions, costs), for override
 * responses. `retry_suggested` follows the spec's retryable error types (RETRYABLE_GPU_ERROR_TYPES), as the
 * server's does; pass it in `extra` to force another value.
 */
export function gpuErrorBody(
  errorType: string,
  message: string,
  extra: Record<string, unknown> = {},
  requestId = 'req_mock',
) {
  return {
    error: message,
    request_id: requestId,
    error_type: errorType,
    retry_suggested: isRetryableGpuErrorType(errorType),
    ...extra,
  };
}

/** The error envelope every Computeplane error uses, for override responses. */
export function errorBody(code: ErrorCode, message: string, requestId = 'req_mock') {
  return { error: { code, message, request_id: requestId } };
}
