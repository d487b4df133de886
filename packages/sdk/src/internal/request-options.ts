/**
 * The typed `init` argument of every generated operation (path/query params, body, headers), derived from
 * the generated `paths` type of an area.
 */
import type { FetchOptions } from 'openapi-fetch';

type Operation<Paths, P extends keyof Paths, M extends keyof Paths[P]> =
  Paths[P][M] extends Record<string | number, unknown> ? Paths[P][M] : never;

export type InitOf<Paths, P extends keyof Paths, M extends keyof Paths[P]> = Pick<
  FetchOptions<Operation<Paths, P, M>>,
  'params' | 'body' | 'headers'
>;
