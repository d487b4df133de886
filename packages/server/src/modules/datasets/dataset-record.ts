/** A stored dataset row as the API returns it (openapi/datasets.yaml `Dataset`). */
import type { z } from 'zod';
import type { DatasetSchema } from '../../generated/routes/datasets.js';
import type { datasets } from '../../platform/db/schema.js';

export type DatasetRow = typeof datasets.$inferSelect;
export type Dataset = z.infer<typeof DatasetSchema>;

export function toDataset(row: DatasetRow): Dataset {
  return {
    id: row.id,
    name: row.name,
    format: row.format,
    size: row.size,
    checksum: row.checksum,
    rows: row.rows,
    columns: row.columns,
    feature_count: row.columns.length,
    label_column: row.labelColumn,
    label_type: row.labelType,
    num_classes: row.numClasses,
    label_min: row.labelMin,
    label_max: row.labelMax,
    created_at: row.createdAt.toISOString(),
  };
}
