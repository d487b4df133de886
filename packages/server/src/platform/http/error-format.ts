/**
 * Which error body an area answers with, read from its spec: `x-error-format` at the root of
 * openapi/<area>.yaml selects `gpu` (the GPU marketplace's GpuError body, gpu-error-format.ts) or `flat`
 * (the instances family's `{code, message}`, flat-error-format.ts) for every response under the area's
 * paths, including 404s and 405s of paths it does not declare; otherwise the platform envelope.
 */
import type { MiddlewareHandler } from 'hono';
import { areaSpecs } from '../../generated/specs.js';
import type { RegisteredArea } from '../module.js';
import type { AppEnv } from './app-env.js';
import { flatErrorFormat } from './flat-error-format.js';
import { gpuErrorFormat } from './gpu-error-format.js';

const FORMATS: Record<string, MiddlewareHandler<AppEnv>> = { gpu: gpuErrorFormat, flat: flatErrorFormat };

export type ErrorFormat = 'gpu' | 'flat' | 'envelope';

export const errorFormatOf = (areaName: string): ErrorFormat => {
  const format = (areaSpecs[areaName] as { 'x-error-format'?: string } | undefined)?.['x-error-format'];
  return format === 'gpu' || format === 'flat' ? format : 'envelope';
};

/** `/api/v1/<collection>` for the platform's paths, `/<collection>` for an area served at the root. */
const collectionOf = (path: string) => {
  const segments = path.split('/');
  return (segments[1] === 'api' ? segments.slice(0, 4) : segments.slice(0, 2)).join('/');
};

/** The path patterns (a collection and everything below it) whose errors an area formats its own way. */
export function errorFormatMounts(areas: RegisteredArea[]): { path: string; middleware: MiddlewareHandler<AppEnv> }[] {
  const collections = new Map<string, MiddlewareHandler<AppEnv>>();
  for (const area of areas) {
    const format = errorFormatOf(area.name);
    if (format === 'envelope') continue;
    for (const route of Object.values(area.routes)) collections.set(collectionOf(route.path), FORMATS[format]!);
  }
  return [...collections].flatMap(([collection, middleware]) => [
    { path: collection, middleware },
    { path: `${collection}/*`, middleware },
  ]);
}
