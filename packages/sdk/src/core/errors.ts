/**
 * Typed errors. Every failed call yields a ComputeplaneError: an ApiError subclass chosen by HTTP status
 * (carrying the server's error code, message and request id), or a connection, timeout or abort error.
 */

export interface ErrorEnvelope {
  error: { code: string; message: string; request_id?: string; details?: unknown };
}

export class ComputeplaneError extends Error {
  override name = 'ComputeplaneError';
}

export class ApiError extends ComputeplaneError {
  override name = 'ApiError';
  /** Stable machine-readable code, e.g. `NOT_FOUND`, `VALIDATION_ERROR`. */
  readonly code: string;
  readonly requestId: string | undefined;
  readonly details: unknown;

  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Headers,
  ) {
    const envelope = isEnvelope(body)
      ? body.error
      : isGpuError(body)
        ? {
            code: body.error_type.toUpperCase(),
            message: body.error,
            request_id: body.request_id,
            details: body.details,
          }
        : isFlatError(body)
          ? { code: body.code.toUpperCase(), message: body.message, request_id: body.request_id, details: body.details }
          : undefined;
    const message = envelope?.message ?? (typeof body === 'string' && body ? body : `HTTP ${status}`);
    const requestId = envelope?.request_id ?? headers.get('x-request-id') ?? undefined;
    super(`${status} ${envelope?.code ?? 'HTTP_ERROR'}: ${message}${requestId ? ` (request ${requestId})` : ''}`);
    this.code = envelope?.code ?? 'HTTP_ERROR';
    this.requestId = requestId;
    this.details = envelope?.details;
  }
}

export class BadRequestError extends ApiError {
  override name = 'BadRequestError';
}
export class AuthenticationError extends ApiError {
  override name = 'AuthenticationError';
}
export class PermissionDeniedError extends ApiError {
  override name = 'PermissionDeniedError';
}
export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
}
export class ConflictError extends ApiError {
  override name = 'ConflictError';
}
export class PayloadTooLargeError extends ApiError {
  override name = 'PayloadTooLargeError';
}
export class UnprocessableEntityError extends ApiError {
  override name = 'UnprocessableEntityError';
}
export class RateLimitError extends ApiError {
  override name = 'RateLimitError';
}
export class InternalServerError extends ApiError {
  override name = 'InternalServerError';
}

/** The request never got a response: DNS, refused connection, reset socket. */
export class ConnectionError extends ComputeplaneError {
  override name = 'ConnectionError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An attempt ran past the client's or the call's `timeoutMs`. */
export class TimeoutError extends ConnectionError {
  override name = 'TimeoutError';
}

/** The caller's AbortSignal fired. Never retried. */
export class AbortedError extends ComputeplaneError {
  override name = 'AbortedError';
  constructor(options?: { cause?: unknown }) {
    super('Request aborted by the caller', options);
  }
}

const byStatus: Record<number, typeof ApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  413: PayloadTooLargeError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

export function errorFromResponse(status: number, body: unknown, headers: Headers): ApiError {
  const ErrorClass = byStatus[status] ?? (status >= 500 ? InternalServerError : ApiError);
  return new ErrorClass(status, body, headers);
}

/** The GPU marketplace areas' body (gpu-sessions.md): `{error, request_id, error_type, retry_suggested}`. */
interface GpuErrorBody {
  error: string;
  request_id?: string;
  error_type: string;
  retry_suggested?: boolean;
  details?: unknown;
}

function isGpuError(body: unknown): body is GpuErrorBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as GpuErrorBody).error === 'string' &&
    typeof (body as GpuErrorBody).error_type === 'string'
  );
}

/** The instances family's body (instances.md): `{code, message}`, the code in lower case. */
interface FlatErrorBody {
  code: string;
  message: string;
  request_id?: string;
  details?: unknown;
}

function isFlatError(body: unknown): body is FlatErrorBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as FlatErrorBody).code === 'string' &&
    typeof (body as FlatErrorBody).message === 'string'
  );
}

function isEnvelope(body: unknown): body is ErrorEnvelope {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}
