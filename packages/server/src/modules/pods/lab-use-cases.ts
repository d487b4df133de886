/**
 * The lab use-cases within one tenant: create (with the default idle thresholds), list, read, settings
 * (SSH keys parsed before they are stored), events, and the lab's month with its budget.
 */
import type { z } from 'zod';
import type { LabSettingsPatchSchema } from '../../generated/routes/pods.js';
import { randomId } from '../../platform/http/ids.js';
import { ApiProblem, notFound } from '../../platform/http/problem.js';
import { parsePublicKey } from '../../providers/ssh-key-pair.js';
import { labSpend } from './engine/budget-check.js';
import type { PodContext } from './pod-context.js';
import type { LabRow } from './lab-repository.js';
import type { PodUseCases } from './pod-use-cases.js';

type SettingsPatch = z.infer<typeof LabSettingsPatchSchema>;
const bad = (message: string) => new ApiProblem(400, 'VALIDATION_ERROR', message);

export function labUseCases(ctx: PodContext, pods: PodUseCases) {
  async function load(tenantId: string, slug: string): Promise<LabRow> {
    const row = await ctx.labs.bySlug(tenantId, slug);
    if (!row) throw notFound('Lab', slug);
    return row;
  }
  return {
    async create(tenantId: string, body: { name: string; slug: string }) {
      const now = ctx.clock();
      const row = await ctx.labs.insert({
        id: randomId('lab', 12),
        tenantId,
        name: body.name,
        slug: body.slug,
        idleAlertMinutes: Math.min(ctx.settings.defaultIdleAlertMinutes, ctx.settings.defaultIdleStopMinutes - 1),
        idleStopMinutes: ctx.settings.defaultIdleStopMinutes,
        createdAt: now,
        updatedAt: now,
      });
      if (row === 'conflict')
        throw new ApiProblem(409, 'CONFLICT', `A lab with slug '${body.slug}' already exists; pick another slug`);
      return row;
    },
    list: (tenantId: string, page: { limit: number; offset: number }) => ctx.labs.list(tenantId, page),
    get: load,
    async updateSettings(tenantId: string, slug: string, patch: SettingsPatch) {
      const row = await load(tenantId, slug);
      const alert = patch.idleAlertMinutes ?? row.idleAlertMinutes;
      const stop = patch.idleStopMinutes ?? row.idleStopMinutes;
      if (alert >= stop)
        throw bad(
          `idleAlertMinutes: must be below idleStopMinutes (${alert} >= ${stop}); the alert comes before the stop`,
        );
      const keys = patch.sshPublicKeys?.map((key, index) => {
        const parsed = parsePublicKey(key);
        if (!parsed) throw bad(`sshPublicKeys[${index}]: not an OpenSSH public key (e.g. 'ssh-ed25519 AAAA... name')`);
        return parsed;
      });
      return ctx.labs.update(
        row.id,
        {
          idleAlertMinutes: alert,
          idleStopMinutes: stop,
          ...(patch.autoScheduleEnabled !== undefined ? { autoScheduleEnabled: patch.autoScheduleEnabled } : {}),
          ...(patch.monthlyBudget !== undefined
            ? { monthlyBudget: patch.monthlyBudget, budgetAlertedMonth: null }
            : {}),
          ...(patch.budgetAction !== undefined ? { budgetAction: patch.budgetAction } : {}),
          ...(keys !== undefined ? { sshPublicKeys: keys } : {}),
          // A changed budget is checked on the next tick.
          nextBudgetCheckAt: ctx.clock(),
        },
        ctx.clock(),
      );
    },
    async events(tenantId: string, slug: string, podId: string | undefined, page: { limit: number; offset: number }) {
      const row = await load(tenantId, slug);
      return ctx.pods.events(row.id, podId, page);
    },
    async costs(tenantId: string, slug: string, month: string) {
      const row = await load(tenantId, slug);
      const costs = await pods.costs(tenantId, row.id, month);
      const spent = await labSpend(ctx, row, ctx.clock());
      const active = await ctx.pods.ofLab(row.id, ['creating', 'running']);
      return {
        slug: row.slug,
        activePods: active.length,
        budget: {
          monthlyBudget: row.monthlyBudget,
          spent,
          remaining:
            row.monthlyBudget === null ? null : Math.max(0, Math.round((row.monthlyBudget - spent) * 10_000) / 10_000),
          overBudget: row.monthlyBudget !== null && spent >= row.monthlyBudget,
          action: row.budgetAction,
        },
        costs,
      };
    },
  };
}

export type LabUseCases = ReturnType<typeof labUseCases>;
