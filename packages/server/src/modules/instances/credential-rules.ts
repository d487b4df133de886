/**
 * Credential policies as instances.md defines them: each names its real value's key in the request `env`
 * (`source.env`), and each injection a header and a format with `${value}`, for hosts given exactly or as
 * `*.` one label deep.
 */
import { ApiProblem } from '../../platform/http/problem.js';
import type { InstanceSpecRecord } from '../../platform/db/schema.js';

const bad = (message: string) => new ApiProblem(400, 'VALIDATION_ERROR', message);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HOST = /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i;

export function checkCredentials(credentials: InstanceSpecRecord['credentials'], env: Record<string, string>): void {
  for (const [name, credential] of Object.entries(credentials ?? {})) {
    const at = `body.credentials.${name}`;
    if (!ENV_NAME.test(name)) throw bad(`${at}: the key is the guest's env var name (letters, digits, _)`);
    if (!(credential.source.env in env))
      throw bad(
        `${at}.source.env names '${credential.source.env}', which is not in body.env; put the real value there`,
      );
    for (const [index, rule] of credential.inject.entries()) {
      if (!rule.as.format.includes('${value}')) throw bad(`${at}.inject[${index}].as.format must include \${value}`);
      for (const host of rule.hosts ?? [])
        if (!HOST.test(host))
          throw bad(`${at}.inject[${index}].hosts: '${host}' is not a host name or *.domain pattern`);
    }
  }
}

/** Whether a destination host matches a pattern: exactly, or `*.example.com` for one label below it. */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!p.startsWith('*.')) return p === h;
  const suffix = p.slice(1);
  return h.endsWith(suffix) && !h.slice(0, -suffix.length).includes('.') && h.length > suffix.length;
}
