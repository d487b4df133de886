/**
 * The budget pass of one claimed lab: its pods' cost this month (compute and storage) against its
 * `monthlyBudget`. Over budget, the lab gets one `budget_exceeded` event per month and, with
 * `budgetAction: stop`, its running and creating pods are stopped (`budget_stopped` for each).
 */
import { podEvent, type PodContext } from '../pod-context.js';
import { monthOf, split } from '../pod-costs.js';
import { stopPod } from '../pod-actions.js';
import type { LabRow } from '../lab-repository.js';

/** This month's spend of a lab so far. */
export async function labSpend(ctx: PodContext, lab: LabRow, now: Date): Promise<number> {
  const month = monthOf('current', now)!;
  return split(await ctx.pods.spansIn(lab.tenantId, lab.id, month.start, month.end), month.start, month.end, now).total;
}

/** Whether the lab's budget forbids running pods now (over budget with `budgetAction: stop`). */
export async function budgetBlocks(ctx: PodContext, lab: LabRow): Promise<boolean> {
  if (lab.monthlyBudget === null || lab.budgetAction !== 'stop') return false;
  return (await labSpend(ctx, lab, ctx.clock())) >= lab.monthlyBudget;
}

export async function checkBudget(ctx: PodContext, lab: LabRow): Promise<void> {
  if (lab.monthlyBudget === null) return;
  const now = ctx.clock();
  const spent = await labSpend(ctx, lab, now);
  if (spent < lab.monthlyBudget) return;
  const month = now.toISOString().slice(0, 7);
  const owner = { tenantId: lab.tenantId, labId: lab.id };
  if (lab.budgetAlertedMonth !== month) {
    await ctx.labs.update(lab.id, { budgetAlertedMonth: month }, now);
    await podEvent(
      ctx,
      owner,
      'budget_exceeded',
      `lab '${lab.slug}' spent $${spent} of its $${lab.monthlyBudget} budget for ${month}${lab.budgetAction === 'stop' ? '; its pods are stopped' : ''}`,
    );
  }
  if (lab.budgetAction !== 'stop') return;
  for (const pod of await ctx.pods.ofLab(lab.id, ['running', 'creating'])) {
    try {
      if (await stopPod(ctx, pod, 'budget'))
        await podEvent(
          ctx,
          pod,
          'budget_stopped',
          `pod '${pod.id}' was stopped: lab '${lab.slug}' is over its monthly budget`,
        );
    } catch (error) {
      ctx.logger.error({ pod_id: pod.id, err: error }, 'budget stop failed; retried on the next budget pass');
    }
  }
}
