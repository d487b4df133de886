/** The shape of an OpenAPI document as codegen and the server handle it (bundled, merged, served). */
export type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string; [key: string]: unknown };
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  tags?: { name: string; description?: string }[];
  security?: Record<string, string[]>[];
  [key: string]: unknown;
};
