/**
 * Egress enforcement on the host side (iptables), per instance, by its source address (the instance has
 * no CAP_NET_ADMIN, so it cannot change it): a chain `cpi-<id>` jumped to from INPUT and FORWARD for
 * packets from that address. `all` accepts TCP to the proxy and DNS, and rejects every other TCP
 * connection (a reset, so clients fail at once); `http_https_only` rejects TCP to ports 80 and 443 other
 * than the proxy's. Rules are removed with the chain.
 */
import { runTool } from '../run-tool.js';

/** Where the proxy listens (the bridge's address), and the CA file the guest should trust. */
export interface EgressEndpoint {
  host: string;
  port: number;
  caPath: string;
}

const chain = (id: string) => `cpi-${id.slice(-20)}`;
const iptables = (args: string[]) => runTool('iptables', ['-w', '5', ...args]);

export async function applyEgressPolicy(
  id: string,
  address: string,
  mode: 'all' | 'http_https_only',
  proxy: EgressEndpoint,
) {
  await removeEgressPolicy(id);
  const name = chain(id);
  await iptables(['-N', name]);
  await iptables(['-A', name, '-p', 'tcp', '-d', proxy.host, '--dport', String(proxy.port), '-j', 'ACCEPT']);
  await iptables(['-A', name, '-p', 'udp', '--dport', '53', '-j', 'ACCEPT']);
  await iptables(['-A', name, '-p', 'tcp', '--dport', '53', '-j', 'ACCEPT']);
  if (mode === 'all') await iptables(['-A', name, '-p', 'tcp', '-j', 'REJECT', '--reject-with', 'tcp-reset']);
  else
    await iptables([
      '-A',
      name,
      '-p',
      'tcp',
      '-m',
      'multiport',
      '--dports',
      '80,443',
      '-j',
      'REJECT',
      '--reject-with',
      'tcp-reset',
    ]);
  for (const parent of ['INPUT', 'FORWARD']) await iptables(['-I', parent, '-s', address, '-j', name]);
}

export async function removeEgressPolicy(id: string) {
  const name = chain(id);
  for (const parent of ['INPUT', 'FORWARD']) {
    const rules = await iptables(['-S', parent]).catch(() => '');
    for (const rule of rules.split('\n').filter((line) => line.endsWith(`-j ${name}`)))
      await iptables(['-D', ...rule.split(' ').slice(1)]).catch(() => undefined);
  }
  await iptables(['-F', name]).catch(() => undefined);
  await iptables(['-X', name]).catch(() => undefined);
}
