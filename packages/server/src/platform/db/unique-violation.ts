/** Whether a database error (or one it wraps) is a unique-constraint violation (SQLSTATE 23505), on both drivers. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e)
    if (e.code === '23505') return true;
  return false;
}
