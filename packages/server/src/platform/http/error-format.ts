/**
 * Which error body an area answers with, read from its spec: `x-error-format: gpu` at the root of
 * openapi/<area>.yaml selects the seed's GpuError body (gpu-error-format.ts) for every response under
 * the area's paths, including 404s and 405s of paths it does not declare; otherwise the platform envelope.
 */
import type { MiddlewareHandler } from 'hono';
import { areaSpecs } from '../../generated/specs.js';
import type { RegisteredArea } from '../module.js';
import type { AppEnv } from './app-env.js';
import { gpuErrorFormat } from './gpu-error-format.js';

export const errorFormatOf = (areaName: string): 'gpu' | 'envelope' =>
  (areaSpecs[areaName] as { 'x-error-format'?: string } | undefined)?.['x-error-format'] === 'gpu' ? 'gpu' : 'envelope';

/** The path patterns (`/api/v1/<collection>` and everything below it) whose errors an area formats its own way. */
export function errorFormatMounts(areas: RegisteredArea[]): { path: string; middleware: MiddlewareHandler<AppEnv> }[] {
  const collections = new Set<string>();
  for (const area of areas) {
    if (errorFormatOf(area.name) !== 'gpu') continue;
    for (const route of Object.values(area.routes)) collections.add(route.path.split('/').slice(0, 4).join('/'));
  }
  return [...collections].flatMap((collection) => [
    { path: collection, middleware: gpuErrorFormat },
    { path: `${collection}/*`, middleware: gpuErrorFormat },
  ]);
}
