/**
 * A request body whose Content-Type the operation does not declare is a 415 UNSUPPORTED_MEDIA_TYPE,
 * for every operation alike. Without this, a form-urlencoded body to a multipart operation was parsed
 * as a form and answered 400 (a form parser reads both), while every other wrong type was a 415.
 * `application/json` also admits `+json` types, as the JSON validator does. A request without a
 * Content-Type is left to the validators (a missing body is a 400 naming it).
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.js';
import { ApiProblem } from './problem.js';

const mediaType = (header: string) => header.split(';')[0]!.trim().toLowerCase();

export function declaredContentTypes(types: readonly string[]): MiddlewareHandler<AppEnv> {
  const declared = new Set(types.map(mediaType));
  const accepts = (type: string) =>
    declared.has(type) || (declared.has('application/json') && /^application\/[a-z0-9.+-]+\+json$/.test(type));
  return async (c, next) => {
    const header = c.req.header('content-type');
    if (header === undefined || accepts(mediaType(header))) return next();
    throw new ApiProblem(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `Unsupported Content-Type '${header}' for ${c.req.method} ${c.req.path}; send ${[...declared].join(' or ')}`,
    );
  };
}
