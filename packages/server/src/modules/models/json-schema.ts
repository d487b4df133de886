/** Checks that `input_schema` / `output_schema` are JSON Schemas (draft 2020-12) Ajv can compile. */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ApiProblem } from '../../platform/http/problem.js';

const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: true });

export function checkJsonSchema(field: string, schema: Record<string, unknown> | null | undefined): void {
  if (schema === null || schema === undefined) return;
  try {
    ajv.compile(schema);
  } catch (error) {
    throw new ApiProblem(
      400,
      'VALIDATION_ERROR',
      `body.${field}: not a valid JSON Schema (${(error as Error).message})`,
      {
        details: [{ path: `body.${field}`, message: 'not a valid JSON Schema' }],
      },
    );
  }
}
