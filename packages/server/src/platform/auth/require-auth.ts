/**
 * Route middleware built from an operation's `security` requirements in the spec: it accepts exactly
 * the credentials the spec lists for that operation and sets the request's principal.
 *   no credential sent        -> 401 AUTH_REQUIRED naming the headers this operation takes
 *   a credential that fails   -> 401 AUTH_INVALID
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/app-env.js';
import { ApiProblem } from '../http/problem.js';
import type { Principal } from './principal.js';

export type SchemeName = 'ApiKeyAuth' | 'BearerAuth' | 'AdminKeyAuth' | 'InternalTokenAuth' | 'SdkTokenAuth';

/** Checks one credential; `undefined` means it is not valid. */
export type CredentialCheck = (value: string) => Promise<Principal | undefined>;
export type Verifiers = Record<SchemeName, CredentialCheck>;

const describe: Record<SchemeName, string> = {
  ApiKeyAuth: 'X-API-Key',
  BearerAuth: 'Authorization: Bearer <key>',
  AdminKeyAuth: 'X-Admin-Key',
  InternalTokenAuth: 'X-Internal-Token',
  SdkTokenAuth: 'X-SDK-Token',
};

function credentialFor(scheme: SchemeName, header: (name: string) => string | undefined): string | undefined {
  switch (scheme) {
    case 'ApiKeyAuth':
      return header('x-api-key');
    case 'BearerAuth': {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header('authorization') ?? '');
      return match?.[1];
    }
    case 'AdminKeyAuth':
      return header('x-admin-key');
    case 'InternalTokenAuth':
      return header('x-internal-token');
    case 'SdkTokenAuth':
      return header('x-sdk-token');
  }
}

export function requireAuth(
  security: readonly Record<string, readonly string[]>[],
  verifiers: Verifiers,
): MiddlewareHandler<AppEnv> {
  const schemes = security.flatMap((requirement) => Object.keys(requirement)) as SchemeName[];
  if (schemes.length === 0) {
    return async (c, next) => {
      c.set('principal', { kind: 'anonymous' });
      await next();
    };
  }
  for (const scheme of schemes) if (!(scheme in describe)) throw new Error(`unknown security scheme ${scheme}`);
  const accepted = schemes.map((scheme) => describe[scheme]).join(' or ');

  return async (c, next) => {
    let presented = false;
    for (const scheme of schemes) {
      const value = credentialFor(scheme, (name) => c.req.header(name));
      if (value === undefined || value === '') continue;
      presented = true;
      const principal = await verifiers[scheme](value);
      if (principal) {
        c.set('principal', principal);
        return next();
      }
    }
    if (presented)
      throw new ApiProblem(
        401,
        'AUTH_INVALID',
        `The credential is not valid for this operation (it takes ${accepted})`,
      );
    throw new ApiProblem(401, 'AUTH_REQUIRED', `Authentication required: send ${accepted}`);
  };
}
