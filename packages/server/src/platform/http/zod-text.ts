/**
 * Text the server may store: every string of a request (JSON bodies, multipart fields, query and path
 * parameters, and strings nested anywhere in free-form JSON) goes through these checks, emitted by the
 * route generator, so a NUL character (which PostgreSQL text and jsonb refuse) or a lone surrogate
 * (which would be stored as U+FFFD) is a 400 naming the field instead of a 500 or a silent change.
 */
import { z } from '@hono/zod-openapi';

/** Why `value` cannot be stored as text, or undefined when it can. */
export function textProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain NUL characters (U+0000)';
  if (!(value as string & { isWellFormed(): boolean }).isWellFormed())
    return 'must be well-formed Unicode (a lone surrogate such as \\ud800 is not)';
  return undefined;
}

/** A request string: `z.string()` plus the text check. */
export const text = () =>
  z.string().superRefine((value, ctx) => {
    const problem = textProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/**
 * Walks any JSON value and reports each string (and object key) that cannot be stored, at its own path.
 * Written here rather than taken from a library: it is one recursive function over parsed JSON, and
 * the paths must be zod's so the 400 names the nested field (`body.input_schema.properties.x.title`).
 */
function checkDeep(value: unknown, ctx: z.RefinementCtx, path: (string | number)[]): void {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => checkDeep(item, ctx, [...path, index]));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const problem = textProblem(key);
      if (problem) ctx.addIssue({ code: 'custom', message: `key ${JSON.stringify(key)} ${problem}`, path });
      checkDeep(item, ctx, [...path, key]);
    }
  }
}

/** Any JSON value (a schema without a type), with every nested string checked. */
export const anyJson = () => z.unknown().superRefine((value, ctx) => checkDeep(value, ctx, []));

/** An object with arbitrary keys (`additionalProperties`), its keys checked; `values` checks the values. */
export const jsonRecord = <T extends z.ZodType>(values: T) =>
  z.record(z.string(), values).superRefine((value, ctx) => {
    for (const key of Object.keys(value)) {
      const problem = textProblem(key);
      if (problem) ctx.addIssue({ code: 'custom', message: `key ${JSON.stringify(key)} ${problem}` });
    }
  });
