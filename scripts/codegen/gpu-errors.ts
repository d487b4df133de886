/**
 * The GPU marketplace error types a retry can help with, defined once in openapi/components/errors.yaml
 * (`x-retryable` on `GpuError.error_type`) and emitted as one constant module for the SDK
 * (packages/sdk/src/generated/gpu-errors.ts, which the mock imports through the SDK) and the server
 * (packages/server/src/generated/gpu-errors.ts). Every listed type must be a platform `ErrorCode` in
 * lower case, since the server derives `error_type` from the code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { GENERATED_BANNER } from './banner.js';

const SOURCE = 'openapi/components/errors.yaml';

interface ErrorsComponents {
  components: {
    schemas: {
      ErrorCode: { enum: string[] };
      GpuError: { properties: { error_type: { 'x-retryable'?: unknown } } };
    };
  };
}

export function readRetryableGpuErrorTypes(repoRoot: string): string[] {
  const doc = parse(readFileSync(join(repoRoot, SOURCE), 'utf8')) as ErrorsComponents;
  const retryable = doc.components.schemas.GpuError?.properties?.error_type?.['x-retryable'];
  if (!Array.isArray(retryable) || !retryable.every((type) => typeof type === 'string')) {
    throw new Error(`${SOURCE}: GpuError.error_type needs an x-retryable list of error types`);
  }
  const known = new Set(doc.components.schemas.ErrorCode.enum.map((code) => code.toLowerCase()));
  const unknown = retryable.filter((type) => !known.has(type));
  if (unknown.length)
    throw new Error(`${SOURCE}: x-retryable lists ${unknown.join(', ')}, not ErrorCode values in lower case`);
  return retryable;
}

export function renderGpuErrors(retryable: string[]): string {
  return `${GENERATED_BANNER(SOURCE)}/**
 * The GPU marketplace \`error_type\` values for which \`retry_suggested\` is true (\`x-retryable\` on
 * \`GpuError.error_type\`). A 5xx status suggests a retry too, whatever its type.
 */
export const RETRYABLE_GPU_ERROR_TYPES = [${retryable.map((type) => JSON.stringify(type)).join(', ')}] as const;

export type RetryableGpuErrorType = (typeof RETRYABLE_GPU_ERROR_TYPES)[number];

/** Whether an \`error_type\` (or the platform code it comes from, in any case) is one a retry can help with. */
export function isRetryableGpuErrorType(errorType: string): boolean {
  return (RETRYABLE_GPU_ERROR_TYPES as readonly string[]).includes(errorType.toLowerCase());
}
`;
}
