/**
 * `computeplane pods create|list|get|costs` (start, stop, restart, terminate and ssh: pods-lifecycle.ts): GPU
 * pods of a lab. `create` keeps the one-time SSH key in ~/.config/computeplane/keys/<pod id>.
 */
import type { Command } from 'commander';
import {
  createPod,
  getLab,
  getPod,
  getPodCosts,
  listPods,
  terminatePod,
  waitForPod,
  PodStatusError,
  type CreatePodRequest,
  type Pod,
  type PodCosts,
} from '@computeplane/sdk/pods';
import { action, type CommandContext } from '../core/context.js';
import { CommandError, UsageError } from '../core/errors.js';
import { withExamples } from '../core/help.js';
import { collectPairs, parseCount, parseNumber } from '../core/input.js';
import { saveKey } from '../core/ssh-login.js';
import { showWaiting } from '../core/waiting.js';
import { notePage } from '../core/paging.js';
import { gpuLabel } from './offers.js';
import { registerPodLifecycle } from './pods-lifecycle.js';

interface CreateFlags {
  lab: string;
  gpu: string;
  gpus?: number;
  maxHours?: number;
  image?: string;
  env?: Record<string, string>;
  volume?: number;
  provider?: string;
  offer?: string;
  keyFile?: string;
  wait?: boolean;
}

/** `--month`: current, or a month as YYYY-MM. */
export function parseMonth(value: string): string {
  if (!/^(current|\d{4}-(0[1-9]|1[0-2]))$/.test(value))
    throw new UsageError(`--month takes current or YYYY-MM, got "${value}"`);
  return value;
}

export function registerPods(program: Command): void {
  const pods = program.command('pods').description('GPU pods of a lab: create, start, stop, SSH, costs');

  withExamples(
    pods
      .command('create')
      .description('rent a GPU pod; the one-time SSH key is saved (mode 0600) for `pods ssh`')
      .requiredOption('--lab <lab>', 'lab id (lab_...) or slug')
      .requiredOption('--gpu <type>', 'GPU type (the cheapest available offer of it is rented)')
      .option('--gpus <n>', 'GPUs (1-8, default 1)', parseCount('--gpus', { max: 8 }))
      .option('--max-hours <hours>', 'terminate after this many running hours', parseNumber('--max-hours'))
      .option('--image <image>', 'container image')
      .option('--env <KEY=VALUE>', 'environment variable (repeatable)', collectPairs('--env'))
      .option('--volume <gb>', 'volume size in GB (default 50)', parseCount('--volume'))
      .option('--provider <name>', 'runpod or local')
      .option('--offer <id>', 'rent this offer instead of the cheapest')
      .option('--key-file <path>', 'where to save the private key (default ~/.config/computeplane/keys/<id>)')
      .option('--wait', 'wait until the pod is running')
      .action(
        action<[], CreateFlags>(async (ctx, flags) => {
          const body: CreatePodRequest = { labId: await labId(ctx, flags.lab), gpuType: flags.gpu };
          if (flags.gpus !== undefined) body.gpuCount = flags.gpus;
          if (flags.maxHours !== undefined) body.maxHours = flags.maxHours;
          if (flags.image !== undefined) body.image = flags.image;
          if (flags.env !== undefined) body.env = flags.env;
          if (flags.volume !== undefined) body.volumeSize = flags.volume;
          if (flags.provider !== undefined) body.provider = flags.provider as CreatePodRequest['provider'];
          if (flags.offer !== undefined) body.offerId = flags.offer;
          const created = await ctx.call(createPod(ctx.client, { body }, { signal: ctx.signal }));
          const id = created.data.id;
          const keyPath = await saveKey(id, created.sshPrivateKey, flags.keyFile);
          let pod = created.data;
          if (flags.wait) {
            ctx.onInterrupt(
              () => terminatePod(ctx.client, { params: { path: { id } } }),
              `pod ${id} keeps starting (and billing); end it with: computeplane pods terminate ${id}`,
            );
            pod = await waitRunning(ctx, id);
          }
          ctx.out.result(created, () => {
            printPod(ctx, pod);
            ctx.out.note(`Private key saved to ${keyPath} (shown only once). Log in: computeplane pods ssh ${id}`);
          });
        }),
      ),
    [
      'computeplane pods create --lab dark-energy --gpu H200 --max-hours 8 --env EXPERIMENT_ID=EXP-054 --wait',
      'computeplane pods create --lab lab_j57a8k9m2n3p --gpu A100 --gpus 2 --volume 100 --json',
    ],
  );

  withExamples(
    pods
      .command('list')
      .description("list pods, newest first (every lab's, or one lab's)")
      .option('--lab <lab>', 'lab id (lab_...) or slug')
      .option('--status <status>', 'creating, running, stopped, terminated or failed')
      .option('--limit <n>', 'pods per page (1-1000)', parseCount('--limit', { max: 1000 }))
      .option('--offset <n>', 'pods to skip', parseCount('--offset', { min: 0 }))
      .action(
        action<[], { lab?: string; status?: string; limit?: number; offset?: number }>(async (ctx, flags) => {
          const query = {
            labId: flags.lab === undefined ? undefined : await labId(ctx, flags.lab),
            status: flags.status as Pod['status'] | undefined,
            limit: flags.limit,
            offset: flags.offset,
          };
          const page = await ctx.call(listPods(ctx.client, { params: { query } }, { signal: ctx.signal }));
          ctx.out.result(page, () => {
            ctx.out.table(
              page.data,
              [
                { header: 'ID', value: (p) => p.id },
                { header: 'STATUS', value: (p) => p.status },
                { header: 'GPU', value: (p) => gpuLabel(p.gpuCount, p.gpuType) },
                { header: 'PROVIDER', value: (p) => p.provider },
                { header: 'HOURS', value: (p) => p.runningHours.toFixed(2) },
                { header: 'COST', value: (p) => p.costs.total.toFixed(4) },
                { header: 'CREATED', value: (p) => p.createdAt },
              ],
              { empty: 'No pods. Create one: computeplane pods create --lab <lab> --gpu <type>' },
            );
            notePage(ctx.out, flags.offset ?? 0, page.data.length, page.total);
          });
        }),
      ),
    ['computeplane pods list', 'computeplane pods list --lab dark-energy --status running --json'],
  );

  withExamples(
    pods
      .command('get')
      .description('show a pod: status, activity, SSH endpoint and costs so far')
      .argument('<pod>', 'pod id')
      .action(
        action<[string], object>(async (ctx, id) => {
          const pod = await ctx.call(getPod(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }));
          ctx.out.result(pod, () => printPod(ctx, pod.data));
        }),
      ),
    ['computeplane pods get pod_abc123def456'],
  );

  withExamples(
    pods
      .command('costs')
      .description("a month's pod costs, per pod, with the burn rate and the month's forecast")
      .option('--lab <lab>', 'lab id (lab_...) or slug (default: every lab)')
      .option('--month <month>', 'current (default) or YYYY-MM', parseMonth)
      .action(
        action<[], { lab?: string; month?: string }>(async (ctx, flags) => {
          const query = {
            labId: flags.lab === undefined ? undefined : await labId(ctx, flags.lab),
            month: flags.month,
          };
          const costs = await ctx.call(getPodCosts(ctx.client, { params: { query } }, { signal: ctx.signal }));
          ctx.out.result(costs, () => printPodCosts(ctx, costs.data));
        }),
      ),
    ['computeplane pods costs', 'computeplane pods costs --lab dark-energy --month 2026-11 --json'],
  );

  registerPodLifecycle(pods);
}

/** A lab's id from `--lab`: an id as it is, a slug looked up. */
export async function labId(ctx: CommandContext, lab: string): Promise<string> {
  if (/^lab_[a-z0-9]{12}$/.test(lab)) return lab;
  const found = await ctx.call(getLab(ctx.client, { params: { path: { slug: lab } } }, { signal: ctx.signal }));
  return found.data.id;
}

/** Waits until the pod is running, with the waiting display; a pod that settles elsewhere fails the command. */
export function waitRunning(ctx: CommandContext, id: string): Promise<Pod> {
  return showWaiting(
    ctx.out,
    `Waiting for ${id} to be running`,
    waitForPod(ctx.client, id, 'running', { signal: ctx.signal, intervalMs: 250, maxIntervalMs: 2_000 }),
  ).catch((error: unknown) => {
    if (error instanceof PodStatusError) throw new CommandError(error.message);
    throw error;
  });
}

export function printPod(ctx: CommandContext, pod: Pod): void {
  ctx.out.fields([
    ['id', pod.id],
    ['status', pod.status],
    ['lab', pod.labId],
    ['gpu', gpuLabel(pod.gpuCount, pod.gpuType)],
    ['provider', `${pod.provider} (${pod.offerId})`],
    ['image', pod.image],
    ['env', pod.envKeys],
    ['volume', `${pod.volumeSize} GB at ${pod.volumePath}`],
    ['ssh', pod.ssh?.command ?? null],
    ['price', `${pod.pricePerHour} USD/h (+ ${pod.storagePricePerHour} storage)`],
    ['running', `${pod.runningHours.toFixed(2)} h${pod.maxHours === null ? '' : ` of ${pod.maxHours}`}`],
    ['idle', pod.idleMinutes === null ? null : `${pod.idleMinutes} min`],
    ['cost', `${pod.costs.total} USD (compute ${pod.costs.compute}, storage ${pod.costs.storage})`],
    ['created', pod.createdAt],
    ['stop reason', pod.stopReason ?? undefined],
    ['failure', pod.failureReason ?? undefined],
  ]);
}

/** The month's totals, forecast and `more` (a lab's budget) as fields, then a row per pod. */
export function printPodCosts(ctx: CommandContext, costs: PodCosts, more: [string, unknown][] = []): void {
  ctx.out.fields([
    ['month', costs.month],
    ['lab', costs.labId ?? 'all'],
    [
      'total',
      `${costs.totals.totalCost} USD (compute ${costs.totals.computeCost}, storage ${costs.totals.storageCost})`,
    ],
    ['burn rate', `${costs.forecast.burnRatePerHour} USD/h`],
    ['forecast', `${costs.forecast.projectedMonthTotal} USD this month`],
    ...more,
  ]);
  if (costs.pods.length === 0) return;
  ctx.out.line();
  ctx.out.table(costs.pods, [
    { header: 'POD', value: (p) => p.podId },
    { header: 'GPU', value: (p) => p.gpuType },
    { header: 'STATUS', value: (p) => p.status },
    { header: 'HOURS', value: (p) => p.runningHours.toFixed(2) },
    { header: 'COMPUTE', value: (p) => p.computeCost },
    { header: 'STORAGE', value: (p) => p.storageCost },
    { header: 'TOTAL', value: (p) => p.totalCost },
  ]);
}
