/**
 * The moves of a pod that call its provider, shared by the API and the lifecycle loops: stop (volume
 * kept), start (back to `creating` on the same volume), terminate (volume retained, then deleted), and the
 * ends a provider imposes (an instance that vanished). The provider is called first; the row moves only
 * when it succeeded, conditionally, so a racing request or replica cannot move the pod twice.
 */
import { isGone } from '../../providers/provider-http.js';
import { addMs, podEvent, podOps, runningSeconds, type PodContext } from './pod-context.js';
import type { PodRow } from './pod-repository.js';

const DAY = 86_400_000;

/** Fields that end the current run (running time added up, SSH gone). */
function endRun(row: PodRow, now: Date) {
  return {
    runningSeconds: runningSeconds(row, now),
    runStartedAt: null,
    sshHost: null,
    sshPort: null,
    sshUser: null,
    telemetry: null,
  };
}

/** The instance is gone at the provider: stopped where the volume survives it, else terminated without a volume. */
export async function instanceLost(ctx: PodContext, row: PodRow, why: string): Promise<PodRow | undefined> {
  const now = ctx.clock();
  const keeps = podOps(ctx, row).vanishedKeepsVolume;
  const moved = keeps
    ? await ctx.pods.move(
        row.id,
        ['creating', 'running'],
        { ...endRun(row, now), status: 'stopped', stoppedAt: now, stopReason: 'instance_lost' },
        now,
        { close: ['compute'], open: { kind: 'storage', pricePerHour: row.storagePricePerHour } },
      )
    : await ctx.pods.move(
        row.id,
        ['creating', 'running', 'stopped'],
        {
          ...endRun(row, now),
          status: 'terminated',
          terminatedAt: now,
          stopReason: 'instance_lost',
          volumeDeletedAt: now,
        },
        now,
        { close: ['compute', 'storage'] },
      );
  if (moved)
    await podEvent(
      ctx,
      row,
      'instance_lost',
      `${why}; ${keeps ? 'the pod is stopped and its volume kept' : 'its volume is gone with it'}`,
    );
  return moved;
}

/** Stops a running (or creating) pod: the provider releases the GPU, the volume stays. */
export async function stopPod(ctx: PodContext, row: PodRow, reason: string): Promise<PodRow | undefined> {
  if (row.instanceId) {
    try {
      await podOps(ctx, row).stop(row.instanceId);
    } catch (error) {
      if (isGone(error)) return instanceLost(ctx, row, 'the provider no longer knows the pod');
      throw error;
    }
  }
  const now = ctx.clock();
  return ctx.pods.move(
    row.id,
    ['running', 'creating'],
    { ...endRun(row, now), status: 'stopped', stoppedAt: now, stopReason: reason },
    now,
    { close: ['compute'], open: { kind: 'storage', pricePerHour: row.storagePricePerHour } },
  );
}

/** The SSH keys a (re)started pod accepts: its own and its lab's now. */
async function keysOf(ctx: PodContext, row: PodRow): Promise<string> {
  const lab = await ctx.labs.byId(row.tenantId, row.labId);
  const own = row.sshPublicKeys.split('\n')[0]!;
  return [own, ...(lab?.sshPublicKeys ?? [])].join('\n');
}

/** Starts a stopped pod on its volume: `creating` until the provider reports it running. */
export async function startPod(ctx: PodContext, row: PodRow): Promise<PodRow | undefined> {
  const now = ctx.clock();
  const keys = await keysOf(ctx, row);
  const claimed = await ctx.pods.move(
    row.id,
    ['stopped'],
    { status: 'creating', stopReason: null, failureReason: null, sshPublicKeys: keys, nextCheckAt: addMs(now, 60_000) },
    now,
  );
  if (!claimed) return undefined;
  try {
    const { instanceId } = await podOps(ctx, row).start(row.instanceId ?? row.volumeId, {
      providerOfferId: row.providerOfferId,
      image: row.image,
      label: row.label,
      diskGb: 20,
      env: row.env,
      onStartCmd: null,
      sshPublicKey: keys,
      volume: { id: row.volumeId, sizeGb: row.volumeSize },
    });
    const started = await ctx.pods.move(row.id, ['creating'], { instanceId, nextCheckAt: ctx.clock() }, ctx.clock());
    ctx.kick();
    return started;
  } catch (error) {
    await ctx.pods.move(
      row.id,
      ['creating'],
      { status: 'stopped', failureReason: (error as Error).message },
      ctx.clock(),
    );
    if (isGone(error)) await instanceLost(ctx, { ...row, status: 'stopped' }, 'the provider no longer knows the pod');
    throw error;
  }
}

/** Terminates: the instance is stopped (or deleted), the volume retained until `volumeDeleteAt`. */
export async function terminatePod(ctx: PodContext, row: PodRow, reason: string): Promise<PodRow | undefined> {
  if (row.instanceId && (row.status === 'running' || row.status === 'creating')) {
    try {
      await podOps(ctx, row).stop(row.instanceId);
    } catch (error) {
      if (!isGone(error)) throw error;
      return instanceLost(ctx, row, 'the provider no longer knows the pod').then(async (moved) =>
        moved?.status === 'terminated' ? moved : terminatePod(ctx, moved ?? row, reason),
      );
    }
  }
  const now = ctx.clock();
  const deleteAt = addMs(now, ctx.settings.volumeRetentionDays * DAY);
  return ctx.pods.move(
    row.id,
    ['creating', 'running', 'stopped'],
    {
      ...endRun(row, now),
      status: 'terminated',
      terminatedAt: now,
      stopReason: reason,
      volumeDeleteAt: deleteAt,
      nextCheckAt: deleteAt,
    },
    now,
    {
      close: ['compute'],
      ...(row.status === 'stopped'
        ? {}
        : { open: { kind: 'storage' as const, pricePerHour: row.storagePricePerHour } }),
    },
  );
}

/** Deletes a terminated pod's retained volume (the retention job). */
export async function deleteVolume(ctx: PodContext, row: PodRow): Promise<void> {
  await podOps(ctx, row).deleteVolume(row.volumeId, row.instanceId);
  const now = ctx.clock();
  const moved = await ctx.pods.move(row.id, ['terminated'], { volumeDeletedAt: now }, now, { close: ['storage'] });
  if (moved) await podEvent(ctx, row, 'volume_deleted', `the retained volume of pod '${row.id}' was deleted`);
}
