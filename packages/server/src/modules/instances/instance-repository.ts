/** Instances in the database, always within one tenant (except the node's own sweep at start-up). */
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../platform/db/database.js';
import { instances, instanceVolumeAttachments } from '../../platform/db/schema.js';
import type { InstanceState } from './instance-states.js';

export type InstanceRow = typeof instances.$inferSelect;
export type NewInstance = typeof instances.$inferInsert;
export type AttachmentRow = typeof instanceVolumeAttachments.$inferSelect;

export function instanceRepository(db: Db) {
  return {
    async insert(row: NewInstance, attachments: Omit<AttachmentRow, 'instanceId'>[]): Promise<InstanceRow> {
      return db.transaction(async (tx) => {
        const [saved] = await tx.insert(instances).values(row).returning();
        if (attachments.length)
          await tx.insert(instanceVolumeAttachments).values(attachments.map((a) => ({ ...a, instanceId: saved!.id })));
        return saved!;
      });
    },
    /** By id, or else by name (the seed's clients address instances by either). */
    async get(tenantId: string, idOrName: string): Promise<InstanceRow | undefined> {
      const [byId] = await db
        .select()
        .from(instances)
        .where(and(eq(instances.tenantId, tenantId), eq(instances.id, idOrName)));
      if (byId) return byId;
      const [byName] = await db
        .select()
        .from(instances)
        .where(and(eq(instances.tenantId, tenantId), eq(instances.name, idOrName)));
      return byName;
    },
    async byId(id: string): Promise<InstanceRow | undefined> {
      const [row] = await db.select().from(instances).where(eq(instances.id, id));
      return row;
    },
    list(tenantId: string, state?: InstanceState): Promise<InstanceRow[]> {
      const where = state
        ? and(eq(instances.tenantId, tenantId), eq(instances.state, state))
        : eq(instances.tenantId, tenantId);
      return db.select().from(instances).where(where).orderBy(desc(instances.createdAt), desc(instances.id));
    },
    /** The node's instances whose workload may be live (to re-attach or mark after a restart). */
    onNode(nodeId: string, states: InstanceState[]): Promise<InstanceRow[]> {
      return db
        .select()
        .from(instances)
        .where(and(eq(instances.nodeId, nodeId), inArray(instances.state, states)));
    },
    /** Moves the instance only when it is still in one of `from`; answers the row, or undefined if it moved. */
    async transition(id: string, from: InstanceState[], patch: Partial<NewInstance>): Promise<InstanceRow | undefined> {
      const [row] = await db
        .update(instances)
        .set(patch)
        .where(and(eq(instances.id, id), inArray(instances.state, from)))
        .returning();
      return row;
    },
    async update(id: string, patch: Partial<NewInstance>): Promise<InstanceRow | undefined> {
      const [row] = await db.update(instances).set(patch).where(eq(instances.id, id)).returning();
      return row;
    },
    async digestInUse(digest: string): Promise<boolean> {
      const [row] = await db
        .select({ id: instances.id })
        .from(instances)
        .where(eq(instances.imageDigest, digest))
        .limit(1);
      return row !== undefined;
    },
    async delete(id: string): Promise<void> {
      await db.delete(instances).where(eq(instances.id, id));
    },
    attachments(instanceIds: string[]): Promise<AttachmentRow[]> {
      if (!instanceIds.length) return Promise.resolve([]);
      return db
        .select()
        .from(instanceVolumeAttachments)
        .where(inArray(instanceVolumeAttachments.instanceId, instanceIds))
        .orderBy(instanceVolumeAttachments.position);
    },
  };
}

export type InstanceRepository = ReturnType<typeof instanceRepository>;
