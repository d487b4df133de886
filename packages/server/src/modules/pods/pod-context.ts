/** What every part of the pods module shares: storage, providers, inventory, clock, settings, logger. */
import type { Logger } from 'pino';
import type { PodSettings } from '../../platform/settings.js';
import type { GpuProvider, PodOperations } from '../../providers/provider.js';
import type { Inventory } from '../marketplace/module.js';
import type { LabRepository } from './lab-repository.js';
import type { PodRepository, PodRow } from './pod-repository.js';

export interface PodContext {
  pods: PodRepository;
  labs: LabRepository;
  providers: Map<string, GpuProvider>;
  inventory: Inventory;
  /** Resolves once the inventory has loaded (offers are chosen from it) and the loop's start-up pass ran. */
  ready: Promise<unknown>;
  clock: () => Date;
  logger: Logger;
  settings: PodSettings;
  /** A pod whose key was never collected within this many minutes is terminated (SESSION_KEY_GRACE_MINUTES). */
  keyGraceMinutes: number;
  /** Whether the tenant may use the local provider; absent: every tenant may. */
  localAllowed?: (tenantId: string) => Promise<boolean>;
  /** Runs the lifecycle loop soon (after a create or start), so a new pod is looked at without waiting a tick. */
  kick(): void;
}

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const addMs = (date: Date, ms: number) => new Date(date.getTime() + ms);

/** The provider's pod operations for this pod; throws when the provider is no longer configured. */
export function podOps(ctx: PodContext, row: Pick<PodRow, 'provider'>): PodOperations {
  const ops = ctx.providers.get(row.provider)?.pods;
  if (!ops) throw new Error(`the provider '${row.provider}' of this pod is not configured`);
  return ops;
}

/** Records a warning or alert of a pod (or of its lab, without a pod). */
export function podEvent(
  ctx: PodContext,
  row: Pick<PodRow, 'tenantId' | 'labId'> & { id?: string },
  type: string,
  message: string,
) {
  return ctx.pods.addEvent(
    { tenantId: row.tenantId, labId: row.labId, podId: row.id ?? null, type, message },
    ctx.clock(),
  );
}

/** Running time in seconds up to `now` (what `maxHours` counts). */
export const runningSeconds = (row: PodRow, now: Date) =>
  row.runningSeconds + (row.runStartedAt ? Math.max(0, now.getTime() - row.runStartedAt.getTime()) / 1000 : 0);
