/** The volumes use-cases: create (the file system made before the row is visible), read, delete, attach, detach. */
import { createId } from '@paralleldrive/cuid2';
import { ApiProblem, notFound } from '../../../platform/http/problem.js';
import { checkAttachment, checkMultiAttach, type AttachmentRequest } from '../attachment-rules.js';
import type { InstanceContext } from '../instance-context.js';
import type { InstanceRow } from '../instance-repository.js';
import type { VolumeAttachmentRow, VolumeRow } from './volume-repository.js';

const toVolume = (row: VolumeRow, attachments: VolumeAttachmentRow[]) => ({
  id: row.id,
  name: row.name,
  size_gb: row.sizeGb,
  created_at: row.createdAt.toISOString(),
  attachments: attachments
    .filter((a) => a.volumeId === row.id)
    .map((a) => ({ instance_id: a.instanceId, mount_path: a.mountPath, readonly: a.readonly })),
  tags: row.tags,
});

/** Attach and detach change the mounts of the next start: the workload must not be running. */
const STOPPED = ['Stopped', 'Shutdown'];

export function volumeUseCases(ctx: InstanceContext) {
  const find = async (tenantId: string, idOrName: string) => {
    const row = await ctx.volumes.get(tenantId, idOrName);
    if (!row) throw notFound('Volume', idOrName);
    return row;
  };
  const view = async (row: VolumeRow) => toVolume(row, await ctx.volumes.attachmentsOf([row.id]));
  return {
    async create(
      tenantId: string,
      body: { name: string; size_gb: number; id?: string; tags?: Record<string, string> },
    ) {
      if (await ctx.volumes.get(tenantId, body.name))
        throw new ApiProblem(409, 'CONFLICT', `A volume named '${body.name}' exists`);
      const id = body.id ?? createId();
      if (body.id && (await ctx.volumes.get(tenantId, body.id)))
        throw new ApiProblem(409, 'CONFLICT', `A volume '${body.id}' exists`);
      await ctx.volumeStore.create(id, body.size_gb);
      try {
        const row = await ctx.volumes.insert({
          id,
          tenantId,
          name: body.name,
          sizeGb: body.size_gb,
          tags: body.tags ?? {},
          createdAt: ctx.clock(),
        });
        return toVolume(row, []);
      } catch (error) {
        await ctx.volumeStore.remove(id);
        const cause = error as { code?: string; cause?: { code?: string } };
        if ([cause.code, cause.cause?.code].includes('23505') || /unique|duplicate/i.test(String(error)))
          throw new ApiProblem(409, 'CONFLICT', `A volume named '${body.name}' or with id '${id}' exists`);
        throw error;
      }
    },
    async list(tenantId: string) {
      const rows = await ctx.volumes.list(tenantId);
      const attachments = await ctx.volumes.attachmentsOf(rows.map((row) => row.id));
      return rows.map((row) => toVolume(row, attachments));
    },
    get: async (tenantId: string, idOrName: string) => view(await find(tenantId, idOrName)),
    async remove(tenantId: string, idOrName: string) {
      const row = await find(tenantId, idOrName);
      const attachments = await ctx.volumes.attachmentsOf([row.id]);
      if (attachments.length)
        throw new ApiProblem(
          409,
          'CONFLICT',
          `Volume '${row.name}' is attached to instance '${attachments[0]!.instanceId}'; detach it first`,
        );
      await ctx.volumes.delete(row.id);
      await ctx.volumeStore.remove(row.id);
    },
    async attach(instance: InstanceRow, volumeIdOrName: string, body: AttachmentRequest) {
      checkAttachment('body', body);
      const volume = await find(instance.tenantId, volumeIdOrName);
      if (!STOPPED.includes(instance.state))
        throw new ApiProblem(
          409,
          'INVALID_STATE',
          `Instance '${instance.name}' is ${instance.state}; attach a volume while it is Stopped or Shutdown`,
        );
      const existing = await ctx.volumes.attachmentsOf([volume.id]);
      if (existing.some((a) => a.instanceId === instance.id))
        throw new ApiProblem(409, 'CONFLICT', `Volume '${volume.name}' is attached to this instance already`);
      const mine = await ctx.instances.attachments([instance.id]);
      if (mine.some((a) => a.mountPath === body.mount_path))
        throw new ApiProblem(409, 'CONFLICT', `Instance '${instance.name}' has a volume at ${body.mount_path} already`);
      checkMultiAttach(volume.name, existing, body.readonly ?? false);
      await ctx.volumes.attach({
        volumeId: volume.id,
        instanceId: instance.id,
        mountPath: body.mount_path,
        readonly: body.readonly ?? false,
        overlay: body.overlay ?? false,
        overlaySize: body.overlay_size ?? null,
        position: mine.length,
      });
    },
    async detach(instance: InstanceRow, volumeIdOrName: string) {
      const volume = await find(instance.tenantId, volumeIdOrName);
      if (!STOPPED.includes(instance.state))
        throw new ApiProblem(
          409,
          'INVALID_STATE',
          `Instance '${instance.name}' is ${instance.state}; detach a volume while it is Stopped or Shutdown`,
        );
      if (!(await ctx.volumes.detach(volume.id, instance.id)))
        throw new ApiProblem(
          404,
          'NOT_FOUND',
          `Volume '${volume.name}' is not attached to instance '${instance.name}'`,
        );
      await ctx.volumeStore.releaseOverlays(instance.id, { remove: true, volumeId: volume.id });
    },
  };
}

export type VolumeUseCases = ReturnType<typeof volumeUseCases>;
