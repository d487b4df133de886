/**
 * Creating a pod, two-phase as sessions are: the row is stored (`creating`, no instance) before the
 * provider is called, so a crash can never leave an instance the database does not know (the loop adopts
 * or fails such a row). The pod gets its own ed25519 key (returned once) and accepts its lab's keys too.
 */
import type { z } from 'zod';
import type { CreatePodRequestSchema } from '../../generated/routes/pods.js';
import { randomId } from '../../platform/http/ids.js';
import { ApiProblem } from '../../platform/http/problem.js';
import { generateEd25519KeyPair } from '../../providers/ssh-key-pair.js';
import { budgetBlocks } from './engine/budget-check.js';
import { chooseOffer } from './choose-offer.js';
import { addMs, MINUTE, podOps, type PodContext } from './pod-context.js';
import type { PodRow } from './pod-repository.js';

type CreateBody = z.infer<typeof CreatePodRequestSchema>;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const MAX_ENV = 100;
const CONTAINER_DISK_GB = 20;
const HOURS_PER_MONTH = 730;
const bad = (message: string) => new ApiProblem(400, 'VALIDATION_ERROR', message);

export async function createPod(
  ctx: PodContext,
  tenantId: string,
  body: CreateBody,
): Promise<{ row: PodRow; privateKey: string }> {
  const lab = await ctx.labs.byId(tenantId, body.labId);
  if (!lab) throw new ApiProblem(404, 'NOT_FOUND', `Lab '${body.labId}' not found; list labs with GET /api/v1/labs`);
  const env = body.env ?? {};
  const names = Object.keys(env);
  if (names.length > MAX_ENV) throw bad(`env: at most ${MAX_ENV} variables; got ${names.length}`);
  const badName = names.find((name) => !ENV_NAME.test(name));
  if (badName !== undefined)
    throw bad(`env: '${badName}' is not a variable name (letters, digits, _; not starting with a digit)`);
  await ctx.ready;
  const offer = chooseOffer(ctx, body);
  if (offer.provider === 'local' && body.image !== undefined)
    throw bad('image: the local provider runs no container images; leave image out for a local pod');
  if (offer.provider === 'local' && ctx.localAllowed && !(await ctx.localAllowed(tenantId)))
    throw new ApiProblem(
      403,
      'FORBIDDEN',
      `this tenant may not use the local provider (offer '${offer.id}'); the operator enables it per tenant with LOCAL_PROVIDER_TENANTS`,
    );
  if (await budgetBlocks(ctx, lab))
    throw new ApiProblem(
      409,
      'CONFLICT',
      `Lab '${lab.slug}' is over its monthly budget; raise monthlyBudget or set budgetAction to alert`,
    );

  const provider = ctx.providers.get(offer.provider)!;
  const now = ctx.clock();
  const id = randomId('pod', 12);
  const keys = generateEd25519KeyPair(`computeplane-${id}`);
  const sshPublicKeys = [keys.publicKey, ...lab.sshPublicKeys].join('\n');
  const volumeId = `${offer.provider === 'local' ? (provider.instanceIdPrefix ?? '') : ''}${id.replace('_', '-')}`;
  const storagePerGbMonth = ctx.settings.storagePricePerGbMonth[offer.provider] ?? 0;
  const row = await ctx.pods.insert({
    id,
    tenantId,
    labId: lab.id,
    status: 'creating',
    label: `cpp-${id}`,
    provider: offer.provider,
    offerId: offer.id,
    providerOfferId: offer.providerId,
    volumeId,
    gpuType: offer.gpuType,
    gpuCount: offer.gpuCount,
    pricePerHour: offer.pricePerHour,
    storagePricePerHour: (body.volumeSize * storagePerGbMonth) / HOURS_PER_MONTH,
    image: offer.provider === 'local' ? 'local' : (body.image ?? ctx.settings.defaultImage),
    env,
    volumeSize: body.volumeSize,
    volumePath: provider.pods!.volumePath,
    maxHours: body.maxHours ?? null,
    sshPublicKeys,
    createdAt: now,
    updatedAt: now,
    nextCheckAt: addMs(now, 2 * MINUTE),
  });
  try {
    const { instanceId } = await provider.createInstance({
      providerOfferId: offer.providerId,
      image: row.image,
      label: row.label,
      diskGb: CONTAINER_DISK_GB,
      env,
      onStartCmd: null,
      sshPublicKey: sshPublicKeys,
      volume: { id: volumeId, sizeGb: body.volumeSize },
    });
    const created = await ctx.pods.move(id, ['creating'], { instanceId, nextCheckAt: ctx.clock() }, ctx.clock());
    if (!created) return await abandoned(ctx, id, instanceId, keys.privateKey);
    ctx.kick();
    return { row: created, privateKey: keys.privateKey };
  } catch (error) {
    const reason = (error as Error).message;
    await provider.pods!.deleteVolume(volumeId, null).catch(() => undefined);
    const at = ctx.clock();
    await ctx.pods.move(id, ['creating'], { status: 'failed', failureReason: reason, volumeDeletedAt: at }, at);
    ctx.logger.warn({ pod_id: id, err: error }, 'pod create failed at the provider');
    throw new ApiProblem(
      503,
      'PROVIDER_UNAVAILABLE',
      `Pod '${id}' could not be created at ${offer.provider}: ${reason}`,
      {
        headers: { 'Retry-After': '5' },
      },
    );
  }
}

/**
 * The pod was terminated while its provider call ran: the instance it got is deleted with its volume (it
 * never ran, so there is nothing to retain) instead of running untracked.
 */
async function abandoned(ctx: PodContext, id: string, instanceId: string, privateKey: string) {
  const row = (await ctx.pods.byIds([id]))[0]!;
  await podOps(ctx, row).deleteVolume(row.volumeId, instanceId);
  const now = ctx.clock();
  const moved = await ctx.pods.move(id, ['terminated'], { instanceId, volumeDeletedAt: now }, now, {
    close: ['storage'],
  });
  return { row: moved ?? row, privateKey };
}
