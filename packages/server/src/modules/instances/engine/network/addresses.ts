/**
 * The instances' IPv4 subnet: the bridge takes its first host address, instances the next free ones.
 * MAC addresses are derived from the IP (locally administered `02:00` prefix), as the seed's examples show.
 */
import ipaddr from 'ipaddr.js';

export interface Subnet {
  gateway: string;
  prefix: number;
  /** The first free host address not in `used`, or null when the subnet is full. */
  allocate(used: Set<string>): string | null;
}

export function parseSubnet(cidr: string): Subnet {
  const [base, prefix] = ipaddr.IPv4.parseCIDR(cidr);
  if (prefix < 16 || prefix > 29) throw new Error(`INSTANCE_SUBNET must be an IPv4 /16 to /29; got ${cidr}`);
  const start = ipaddr.IPv4.networkAddressFromCIDR(cidr)
    .toByteArray()
    .reduce((n, b) => n * 256 + b, 0);
  const size = 2 ** (32 - prefix);
  const toIp = (n: number) => [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
  void base;
  return {
    gateway: toIp(start + 1),
    prefix,
    allocate(used) {
      for (let n = start + 2; n < start + size - 1; n++) if (!used.has(toIp(n))) return toIp(n);
      return null;
    },
  };
}

export const macFor = (ip: string) =>
  `02:00:${ip
    .split('.')
    .map((octet) => Number(octet).toString(16).padStart(2, '0'))
    .join(':')}`;
