/** The benchmarks table, within one tenant: a perf benchmark's row, its steps as they finish, its end. */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database.js';
import { benchmarks } from '../../../platform/db/schema.js';

export type BenchmarkRow = typeof benchmarks.$inferSelect;

export function benchmarkRepository(db: Db) {
  return {
    async create(row: typeof benchmarks.$inferInsert): Promise<BenchmarkRow> {
      const [created] = await db.insert(benchmarks).values(row).returning();
      return created!;
    },
    async get(tenantId: string, id: string): Promise<BenchmarkRow | undefined> {
      const [row] = await db
        .select()
        .from(benchmarks)
        .where(and(eq(benchmarks.tenantId, tenantId), eq(benchmarks.id, id)));
      return row;
    },
    /** Appends a finished step (one statement, so steps are never lost or doubled) and beats the heartbeat. */
    async addStep(id: string, step: Record<string, unknown>, now: Date) {
      await db
        .update(benchmarks)
        .set({ steps: sql`${benchmarks.steps} || ${JSON.stringify([step])}::jsonb`, updatedAt: now })
        .where(and(eq(benchmarks.id, id), eq(benchmarks.status, 'running')));
    },
    heartbeat: (id: string, now: Date) =>
      db
        .update(benchmarks)
        .set({ updatedAt: now })
        .where(and(eq(benchmarks.id, id), eq(benchmarks.status, 'running'))),
    async finish(id: string, status: 'completed' | 'failed', error: string | null, now: Date) {
      const [row] = await db
        .update(benchmarks)
        .set({ status, error, completedAt: now, updatedAt: now })
        .where(and(eq(benchmarks.id, id), eq(benchmarks.status, 'running')))
        .returning();
      return row;
    },
  };
}

export type BenchmarkRepository = ReturnType<typeof benchmarkRepository>;
