/** Pulled images in the database, per tenant; `claimNext` hands the oldest pending pull to the puller. */
import { and, asc, count, desc, eq, inArray, lt } from 'drizzle-orm';
import type { Db } from '../../platform/db/database.js';
import { instanceImages } from '../../platform/db/schema.js';

export type ImageRow = typeof instanceImages.$inferSelect;

export function imageRepository(db: Db) {
  const key = (tenantId: string, name: string) =>
    and(eq(instanceImages.tenantId, tenantId), eq(instanceImages.name, name));
  return {
    /** Inserts a pending pull, or answers the image already known by that name. */
    async insertPending(tenantId: string, name: string, now: Date): Promise<ImageRow> {
      await db
        .insert(instanceImages)
        .values({ tenantId, name, status: 'pending', createdAt: now })
        .onConflictDoNothing();
      return (await this.get(tenantId, name))!;
    },
    async get(tenantId: string, name: string): Promise<ImageRow | undefined> {
      const [row] = await db.select().from(instanceImages).where(key(tenantId, name));
      return row;
    },
    list(tenantId: string): Promise<ImageRow[]> {
      return db
        .select()
        .from(instanceImages)
        .where(eq(instanceImages.tenantId, tenantId))
        .orderBy(desc(instanceImages.createdAt));
    },
    /** Pulls queued before this one. */
    async queuePosition(row: ImageRow): Promise<number> {
      const [result] = await db
        .select({ n: count() })
        .from(instanceImages)
        .where(and(eq(instanceImages.status, 'pending'), lt(instanceImages.createdAt, row.createdAt)));
      return result?.n ?? 0;
    },
    async claimNext(): Promise<ImageRow | undefined> {
      const [next] = await db
        .select()
        .from(instanceImages)
        .where(eq(instanceImages.status, 'pending'))
        .orderBy(asc(instanceImages.createdAt))
        .limit(1);
      if (!next) return undefined;
      const [claimed] = await db
        .update(instanceImages)
        .set({ status: 'pulling' })
        .where(and(key(next.tenantId, next.name), eq(instanceImages.status, 'pending')))
        .returning();
      return claimed;
    },
    async update(tenantId: string, name: string, patch: Partial<ImageRow>): Promise<void> {
      await db.update(instanceImages).set(patch).where(key(tenantId, name));
    },
    /** Pulls a stopped server left half done go back to the queue. */
    async requeueInterrupted(): Promise<void> {
      await db
        .update(instanceImages)
        .set({ status: 'pending' })
        .where(inArray(instanceImages.status, ['pulling', 'converting']));
    },
    async delete(tenantId: string, name: string): Promise<ImageRow | undefined> {
      const [row] = await db.delete(instanceImages).where(key(tenantId, name)).returning();
      return row;
    },
    async countByDigest(digest: string): Promise<number> {
      const [row] = await db.select({ n: count() }).from(instanceImages).where(eq(instanceImages.digest, digest));
      return row?.n ?? 0;
    },
  };
}

export type ImageRepository = ReturnType<typeof imageRepository>;
