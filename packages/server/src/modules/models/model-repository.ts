/** Models in the database, always within one tenant: another tenant's model does not exist here. */
import { and, count, desc, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/database.js';
import { models } from '../../platform/db/schema.js';
import type { ModelRow } from './model-record.js';

export type NewModel = typeof models.$inferInsert;
export type ModelChanges = Partial<
  Pick<NewModel, 'inputSchema' | 'outputSchema' | 'labels' | 'preprocessing' | 'postprocessing'>
>;

export function modelRepository(db: Db) {
  const owned = (tenantId: string, id: string) => and(eq(models.tenantId, tenantId), eq(models.id, id));
  return {
    async insert(model: NewModel): Promise<ModelRow> {
      const [row] = await db.insert(models).values(model).returning();
      return row!;
    },
    async get(tenantId: string, id: string): Promise<ModelRow | undefined> {
      const [row] = await db.select().from(models).where(owned(tenantId, id));
      return row;
    },
    async list(tenantId: string, page: { limit: number; offset: number; format?: 'onnx' | 'torchscript' }) {
      const where = page.format
        ? and(eq(models.tenantId, tenantId), eq(models.format, page.format))
        : eq(models.tenantId, tenantId);
      const [rows, totals] = await Promise.all([
        db
          .select()
          .from(models)
          .where(where)
          .orderBy(desc(models.uploadedAt), desc(models.id))
          .limit(page.limit)
          .offset(page.offset),
        db.select({ n: count() }).from(models).where(where),
      ]);
      return { rows, total: totals[0]?.n ?? 0 };
    },
    async update(tenantId: string, id: string, changes: ModelChanges, now: Date): Promise<ModelRow | undefined> {
      const [row] = await db
        .update(models)
        .set({ ...changes, updatedAt: now })
        .where(owned(tenantId, id))
        .returning();
      return row;
    },
    async delete(tenantId: string, id: string): Promise<ModelRow | undefined> {
      const [row] = await db.delete(models).where(owned(tenantId, id)).returning();
      return row;
    },
    /** How many models are stored, of every tenant. */
    async countAll(): Promise<number> {
      const [row] = await db.select({ n: count() }).from(models);
      return row?.n ?? 0;
    },
    /** Whether the tenant has a model whose file has this checksum (devices download files by checksum). */
    async tenantHasChecksum(tenantId: string, checksum: string): Promise<boolean> {
      const [row] = await db
        .select({ n: count() })
        .from(models)
        .where(and(eq(models.tenantId, tenantId), eq(models.checksum, checksum)));
      return (row?.n ?? 0) > 0;
    },
    /** How many models (of any tenant) still refer to a stored file. */
    async countByChecksum(checksum: string): Promise<number> {
      const [row] = await db.select({ n: count() }).from(models).where(eq(models.checksum, checksum));
      return row?.n ?? 0;
    },
  };
}

export type ModelRepository = ReturnType<typeof modelRepository>;
