/**
 * The compute_peers table, always scoped to the tenant. A peer is healthy while its `last_seen_at` (the
 * last registration or heartbeat) is newer than the grace period; every replica judges it the same way.
 */
import { and, count, desc, eq, exists, gte, isNotNull, lt, or, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/database.js';
import { computeJobs, computePeers } from '../../platform/db/schema.js';

export type PeerRow = typeof computePeers.$inferSelect;
export type NewPeer = typeof computePeers.$inferInsert;

export function peerRepository(db: Db) {
  const healthWhere = (health: 'healthy' | 'unhealthy', seenAfter: Date): SQL =>
    health === 'healthy' ? gte(computePeers.lastSeenAt, seenAfter) : lt(computePeers.lastSeenAt, seenAfter);
  return {
    async insert(row: NewPeer): Promise<PeerRow> {
      const [created] = await db.insert(computePeers).values(row).returning();
      return created!;
    },
    async update(tenantId: string, id: string, changes: Partial<NewPeer>): Promise<PeerRow | undefined> {
      const [row] = await db
        .update(computePeers)
        .set(changes)
        .where(and(eq(computePeers.tenantId, tenantId), eq(computePeers.id, id)))
        .returning();
      return row;
    },
    async get(tenantId: string, id: string): Promise<PeerRow | undefined> {
      const [row] = await db
        .select()
        .from(computePeers)
        .where(and(eq(computePeers.tenantId, tenantId), eq(computePeers.id, id)));
      return row;
    },
    /** The tenant's peers holding either endpoint (at most one each: the unique indexes). */
    async byEndpoint(tenantId: string, grpcPeer?: string, realtimePeerUrl?: string): Promise<PeerRow[]> {
      const matches = [
        grpcPeer !== undefined ? eq(computePeers.grpcPeer, grpcPeer) : undefined,
        realtimePeerUrl !== undefined ? eq(computePeers.realtimePeerUrl, realtimePeerUrl) : undefined,
      ].filter((match) => match !== undefined);
      if (matches.length === 0) return [];
      return db
        .select()
        .from(computePeers)
        .where(and(eq(computePeers.tenantId, tenantId), or(...matches)));
    },
    async list(
      tenantId: string,
      query: { limit: number; offset: number; health?: 'healthy' | 'unhealthy'; seenAfter: Date },
    ): Promise<{ rows: PeerRow[]; total: number }> {
      const where = and(
        eq(computePeers.tenantId, tenantId),
        query.health ? healthWhere(query.health, query.seenAfter) : undefined,
      );
      const rows = await db
        .select()
        .from(computePeers)
        .where(where)
        .orderBy(desc(computePeers.createdAt), desc(computePeers.id))
        .limit(query.limit)
        .offset(query.offset);
      const [total] = await db.select({ n: count() }).from(computePeers).where(where);
      return { rows, total: total?.n ?? 0 };
    },
    /** The tenant's healthy peers, oldest first (the "first registered peer" of the routing rule). */
    async healthy(tenantId: string, seenAfter: Date): Promise<PeerRow[]> {
      return db
        .select()
        .from(computePeers)
        .where(and(eq(computePeers.tenantId, tenantId), healthWhere('healthy', seenAfter)))
        .orderBy(computePeers.createdAt, computePeers.id);
    },
    /** The tenant's peers registered from an instance. */
    async byInstance(tenantId: string, instanceId: string): Promise<PeerRow[]> {
      return db
        .select()
        .from(computePeers)
        .where(and(eq(computePeers.tenantId, tenantId), eq(computePeers.instanceId, instanceId)));
    },
    /** Deletes unhealthy peers (not seen since `seenBefore`) whose instance was terminated; returns how many. */
    async deleteTerminated(seenBefore: Date): Promise<number> {
      const deleted = await db
        .delete(computePeers)
        .where(
          and(
            lt(computePeers.lastSeenAt, seenBefore),
            exists(
              db
                .select({ id: computeJobs.id })
                .from(computeJobs)
                .where(
                  and(
                    eq(computeJobs.tenantId, computePeers.tenantId),
                    eq(computeJobs.instanceId, computePeers.instanceId),
                    isNotNull(computeJobs.terminatedAt),
                  ),
                ),
            ),
          ),
        )
        .returning({ id: computePeers.id });
      return deleted.length;
    },
    async delete(tenantId: string, id: string): Promise<boolean> {
      const deleted = await db
        .delete(computePeers)
        .where(and(eq(computePeers.tenantId, tenantId), eq(computePeers.id, id)))
        .returning({ id: computePeers.id });
      return deleted.length > 0;
    },
  };
}

export type PeerRepository = ReturnType<typeof peerRepository>;
