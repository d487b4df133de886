/**
 * Credentials, named by the specs' security schemes: the one a fuzz request carries for an operation, and
 * the probes that must never pass (none, a wrong secret of each accepted kind, a revoked key, a valid
 * credential of a kind the operation does not accept).
 */
import type { OpenApiDocument } from '../../scripts/lib/specs.js';
import type { FuzzOperation } from './spec-operations.js';

export interface Secrets {
  /** The valid secret of each scheme this suite holds, by scheme name. */
  bySchemeName: Record<string, string>;
  revokedApiKey: string;
}

interface SchemeObject {
  type: string;
  in?: string;
  name?: string;
  scheme?: string;
}

const schemeOf = (doc: OpenApiDocument, name: string) => {
  const scheme = (doc.components?.securitySchemes as Record<string, SchemeObject> | undefined)?.[name];
  if (!scheme) throw new Error(`security scheme ${name} is not defined`);
  return scheme;
};

/** Headers that present `secret` the way `scheme` says. */
export function headersFor(scheme: SchemeObject, secret: string): Record<string, string> {
  if (scheme.type === 'apiKey' && scheme.in === 'header') return { [scheme.name!]: secret };
  if (scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'bearer') return { Authorization: `Bearer ${secret}` };
  throw new Error(`the fuzz suite cannot present security scheme ${JSON.stringify(scheme)}: add it to credentials.ts`);
}

/** The credential a fuzz request for `op` carries: the first accepted scheme this suite has a secret for. */
export function credentialFor(op: FuzzOperation, secrets: Secrets): Record<string, string> {
  if (op.security.length === 0 || op.security.some((alternative) => alternative.length === 0)) return {};
  for (const alternative of op.security) {
    if (alternative.every((name) => secrets.bySchemeName[name] !== undefined))
      return Object.assign(
        {},
        ...alternative.map((name) => headersFor(schemeOf(op.doc, name), secrets.bySchemeName[name]!)),
      );
  }
  throw new Error(
    `${op.operationId}: no secret for any of ${JSON.stringify(op.security)}: add one to the secrets in fuzz.test.ts`,
  );
}

/** Credentials that must be refused by `op` (401/403), each with a name for reports. */
export function refusedCredentials(op: FuzzOperation, secrets: Secrets, allSchemes: Map<string, SchemeObject>) {
  const accepted = new Set(op.security.flat());
  const probes: { probe: string; headers: Record<string, string> }[] = [{ probe: 'no credential', headers: {} }];
  for (const name of accepted) {
    const scheme = schemeOf(op.doc, name);
    probes.push({ probe: `wrong ${name}`, headers: headersFor(scheme, 'cp_wrong_0123456789abcdef') });
    probes.push({ probe: `empty ${name}`, headers: headersFor(scheme, '') });
    if (secrets.bySchemeName[name] === secrets.bySchemeName.ApiKeyAuth)
      probes.push({ probe: `revoked key as ${name}`, headers: headersFor(scheme, secrets.revokedApiKey) });
  }
  for (const [name, scheme] of allSchemes) {
    const secret = secrets.bySchemeName[name];
    if (accepted.has(name) || secret === undefined) continue;
    // A valid secret of another kind, even where an accepted scheme would read the same header.
    const presentedAs = [...accepted].some((a) => JSON.stringify(schemeOf(op.doc, a)) === JSON.stringify(scheme));
    if (!presentedAs)
      probes.push({
        probe: `${name} where ${[...accepted].join('/')} is required`,
        headers: headersFor(scheme, secret),
      });
    for (const a of accepted)
      if (secrets.bySchemeName[a] !== secret)
        probes.push({ probe: `${name}'s secret sent as ${a}`, headers: headersFor(schemeOf(op.doc, a), secret) });
  }
  return probes;
}

/** Every security scheme of every area, by name. */
export function allSecuritySchemes(operations: FuzzOperation[]): Map<string, SchemeObject> {
  const schemes = new Map<string, SchemeObject>();
  for (const op of operations)
    for (const [name, scheme] of Object.entries(
      (op.doc.components?.securitySchemes ?? {}) as Record<string, SchemeObject>,
    ))
      schemes.set(name, scheme);
  return schemes;
}
