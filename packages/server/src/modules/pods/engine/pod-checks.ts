/**
 * The periodic check of one claimed pod, by status: a creating pod becomes running once its provider
 * reports it up with SSH (or failed/back to stopped when it does not come up); a running pod is sampled
 * for activity and has its limits enforced (lost instance, never-collected key, `maxHours` with its
 * warning, idle alert and idle stop); a terminated pod's volume is deleted when its retention ends.
 */
import { addMs, HOUR, MINUTE, podEvent, podOps, runningSeconds, type PodContext } from '../pod-context.js';
import { deleteVolume, instanceLost, stopPod, terminatePod } from '../pod-actions.js';
import type { PodRow } from '../pod-repository.js';
import { isActive } from './activity.js';

/** A creating pod with no instance recorded after this long was interrupted before its provider call ended. */
const PENDING_MS = 2 * MINUTE;
/** How often a creating pod asks its provider (at least a second, at most every tick). */
const creatingPollMs = (ctx: PodContext) => Math.max(1_000, ctx.settings.tickMs);

export async function checkPod(ctx: PodContext, row: PodRow): Promise<void> {
  if (row.status === 'creating') return checkCreating(ctx, row);
  if (row.status === 'running') return checkRunning(ctx, row);
  if (row.status === 'terminated' && !row.volumeDeletedAt) {
    const now = ctx.clock();
    if (row.volumeDeleteAt && now >= row.volumeDeleteAt) await deleteVolume(ctx, row);
    else if (row.volumeDeleteAt) await ctx.pods.move(row.id, ['terminated'], { nextCheckAt: row.volumeDeleteAt }, now);
  }
}

/** A create or start that did not come up: a pod that never ran failed (its volume deleted); one that ran is stopped. */
async function notUp(ctx: PodContext, row: PodRow, reason: string): Promise<void> {
  const now = ctx.clock();
  const ops = podOps(ctx, row);
  if (row.instanceId) await ops.stop(row.instanceId).catch(() => undefined);
  if (row.stoppedAt) {
    const moved = await ctx.pods.move(row.id, ['creating'], { status: 'stopped', failureReason: reason }, now);
    if (moved) await podEvent(ctx, row, 'start_failed', `pod '${row.id}' did not start: ${reason}; it stays stopped`);
    return;
  }
  await ops
    .deleteVolume(row.volumeId, row.instanceId)
    .catch((error: Error) =>
      ctx.logger.warn({ pod_id: row.id, err: error }, 'could not delete the volume of a failed pod'),
    );
  await ctx.pods.move(row.id, ['creating'], { status: 'failed', failureReason: reason, volumeDeletedAt: now }, now, {
    close: ['storage'],
  });
}

async function checkCreating(ctx: PodContext, row: PodRow): Promise<void> {
  const now = ctx.clock();
  const provider = ctx.providers.get(row.provider);
  if (!provider) return notUp(ctx, row, `the provider '${row.provider}' is not configured`);
  if (!row.instanceId) {
    if (now.getTime() - row.updatedAt.getTime() < PENDING_MS) {
      await ctx.pods.move(row.id, ['creating'], { nextCheckAt: addMs(row.updatedAt, PENDING_MS) }, now);
      return;
    }
    const found = (await provider.listInstances()).find((instance) => instance.label === row.label);
    if (found) {
      await ctx.pods.move(row.id, ['creating'], { instanceId: found.instanceId, nextCheckAt: now }, now);
      ctx.logger.info(
        { pod_id: row.id, instance_id: found.instanceId },
        'adopted a pod instance created before an interruption',
      );
      return;
    }
    return notUp(ctx, row, 'provisioning was interrupted before the provider created the pod');
  }
  const instance = await provider.getInstance(row.instanceId);
  if (!instance) {
    if (row.stoppedAt && !podOps(ctx, row).vanishedKeepsVolume) {
      await instanceLost(ctx, row, 'the pod vanished at the provider while starting');
      return;
    }
    return notUp(ctx, row, 'the instance vanished at the provider while starting');
  }
  if (instance.status === 'failed') return notUp(ctx, row, 'the provider reports the instance failed');
  if (instance.status === 'running' && instance.ssh) {
    await ctx.pods.move(
      row.id,
      ['creating'],
      {
        status: 'running',
        runStartedAt: now,
        lastActivityAt: now,
        idleAlertedAt: null,
        sshHost: instance.ssh.host,
        sshPort: instance.ssh.port,
        sshUser: instance.ssh.user,
        nextCheckAt: addMs(now, ctx.settings.checkMs),
      },
      now,
      { close: ['storage'], open: { kind: 'compute', pricePerHour: row.pricePerHour } },
    );
    return;
  }
  if (now.getTime() - row.updatedAt.getTime() >= ctx.settings.createTimeoutMinutes * MINUTE)
    return notUp(ctx, row, `not running after ${ctx.settings.createTimeoutMinutes} minutes`);
  await ctx.pods.move(row.id, ['creating'], { nextCheckAt: addMs(now, creatingPollMs(ctx)) }, now);
}

async function checkRunning(ctx: PodContext, row: PodRow): Promise<void> {
  const now = ctx.clock();
  const provider = ctx.providers.get(row.provider);
  const instance = provider && row.instanceId ? await provider.getInstance(row.instanceId) : undefined;
  if (!instance || instance.status === 'failed' || instance.status === 'stopped') {
    await instanceLost(
      ctx,
      row,
      instance ? `the instance ${instance.status} at the provider` : 'the instance vanished at the provider',
    );
    return;
  }
  const sample = await podOps(ctx, row)
    .sample(row.instanceId!)
    .catch(() => null);
  const started = row.runStartedAt ?? now;
  const sshSince = instance.lastActivityAt && instance.lastActivityAt > started ? instance.lastActivityAt : null;
  let lastActivityAt = row.lastActivityAt ?? started;
  if (sshSince && sshSince > lastActivityAt) lastActivityAt = sshSince;
  if (isActive(sample)) lastActivityAt = now;

  const keyCollected = row.keyCollectedAt !== null || sshSince !== null || (sample?.sshSessions ?? 0) > 0;
  if (!keyCollected && now.getTime() - row.createdAt.getTime() >= ctx.keyGraceMinutes * MINUTE) {
    if (await terminatePod(ctx, row, 'key_not_collected'))
      await podEvent(ctx, row, 'key_not_collected', `pod '${row.id}' was terminated: its SSH key was never collected`);
    return;
  }
  const ranMs = runningSeconds(row, now) * 1000;
  if (row.maxHours !== null) {
    const limitMs = row.maxHours * HOUR;
    if (ranMs >= limitMs) {
      if (await terminatePod(ctx, row, 'max_hours'))
        await podEvent(
          ctx,
          row,
          'max_hours_terminated',
          `pod '${row.id}' reached maxHours (${row.maxHours}) of running time`,
        );
      return;
    }
    if (!row.maxHoursWarnedAt && ranMs >= limitMs - ctx.settings.maxHoursWarningMinutes * MINUTE) {
      const left = Math.ceil((limitMs - ranMs) / MINUTE);
      await podEvent(
        ctx,
        row,
        'max_hours_warning',
        `pod '${row.id}' will be terminated in ${left} minutes (maxHours ${row.maxHours})`,
      );
      row = (await ctx.pods.move(row.id, ['running'], { maxHoursWarnedAt: now }, now)) ?? row;
    }
  }
  const lab = await ctx.labs.byId(row.tenantId, row.labId);
  const idleMs = now.getTime() - lastActivityAt.getTime();
  if (lab && idleMs >= lab.idleStopMinutes * MINUTE) {
    if (await stopPod(ctx, row, 'idle'))
      await podEvent(ctx, row, 'idle_stopped', `pod '${row.id}' was stopped after ${lab.idleStopMinutes} idle minutes`);
    return;
  }
  // An alert stands until the next activity after it; activity since then re-arms it.
  let idleAlertedAt = row.idleAlertedAt && row.idleAlertedAt > lastActivityAt ? row.idleAlertedAt : null;
  if (lab && !idleAlertedAt && idleMs >= lab.idleAlertMinutes * MINUTE) {
    await podEvent(ctx, row, 'idle_alert', `pod '${row.id}' has been idle for ${Math.floor(idleMs / MINUTE)} minutes`);
    idleAlertedAt = now;
  }
  const runStart = row.runStartedAt ?? now;
  const candidates = [addMs(now, ctx.settings.checkMs)];
  if (row.maxHours !== null) {
    const end = addMs(runStart, row.maxHours * HOUR - row.runningSeconds * 1000);
    candidates.push(end, addMs(end, -ctx.settings.maxHoursWarningMinutes * MINUTE));
  }
  if (lab)
    candidates.push(
      addMs(lastActivityAt, lab.idleStopMinutes * MINUTE),
      addMs(lastActivityAt, lab.idleAlertMinutes * MINUTE),
    );
  const future = candidates.filter((date) => date > now).map((date) => date.getTime());
  const next = new Date(Math.min(...future));
  await ctx.pods.move(
    row.id,
    ['running'],
    {
      lastActivityAt,
      idleAlertedAt,
      nextCheckAt: next,
      ...(sample
        ? {
            telemetry: {
              sampledAt: now.toISOString(),
              gpuUtilization: sample.gpuUtilization,
              cpuPercent: sample.cpuPercent === null ? null : Math.round(sample.cpuPercent * 100) / 100,
              processes: sample.processes,
              sshSessions: sample.sshSessions,
            },
          }
        : {}),
    },
    now,
  );
}
