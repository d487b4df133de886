/**
 * What a JSON Schema is being turned into zod for. Request parameters arrive as strings and are
 * coerced; multipart fields declared with a JSON encoding arrive as JSON text; component schemas are
 * referred to by their generated constant names.
 */
export type SchemaObject = Record<string, unknown> & {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  oneOf?: SchemaObject[];
  anyOf?: SchemaObject[];
  allOf?: SchemaObject[];
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  additionalProperties?: boolean | SchemaObject;
  format?: string;
  pattern?: string;
  default?: unknown;
};

export interface ZodContext {
  /** `param`: query/path values, which arrive as strings and are coerced. */
  mode: 'value' | 'param';
  /** Component schema names this schema refers to (filled while emitting). */
  refs: Set<string>;
  /** Where we are, for error messages from the generator itself. */
  at: string;
}

export const refName = (ref: string): string => {
  const match = /^#\/components\/schemas\/([A-Za-z0-9_]+)$/.exec(ref);
  if (!match) throw new Error(`unsupported $ref ${ref}: only #/components/schemas/* is supported`);
  return match[1]!;
};

/** The generated constant for a component schema: `Model` becomes `ModelSchema` (never shadows a global). */
export const schemaConstName = (name: string): string => `${name}Schema`;
