/** Volumes and their attachments in the database, within one tenant. */
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database.js';
import { instanceVolumeAttachments, instanceVolumes } from '../../../platform/db/schema.js';

export type VolumeRow = typeof instanceVolumes.$inferSelect;
export type VolumeAttachmentRow = typeof instanceVolumeAttachments.$inferSelect;

export function volumeRepository(db: Db) {
  return {
    async insert(row: typeof instanceVolumes.$inferInsert): Promise<VolumeRow> {
      const [saved] = await db.insert(instanceVolumes).values(row).returning();
      return saved!;
    },
    /** By id, or else by name. */
    async get(tenantId: string, idOrName: string): Promise<VolumeRow | undefined> {
      const [byId] = await db
        .select()
        .from(instanceVolumes)
        .where(and(eq(instanceVolumes.tenantId, tenantId), eq(instanceVolumes.id, idOrName)));
      if (byId) return byId;
      const [byName] = await db
        .select()
        .from(instanceVolumes)
        .where(and(eq(instanceVolumes.tenantId, tenantId), eq(instanceVolumes.name, idOrName)));
      return byName;
    },
    /** Whether any tenant has a volume with this id (ids name the volume's files on disk). */
    async idTaken(id: string): Promise<boolean> {
      const [row] = await db.select({ id: instanceVolumes.id }).from(instanceVolumes).where(eq(instanceVolumes.id, id));
      return row !== undefined;
    },
    list(tenantId: string): Promise<VolumeRow[]> {
      return db
        .select()
        .from(instanceVolumes)
        .where(eq(instanceVolumes.tenantId, tenantId))
        .orderBy(desc(instanceVolumes.createdAt));
    },
    all(): Promise<VolumeRow[]> {
      return db.select().from(instanceVolumes);
    },
    async delete(id: string): Promise<void> {
      await db.delete(instanceVolumes).where(eq(instanceVolumes.id, id));
    },
    attachmentsOf(volumeIds: string[]): Promise<VolumeAttachmentRow[]> {
      if (!volumeIds.length) return Promise.resolve([]);
      return db.select().from(instanceVolumeAttachments).where(inArray(instanceVolumeAttachments.volumeId, volumeIds));
    },
    async attach(row: VolumeAttachmentRow): Promise<void> {
      await db.insert(instanceVolumeAttachments).values(row);
    },
    async detach(volumeId: string, instanceId: string): Promise<boolean> {
      const rows = await db
        .delete(instanceVolumeAttachments)
        .where(
          and(eq(instanceVolumeAttachments.volumeId, volumeId), eq(instanceVolumeAttachments.instanceId, instanceId)),
        )
        .returning();
      return rows.length > 0;
    },
  };
}

export type VolumeRepository = ReturnType<typeof volumeRepository>;
