/**
 * Reads an error answer in any of the platform's error formats the same way: the platform envelope
 * `{error: {code, message, request_id, details}}`, the GPU areas' `{error, error_type, request_id}`
 * (`x-error-format: gpu`) and the instances family's `{code, message, request_id}` (`x-error-format: flat`).
 * Codes come back upper case, as the envelope has them.
 */
export interface ErrorBody {
  code: string;
  message: string;
  request_id?: string;
  details?: { path: string; message?: string }[];
}

export function errorOf(body: unknown): ErrorBody {
  const b = body as Record<string, unknown>;
  if (typeof b.error === 'string')
    return {
      code: String(b.error_type).toUpperCase(),
      message: b.error,
      request_id: b.request_id as string | undefined,
      details: b.details as ErrorBody['details'],
    };
  if (b.error && typeof b.error === 'object') return b.error as ErrorBody;
  return {
    code: String(b.code).toUpperCase(),
    message: String(b.message),
    request_id: b.request_id as string | undefined,
    details: b.details as ErrorBody['details'],
  };
}
