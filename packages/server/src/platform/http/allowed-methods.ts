/**
 * Methods per path, from the specs. For every spec path, a request with a method the spec does not
 * define there is a 405 METHOD_NOT_ALLOWED with an `Allow` header (in the area's error format, since
 * this runs inside the error-format middleware), and OPTIONS is a 204 with the same `Allow`. HEAD is
 * served wherever GET is (Hono answers it with the GET handler, without the body). A request matches the
 * most specific spec path: a static segment wins over a parameter of another path, so
 * `GET /api/v1/inference/batch` is a 405 of `/inference/batch`, never a job id of `/inference/{jobId}`.
 * Routes are registered in the same order (`bySpecificity`) so the router agrees.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.js';
import { ApiProblem } from './problem.js';

const isParam = (segment: string) => segment.startsWith('{') && segment.endsWith('}');
const segmentsOf = (path: string) => path.split('/').slice(1);

/** Sort order of spec paths: at the first segment where they differ in kind, the static one comes first. */
export function bySpecificity(a: string, b: string): number {
  const [left, right] = [segmentsOf(a), segmentsOf(b)];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const kinds = Number(isParam(left[i]!)) - Number(isParam(right[i]!));
    if (kinds !== 0) return kinds;
  }
  return 0;
}

/** What the `Allow` header lists for a path defining `methods` (upper case). */
export function allowHeader(methods: Iterable<string>): string {
  const allowed = new Set(methods);
  if (allowed.has('GET')) allowed.add('HEAD');
  allowed.add('OPTIONS');
  return [...allowed].sort().join(', ');
}

export function allowedMethods(routes: readonly { method: string; path: string }[]): MiddlewareHandler<AppEnv> {
  const byPath = new Map<string, Set<string>>();
  for (const route of routes) {
    const methods = byPath.get(route.path) ?? new Set<string>();
    methods.add(route.method.toUpperCase());
    byPath.set(route.path, methods);
  }
  const templates = [...byPath.keys()].sort(bySpecificity).map((path) => ({
    segments: segmentsOf(path),
    methods: byPath.get(path)!,
    allow: allowHeader(byPath.get(path)!),
  }));
  const match = (path: string) => {
    const segments = segmentsOf(path);
    return templates.find(
      (t) =>
        t.segments.length === segments.length &&
        t.segments.every((s, i) => (isParam(s) ? segments[i] !== '' : s === segments[i])),
    );
  };
  return async (c, next) => {
    const template = match(c.req.path);
    if (!template) return next();
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
    if (template.methods.has(method)) return next();
    if (method === 'OPTIONS') return c.body(null, 204, { Allow: template.allow });
    throw new ApiProblem(
      405,
      'METHOD_NOT_ALLOWED',
      `${c.req.method} is not allowed on ${c.req.path}; use ${[...template.methods].sort().join(' or ')}`,
      { headers: { Allow: template.allow } },
    );
  };
}
