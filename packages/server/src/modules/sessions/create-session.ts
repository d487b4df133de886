/**
 * Checks a create request against the inventory, the template and the provider before anything is
 * stored: unknown offer (404), offer gone (503 stale_inventory), options the provider cannot honour
 * (400). Returns what the broker needs.
 */
import type { z } from 'zod';
import type { CreateSessionRequestSchema } from '../../generated/routes/sessions.js';
import { ApiProblem } from '../../platform/http/problem.js';
import type { BrokerContext } from './broker-context.js';
import type { NewSessionInput } from './session-broker.js';
import type { StoredRequest } from './session-request.js';

type CreateBody = z.infer<typeof CreateSessionRequestSchema>;

/** Thrown for the seed's structured 503 body. */
export class StaleOffer extends Error {
  constructor(
    readonly offerId: string,
    readonly provider: string,
  ) {
    super('offer unavailable due to stale inventory');
  }
}

const bad = (message: string) => new ApiProblem(400, 'VALIDATION_ERROR', message);

export async function prepareSession(ctx: BrokerContext, tenantId: string, body: CreateBody): Promise<NewSessionInput> {
  const found = ctx.inventory.find(body.offer_id);
  if (!found)
    throw new ApiProblem(
      404,
      'NOT_FOUND',
      `Offer '${body.offer_id}' not found; list offers with GET /api/v1/inventory`,
    );
  if ('stale' in found || !found.offer.available) throw new StaleOffer(body.offer_id, body.offer_id.split('-')[0]!);
  const offer = found.offer;
  if (offer.provider === 'local' && ctx.localAllowed && !(await ctx.localAllowed(tenantId)))
    throw new ApiProblem(
      403,
      'FORBIDDEN',
      `offer_id: this tenant may not use the local provider (offer '${offer.id}'); the operator enables it per tenant with LOCAL_PROVIDER_TENANTS`,
    );
  const provider = ctx.providers.get(offer.provider);
  if (!provider) throw new StaleOffer(offer.id, offer.provider);

  let resolved: StoredRequest['resolved'] = {
    image: body.docker_image ?? null,
    env: {},
    onStart: body.on_start_cmd ?? null,
    templateProvider: null,
  };
  if (body.template_hash_id !== undefined) {
    const template = await ctx.templates?.get(body.template_hash_id);
    if (!template)
      throw new ApiProblem(
        404,
        'NOT_FOUND',
        `Template '${body.template_hash_id}' not found; list templates with GET /api/v1/templates`,
      );
    if (template.provider !== offer.provider)
      throw bad(
        `template_hash_id: template '${body.template_hash_id}' is a ${template.provider} template and cannot run on a ${offer.provider} offer`,
      );
    if (ctx.templates?.accepts && !(await ctx.templates.accepts(body.template_hash_id, offer))) {
      throw bad(
        `template_hash_id: offer '${offer.id}' does not meet template '${body.template_hash_id}' requirements (its extra_filters); list matching templates with GET /api/v1/inventory/${offer.id}/compatible-templates`,
      );
    }
    resolved = {
      image: body.docker_image ?? template.image,
      env: template.env,
      onStart: [template.onStart, body.on_start_cmd].filter(Boolean).join(' && ') || null,
      templateProvider: template.provider,
    };
  }
  if (body.storage_policy === 'preserve' && !provider.preservesStorage) {
    throw bad(
      `storage_policy: ${offer.provider} cannot keep an instance's disk after the session; use "destroy" (or a local offer)`,
    );
  }
  if (offer.provider === 'local' && body.docker_image !== undefined) {
    throw bad('docker_image: the local provider runs no container images; use on_start_cmd to start the workload');
  }
  if (body.launch_mode === 'entrypoint' && !body.exposed_ports?.length) {
    throw bad(
      'exposed_ports: launch_mode "entrypoint" needs at least one port; its first port is checked before the session is running',
    );
  }
  if (body.launch_mode === 'entrypoint' && offer.provider !== 'local' && !resolved.image) {
    throw bad('docker_image: launch_mode "entrypoint" needs an image (docker_image or a template)');
  }
  if (offer.maxDurationHours > 0 && body.reservation_hours > offer.maxDurationHours) {
    throw bad(`reservation_hours: offer '${offer.id}' can be rented for at most ${offer.maxDurationHours} hours`);
  }
  const request: StoredRequest = {
    workload_type: body.workload_type,
    storage_policy: body.storage_policy,
    launch_mode: body.launch_mode,
    disk_gb: body.disk_gb,
    auto_retry: body.auto_retry,
    max_retries: body.max_retries,
    retry_scope: body.retry_scope,
    ssh_timeout_minutes: body.ssh_timeout_minutes,
    ...(body.docker_image !== undefined ? { docker_image: body.docker_image } : {}),
    ...(body.model_id !== undefined ? { model_id: body.model_id } : {}),
    ...(body.exposed_ports !== undefined ? { exposed_ports: body.exposed_ports } : {}),
    ...(body.quantization !== undefined ? { quantization: body.quantization } : {}),
    ...(body.template_hash_id !== undefined ? { template_hash_id: body.template_hash_id } : {}),
    ...(body.on_start_cmd !== undefined ? { on_start_cmd: body.on_start_cmd } : {}),
    resolved,
  };
  return {
    tenantId,
    consumerId: body.consumer_id,
    offer: {
      id: offer.id,
      provider: offer.provider,
      providerId: offer.providerId,
      gpuType: offer.gpuType,
      gpuCount: offer.gpuCount,
      vramGb: offer.vramGb,
      pricePerHour: offer.pricePerHour,
    },
    reservationHours: body.reservation_hours,
    idleThresholdMinutes: body.idle_threshold_minutes,
    request,
  };
}
