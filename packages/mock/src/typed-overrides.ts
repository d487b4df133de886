/**
 * Typed per-operation overrides (openapi-msw): handlers whose paths, params and response bodies are
 * checked against each area's spec types, for forcing errors and edge cases in application tests.
 * Put them in front of the stateful handlers with `server.use(...)`.
 */
import { createOpenApiHttp } from 'openapi-msw';
import type { paths as AdminPaths } from '@computeplane/sdk/types/admin';
import type { paths as HealthPaths } from '@computeplane/sdk/types/health';
import type { components as ModelsComponents, paths as ModelsPaths } from '@computeplane/sdk/types/models';

export function typedHttp(baseUrl = 'http://computeplane.test') {
  const options = { baseUrl: baseUrl.replace(/\/+$/, '') };
  return {
    health: createOpenApiHttp<HealthPaths>(options),
    models: createOpenApiHttp<ModelsPaths>(options),
    admin: createOpenApiHttp<AdminPaths>(options),
  };
}

type ErrorCode = ModelsComponents['schemas']['ErrorCode'];

/** The error envelope every Computeplane error uses, for override responses. */
export function errorBody(code: ErrorCode, message: string, requestId = 'req_mock') {
  return { error: { code, message, request_id: requestId } };
}
