/**
 * zod building blocks the generated routes use for values that do not arrive as plain JSON: files and
 * JSON-encoded fields of multipart bodies; and, re-exported, the text checks (zod-text.ts) and the
 * query value parsers (zod-query.ts), so generated code imports from one module.
 */
import { z } from '@hono/zod-openapi';
import { textProblem } from './zod-text.js';

export { anyJson, jsonRecord, text } from './zod-text.js';
export { isoDate, queryBoolean, queryNumber } from './zod-query.js';

/** A file part of a multipart body; its file name may become the model name, so it is checked as text. */
export const uploadedFile = () =>
  z
    .custom<File>((value) => typeof File !== 'undefined' && value instanceof File, {
      message: 'expected a file part (send it as multipart/form-data with a filename)',
    })
    .superRefine((file, ctx) => {
      const problem = textProblem(file.name);
      if (problem) ctx.addIssue({ code: 'custom', message: `file name ${problem}` });
    });

/**
 * A multipart field whose text is JSON (OpenAPI `encoding.contentType: application/json`). Clients send
 * it either as a plain field or as a part with `Content-Type: application/json` (which form parsers
 * hand over as a file); both are accepted.
 */
export const jsonText = <T extends z.ZodType>(schema: T) =>
  z
    .union([z.string(), z.instanceof(Blob)], { message: 'expected JSON text' })
    .transform(async (value, ctx) => {
      try {
        return JSON.parse(typeof value === 'string' ? value : await value.text()) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected JSON text (this field is JSON-encoded)' });
        return z.NEVER;
      }
    })
    .pipe(schema);
