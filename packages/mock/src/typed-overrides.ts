/**
 * Typed per-operation overrides (openapi-msw): handlers whose paths, params and response bodies are
 * checked against each area's spec types, for forcing errors and edge cases in application tests.
 * Put them in front of the stateful handlers with `server.use(...)`.
 */
import { createOpenApiHttp } from 'openapi-msw';
import type { paths as AdminPaths } from '@computeplane/sdk/types/admin';
import type { paths as HealthPaths } from '@computeplane/sdk/types/health';
import type { paths as InferencePaths } from '@computeplane/sdk/types/inference';
import type { components as ModelsComponents, paths as ModelsPaths } from '@computeplane/sdk/types/models';
import type { paths as OffersPaths } from '@computeplane/sdk/types/offers';
import type { paths as SessionsPaths } from '@computeplane/sdk/types/sessions';
import type { paths as TemplatesPaths } from '@computeplane/sdk/types/templates';

export function typedHttp(baseUrl = 'http://computeplane.test') {
  const options = { baseUrl: baseUrl.replace(/\/+$/, '') };
  return {
    health: createOpenApiHttp<HealthPaths>(options),
    models: createOpenApiHttp<ModelsPaths>(options),
    admin: createOpenApiHttp<AdminPaths>(options),
    inference: createOpenApiHttp<InferencePaths>(options),
    offers: createOpenApiHttp<OffersPaths>(options),
    sessions: createOpenApiHttp<SessionsPaths>(options),
    templates: createOpenApiHttp<TemplatesPaths>(options),
  };
}

type ErrorCode = ModelsComponents['schemas']['ErrorCode'];

/** The seed-style error body of the GPU marketplace areas (offers, templates, sessions, costs), for override responses. */
export function gpuErrorBody(errorType: string, message: string, extra: Record<string, unknown> = {}, requestId = 'req_mock') {
  return { error: message, request_id: requestId, error_type: errorType, retry_suggested: errorType === 'stale_inventory' || errorType === 'provider_unavailable', ...extra };
}

/** The error envelope every Computeplane error uses, for override responses. */
export function errorBody(code: ErrorCode, message: string, requestId = 'req_mock') {
  return { error: { code, message, request_id: requestId } };
}
