/** Datasets in the database, always within one tenant: another tenant's dataset does not exist here. */
import { and, count, desc, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/database.js';
import { datasets } from '../../platform/db/schema.js';
import type { DatasetRow } from './dataset-record.js';

export type NewDataset = typeof datasets.$inferInsert;

export function datasetRepository(db: Db) {
  const owned = (tenantId: string, id: string) => and(eq(datasets.tenantId, tenantId), eq(datasets.id, id));
  return {
    async insert(dataset: NewDataset): Promise<DatasetRow> {
      const [row] = await db.insert(datasets).values(dataset).returning();
      return row!;
    },
    async get(tenantId: string, id: string): Promise<DatasetRow | undefined> {
      const [row] = await db.select().from(datasets).where(owned(tenantId, id));
      return row;
    },
    async list(tenantId: string, page: { limit: number; offset: number }) {
      const where = eq(datasets.tenantId, tenantId);
      const [rows, totals] = await Promise.all([
        db
          .select()
          .from(datasets)
          .where(where)
          .orderBy(desc(datasets.createdAt), desc(datasets.id))
          .limit(page.limit)
          .offset(page.offset),
        db.select({ n: count() }).from(datasets).where(where),
      ]);
      return { rows, total: totals[0]?.n ?? 0 };
    },
    async delete(tenantId: string, id: string): Promise<DatasetRow | undefined> {
      const [row] = await db.delete(datasets).where(owned(tenantId, id)).returning();
      return row;
    },
    /** How many datasets are stored, of every tenant. */
    async countAll(): Promise<number> {
      const [row] = await db.select({ n: count() }).from(datasets);
      return row?.n ?? 0;
    },
    /** How many datasets (of any tenant) still refer to a stored file. */
    async countByChecksum(checksum: string): Promise<number> {
      const [row] = await db.select({ n: count() }).from(datasets).where(eq(datasets.checksum, checksum));
      return row?.n ?? 0;
    },
  };
}

export type DatasetRepository = ReturnType<typeof datasetRepository>;
