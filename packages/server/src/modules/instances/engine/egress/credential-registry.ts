/**
 * Which source address is which instance, and the headers its credentials put on HTTPS requests. The
 * proxy serves registered addresses only. Updating an instance's env replaces its entry, so a rotated
 * secret is used from the next request on.
 */
import type { InstanceSpecRecord } from '../../../../platform/db/schema.js';
import { hostMatches } from '../../credential-rules.js';

interface Injection {
  header: string;
  format: string;
  hosts: string[] | undefined;
  value: string;
}

export function createCredentialRegistry() {
  const byAddress = new Map<string, { instanceId: string; injections: Injection[] }>();
  return {
    register(address: string, instanceId: string, spec: InstanceSpecRecord) {
      const injections: Injection[] = [];
      for (const credential of Object.values(spec.credentials ?? {}))
        for (const rule of credential.inject)
          injections.push({
            header: rule.as.header,
            format: rule.as.format,
            hosts: rule.hosts,
            value: spec.env[credential.source.env] ?? '',
          });
      byAddress.set(address, { instanceId, injections });
    },
    unregister(instanceId: string) {
      for (const [address, entry] of byAddress) if (entry.instanceId === instanceId) byAddress.delete(address);
    },
    isRegistered: (address: string) => byAddress.has(address),
    /** The headers to set for a request from `address` to `host` (over TLS only: the caller decides). */
    headersFor(address: string, host: string): Record<string, string> {
      const headers: Record<string, string> = {};
      for (const rule of byAddress.get(address)?.injections ?? [])
        if (!rule.hosts?.length || rule.hosts.some((pattern) => hostMatches(pattern, host)))
          headers[rule.header.toLowerCase()] = rule.format.split('${value}').join(rule.value);
      return headers;
    },
  };
}

export type CredentialRegistry = ReturnType<typeof createCredentialRegistry>;
