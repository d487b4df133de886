/**
 * Creating an instance: every check first (runtime, hypervisor, image ready, devices, credentials,
 * volumes, name), then the row (`Created`), then the network and the workload. When anything fails after
 * the row, everything made for it goes again (container, network namespace, layers, row), so a failed
 * create leaves nothing behind.
 */
import { createId } from '@paralleldrive/cuid2';
import { ApiProblem, notFound } from '../../platform/http/problem.js';
import type { InstanceSpecRecord } from '../../platform/db/schema.js';
import { checkAttachment, checkMultiAttach } from './attachment-rules.js';
import { checkCredentials } from './credential-rules.js';
import { parseRate, parseSize } from './human-values.js';
import type { InstanceContext } from './instance-context.js';
import type { AttachmentRow } from './instance-repository.js';
import { startWorkload } from './start-workload.js';

export interface CreateInstanceBody extends Omit<InstanceSpecRecord, 'env'> {
  image: string;
  name: string;
  env?: Record<string, string>;
  hypervisor?: string;
  tags?: Record<string, string>;
  volumes?: { mount_path: string; volume_id: string; readonly?: boolean; overlay?: boolean; overlay_size?: string }[];
  skip_guest_agent?: boolean;
  skip_kernel_headers?: boolean;
}

const bad = (message: string) => new ApiProblem(400, 'VALIDATION_ERROR', message);

function checkValues(body: CreateInstanceBody) {
  for (const field of ['size', 'hotplug_size', 'overlay_size'] as const)
    if (body[field] !== undefined && !parseSize(body[field]!))
      throw bad(`body.${field} must be a size such as "512MB" or "1GB"`);
  if ((parseSize(body.size ?? '') ?? Infinity) < 4 * 1024 * 1024) throw bad('body.size must be at least 4MB');
  if ((parseSize(body.overlay_size ?? '') ?? Infinity) < 16 * 1024 * 1024)
    throw bad('body.overlay_size must be at least 16MB');
  for (const [field, value] of [
    ['disk_io_bps', body.disk_io_bps],
    ['network.bandwidth_download', body.network?.bandwidth_download],
    ['network.bandwidth_upload', body.network?.bandwidth_upload],
  ] as const)
    if (value !== undefined && !parseRate(value))
      throw bad(`body.${field} must be a rate such as "100MB/s" or "1Gbps"`);
  if (body.network?.egress?.enabled && !body.network.enabled)
    throw bad('body.network.egress needs network.enabled: true');
}

async function checkHost(ctx: InstanceContext, body: CreateInstanceBody) {
  const unavailable = await ctx.unavailable();
  if (unavailable)
    throw new ApiProblem(503, 'RUNTIME_UNAVAILABLE', `Instances cannot run on this server: ${unavailable}`);
  if (body.hypervisor && body.hypervisor !== 'runc')
    throw new ApiProblem(
      422,
      'RUNTIME_UNAVAILABLE',
      `Hypervisor '${body.hypervisor}' is not available on this server (KVM guests cannot boot here); available: runc`,
    );
  if (body.gpu?.profile)
    throw new ApiProblem(
      422,
      'RUNTIME_UNAVAILABLE',
      'vGPU profiles are not available on this server; pass a GPU with devices',
    );
  for (const name of body.devices ?? [])
    if (!ctx.settings.devices[name]) {
      const known = Object.keys(ctx.settings.devices);
      throw bad(
        `Unknown device '${name}'; this server offers ${known.length ? known.join(', ') : 'no devices (INSTANCE_DEVICES)'}`,
      );
    }
}

async function resolveVolumes(ctx: InstanceContext, tenantId: string, body: CreateInstanceBody) {
  const attachments: Omit<AttachmentRow, 'instanceId'>[] = [];
  const seen = new Set<string>();
  for (const [index, mount] of (body.volumes ?? []).entries()) {
    checkAttachment(`body.volumes[${index}]`, mount);
    const volume = await ctx.volumes.get(tenantId, mount.volume_id);
    if (!volume) throw notFound('Volume', mount.volume_id);
    if (seen.has(volume.id)) throw bad(`body.volumes[${index}]: volume '${mount.volume_id}' is listed twice`);
    seen.add(volume.id);
    checkMultiAttach(volume.name, await ctx.volumes.attachmentsOf([volume.id]), mount.readonly ?? false);
    attachments.push({
      volumeId: volume.id,
      mountPath: mount.mount_path,
      readonly: mount.readonly ?? false,
      overlay: mount.overlay ?? false,
      overlaySize: mount.overlay_size ?? null,
      position: index,
    });
  }
  return attachments;
}

export async function createInstance(ctx: InstanceContext, tenantId: string, body: CreateInstanceBody) {
  checkValues(body);
  await checkHost(ctx, body);
  const env = body.env ?? {};
  checkCredentials(body.credentials, env);
  const image = await ctx.images.get(tenantId, body.image);
  if (!image) throw notFound('Image', body.image);
  if (image.status !== 'ready' || !image.digest)
    throw new ApiProblem(
      422,
      'IMAGE_NOT_READY',
      image.status === 'failed'
        ? `Image '${body.image}' failed to pull: ${image.error}`
        : `Image '${body.image}' is ${image.status}; wait until GET /images/{name} says ready`,
    );
  const attachments = await resolveVolumes(ctx, tenantId, body);
  if (await ctx.instances.get(tenantId, body.name))
    throw new ApiProblem(409, 'CONFLICT', `An instance named '${body.name}' exists`);
  const spec: InstanceSpecRecord = {
    env,
    ...Object.fromEntries(
      (
        [
          'cmd',
          'entrypoint',
          'credentials',
          'devices',
          'disk_io_bps',
          'hotplug_size',
          'overlay_size',
          'size',
          'vcpus',
          'network',
          'gpu',
        ] as const
      )
        .filter((key) => body[key] !== undefined)
        .map((key) => [key, body[key]]),
    ),
  };
  const row = await ctx.instances
    .insert(
      {
        id: createId(),
        tenantId,
        name: body.name,
        image: body.image,
        imageDigest: image.digest,
        nodeId: ctx.nodeId,
        state: 'Created',
        spec,
        tags: body.tags ?? {},
        hypervisor: 'runc',
        createdAt: ctx.clock(),
      },
      attachments,
    )
    .catch((error: unknown) => {
      if (
        String((error as { code?: string }).code ?? (error as Error).message).includes('23505') ||
        /unique/i.test(String(error))
      )
        throw new ApiProblem(409, 'CONFLICT', `An instance named '${body.name}' exists`);
      throw error;
    });
  return startWorkload(ctx, row, { from: ['Created'], onFailure: 'purge' });
}
