/**
 * The devices table, always scoped to the tenant. A device is offline when no replica holds its socket
 * (`connected_node` null) or its last heartbeat is older than the offline grace; otherwise its stored
 * status (idle or busy). Every replica computes this the same way from the database.
 */
import { and, count, desc, eq, gte, isNotNull, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/database.js';
import { devices } from '../../platform/db/schema.js';

export type DeviceRow = typeof devices.$inferSelect;
export type DeviceStatus = 'idle' | 'busy' | 'offline';

export function deviceRepository(db: Db) {
  const offlineWhere = (staleBefore: Date) =>
    or(isNull(devices.connectedNode), isNull(devices.lastHeartbeatAt), lt(devices.lastHeartbeatAt, staleBefore))!;
  const statusWhere = (status: DeviceStatus, staleBefore: Date): SQL => {
    if (status === 'offline') return offlineWhere(staleBefore);
    return and(
      isNotNull(devices.connectedNode),
      gte(devices.lastHeartbeatAt, staleBefore),
      eq(devices.status, status),
    )!;
  };
  return {
    async insert(row: typeof devices.$inferInsert): Promise<DeviceRow> {
      const [created] = await db.insert(devices).values(row).returning();
      return created!;
    },
    async list(
      tenantId: string,
      query: { limit: number; offset: number; status?: DeviceStatus; staleBefore: Date },
    ): Promise<{ rows: DeviceRow[]; total: number }> {
      const where = and(
        eq(devices.tenantId, tenantId),
        query.status ? statusWhere(query.status, query.staleBefore) : undefined,
      );
      const rows = await db
        .select()
        .from(devices)
        .where(where)
        .orderBy(desc(devices.createdAt), desc(devices.id))
        .limit(query.limit)
        .offset(query.offset);
      const [total] = await db.select({ n: count() }).from(devices).where(where);
      return { rows, total: total?.n ?? 0 };
    },
    async get(tenantId: string, id: string): Promise<DeviceRow | undefined> {
      const [row] = await db
        .select()
        .from(devices)
        .where(and(eq(devices.tenantId, tenantId), eq(devices.id, id)));
      return row;
    },
    /** Counts by status and task totals over the tenant's devices. */
    async stats(tenantId: string, staleBefore: Date) {
      const offline = offlineWhere(staleBefore);
      const [row] = await db
        .select({
          total: count(),
          offline: sql<number>`count(*) filter (where ${offline})`.mapWith(Number),
          busy: sql<number>`count(*) filter (where not (${offline}) and ${devices.status} = 'busy')`.mapWith(Number),
          completed: sql<number>`coalesce(sum(${devices.tasksCompleted}), 0)`.mapWith(Number),
          failed: sql<number>`coalesce(sum(${devices.tasksFailed}), 0)`.mapWith(Number),
          latency: sql<number>`coalesce(sum(${devices.totalLatencyMs}), 0)`.mapWith(Number),
        })
        .from(devices)
        .where(eq(devices.tenantId, tenantId));
      return row!;
    },
    /** The socket said hello (or a heartbeat): this node holds it. */
    async touch(
      id: string,
      change: { node: string; now: Date; runningTasks: number; capabilities?: Record<string, unknown> },
    ): Promise<void> {
      await db
        .update(devices)
        .set({
          connectedNode: change.node,
          lastHeartbeatAt: change.now,
          runningTasks: change.runningTasks,
          status: change.runningTasks > 0 ? 'busy' : 'idle',
          ...(change.capabilities ? { capabilities: change.capabilities } : {}),
        })
        .where(eq(devices.id, id));
    },
    /** The socket closed on this node (a newer connection on another node is left alone). */
    async disconnect(id: string, node: string): Promise<void> {
      await db
        .update(devices)
        .set({ connectedNode: null, runningTasks: 0, status: 'idle' })
        .where(and(eq(devices.id, id), eq(devices.connectedNode, node)));
    },
    /** The tenants with a device online on another server process than `node` (its socket held there). */
    async tenantsOnlineElsewhere(node: string, staleBefore: Date): Promise<Set<string>> {
      const rows = await db
        .selectDistinct({ tenantId: devices.tenantId })
        .from(devices)
        .where(
          and(
            isNotNull(devices.connectedNode),
            ne(devices.connectedNode, node),
            gte(devices.lastHeartbeatAt, staleBefore),
          ),
        );
      return new Set(rows.map((r) => r.tenantId));
    },
    /** Whether the tenant has a device that reports a GPU online (on any replica). */
    async gpuOnline(tenantId: string, staleBefore: Date): Promise<boolean> {
      const [row] = await db
        .select({ id: devices.id })
        .from(devices)
        .where(
          and(
            eq(devices.tenantId, tenantId),
            isNotNull(devices.connectedNode),
            gte(devices.lastHeartbeatAt, staleBefore),
            sql`jsonb_typeof(${devices.capabilities}->'gpu') = 'object'`,
          ),
        )
        .limit(1);
      return row !== undefined;
    },
    /** Tasks this node sent the device and has not had answered: `busy` while there are any. */
    async setRunning(id: string, node: string, runningTasks: number): Promise<void> {
      await db
        .update(devices)
        .set({ runningTasks, status: runningTasks > 0 ? 'busy' : 'idle' })
        .where(and(eq(devices.id, id), eq(devices.connectedNode, node)));
    },
    async recordTask(id: string, ok: boolean, durationMs: number): Promise<void> {
      await db
        .update(devices)
        .set(
          ok
            ? {
                tasksCompleted: sql`${devices.tasksCompleted} + 1`,
                totalLatencyMs: sql`${devices.totalLatencyMs} + ${durationMs}`,
              }
            : { tasksFailed: sql`${devices.tasksFailed} + 1` },
        )
        .where(eq(devices.id, id));
    },
  };
}

export type DeviceRepository = ReturnType<typeof deviceRepository>;
