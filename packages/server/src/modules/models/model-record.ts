/** A stored model row as the API returns it (openapi/models.yaml `Model`). */
import type { models } from '../../platform/db/schema.js';
import type { ModelSchema } from '../../generated/routes/models.js';
import type { z } from 'zod';
import { TORCHSCRIPT_NOTE } from './inspect-torchscript.js';

export type ModelRow = typeof models.$inferSelect;
export type Model = z.infer<typeof ModelSchema>;

export function toModel(row: ModelRow): Model {
  const executable = row.format === 'onnx';
  return {
    id: row.id,
    name: row.name,
    format: row.format,
    size: row.size,
    checksum: row.checksum,
    uploaded_at: row.uploadedAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    executable,
    execution_note: executable ? null : TORCHSCRIPT_NOTE,
    inputs: row.inputs,
    outputs: row.outputs,
    input_shape: row.inputShape,
    output_shape: row.outputShape,
    input_schema: row.inputSchema,
    output_schema: row.outputSchema,
    labels: row.labels,
    preprocessing: (row.preprocessing as Model['preprocessing']) ?? null,
    postprocessing: (row.postprocessing as Model['postprocessing']) ?? null,
  };
}
