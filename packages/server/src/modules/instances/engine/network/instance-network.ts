/**
 * Each networked instance: a network namespace `cpi-<id>`, a veth pair (host side on the bridge `cpi0`,
 * the other side `eth0` inside), an address of the instances' subnet with the bridge as its gateway,
 * bandwidth shaped with tc (download on the host side, upload inside), and with egress mediation the
 * iptables policy of its mode (egress-policy.ts) plus the proxy's address in its env. Everything is
 * removed on teardown; `release` also frees the address.
 */
import { existsSync } from 'node:fs';
import type { InstanceRow } from '../../instance-repository.js';
import { parseRate } from '../../human-values.js';
import { runTool } from '../run-tool.js';
import { macFor, parseSubnet } from './addresses.js';
import { applyEgressPolicy, removeEgressPolicy, type EgressEndpoint } from './egress-policy.js';

export const BRIDGE = 'cpi0';

export type { EgressEndpoint };

export interface NetworkSetup {
  ip: string;
  mac: string;
  /** Env the guest gets (the proxy and the CA to trust, with egress mediation). */
  env: Record<string, string>;
  /** Files the guest gets (the CA certificate). */
  mounts: { source: string; destination: string; readonly: boolean }[];
}

export const GUEST_CA_PATH = '/etc/computeplane/egress-ca.pem';

export interface InstanceNetwork {
  /** The bridge's address: the instances' gateway, where the egress proxy listens. */
  gateway: string;
  netnsPath(id: string): string;
  setup(row: InstanceRow): Promise<NetworkSetup>;
  teardown(id: string): Promise<void>;
  release(id: string): Promise<void>;
  counters(id: string): Promise<{ rx_bytes: number; tx_bytes: number; rx_packets: number; tx_packets: number }>;
}

const ip = (args: string[]) => runTool('ip', args);
const netnsName = (id: string) => `cpi-${id}`;
/** Interface names are at most 15 characters. */
const hostVeth = (id: string) => `cv${id.slice(-12)}`;

export function createInstanceNetwork(options: {
  subnet: string;
  usedAddresses: () => Promise<Set<string>>;
  egress: () => Promise<EgressEndpoint>;
  onAddress: (id: string, address: string | null) => void;
}): InstanceNetwork {
  const subnet = parseSubnet(options.subnet);
  let bridge: Promise<void> | undefined;
  const ensureBridge = () =>
    (bridge ??= (async () => {
      if (!existsSync(`/sys/class/net/${BRIDGE}`)) await ip(['link', 'add', BRIDGE, 'type', 'bridge']);
      await ip(['addr', 'replace', `${subnet.gateway}/${subnet.prefix}`, 'dev', BRIDGE]);
      await ip(['link', 'set', BRIDGE, 'up']);
    })().catch((error: unknown) => {
      bridge = undefined;
      throw error;
    }));

  const shape = async (device: string, rate: string | undefined, inside?: string) => {
    const bytes = rate ? parseRate(rate) : null;
    if (!bytes) return;
    const args = [
      'qdisc',
      'replace',
      'dev',
      device,
      'root',
      'tbf',
      'rate',
      `${bytes * 8}bit`,
      'burst',
      `${Math.max(16_384, Math.ceil(bytes / 100))}`,
      'latency',
      '200ms',
    ];
    await runTool(inside ? 'ip' : 'tc', inside ? ['netns', 'exec', inside, 'tc', ...args] : args);
  };

  return {
    gateway: subnet.gateway,
    netnsPath: (id) => `/var/run/netns/${netnsName(id)}`,
    async setup(row) {
      await ensureBridge();
      const address = row.ip ?? subnet.allocate(await options.usedAddresses());
      if (!address) throw new Error(`the instance subnet ${options.subnet} has no free address`);
      options.onAddress(row.id, address);
      const ns = netnsName(row.id);
      const veth = hostVeth(row.id);
      const mac = macFor(address);
      if (!existsSync(`/var/run/netns/${ns}`)) await ip(['netns', 'add', ns]);
      if (!existsSync(`/sys/class/net/${veth}`))
        await ip(['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      await ip(['link', 'set', veth, 'master', BRIDGE, 'up']);
      await ip(['-n', ns, 'link', 'set', 'eth0', 'address', mac]);
      await ip(['-n', ns, 'addr', 'replace', `${address}/${subnet.prefix}`, 'dev', 'eth0']);
      await ip(['-n', ns, 'link', 'set', 'lo', 'up']);
      await ip(['-n', ns, 'link', 'set', 'eth0', 'up']);
      await ip(['-n', ns, 'route', 'replace', 'default', 'via', subnet.gateway]);
      await shape(veth, row.spec.network?.bandwidth_download);
      await shape('eth0', row.spec.network?.bandwidth_upload, ns);
      const env: Record<string, string> = {};
      const mounts: NetworkSetup['mounts'] = [];
      if (row.spec.network?.egress?.enabled) {
        const proxy = await options.egress();
        await applyEgressPolicy(row.id, address, row.spec.network.egress.enforcement?.mode ?? 'all', proxy);
        const url = `http://${proxy.host}:${proxy.port}`;
        Object.assign(env, {
          HTTP_PROXY: url,
          HTTPS_PROXY: url,
          http_proxy: url,
          https_proxy: url,
          NO_PROXY: 'localhost,127.0.0.1',
          no_proxy: 'localhost,127.0.0.1',
        });
        for (const name of ['SSL_CERT_FILE', 'NODE_EXTRA_CA_CERTS', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'])
          env[name] = GUEST_CA_PATH;
        mounts.push({ source: proxy.caPath, destination: GUEST_CA_PATH, readonly: true });
      }
      return { ip: address, mac, env, mounts };
    },
    async teardown(id) {
      await removeEgressPolicy(id);
      if (existsSync(`/sys/class/net/${hostVeth(id)}`)) await ip(['link', 'del', hostVeth(id)]).catch(() => undefined);
      if (existsSync(`/var/run/netns/${netnsName(id)}`))
        await ip(['netns', 'del', netnsName(id)]).catch(() => undefined);
    },
    async release(id) {
      await this.teardown(id);
      options.onAddress(id, null);
    },
    async counters(id) {
      const read = async (name: string) =>
        Number((await runTool('cat', [`/sys/class/net/${hostVeth(id)}/statistics/${name}`]).catch(() => '0')).trim()) ||
        0;
      // The host side's receive is the instance's transmit.
      return {
        rx_bytes: await read('tx_bytes'),
        tx_bytes: await read('rx_bytes'),
        rx_packets: await read('tx_packets'),
        tx_packets: await read('rx_packets'),
      };
    },
  };
}
