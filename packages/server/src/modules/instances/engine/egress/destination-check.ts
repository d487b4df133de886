/**
 * Where the egress proxy may connect: the destination is resolved once, and refused when any address is
 * private, loopback, link-local, multicast or otherwise not public unicast (ipaddr.js's ranges), unless the
 * operator allowed its range (`EGRESS_ALLOWED_PRIVATE_CIDRS`). The proxy then connects to the address it
 * checked, so a second resolution cannot point it elsewhere.
 */
import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

export class DestinationRefused extends Error {}

export function createDestinationCheck(allowedCidrs: string[]) {
  const allowed = allowedCidrs.map((cidr) => ipaddr.parseCIDR(cidr));
  const permitted = (address: string) => {
    let parsed = ipaddr.parse(address);
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
      parsed = (parsed as ipaddr.IPv6).toIPv4Address();
    if (allowed.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match([range, bits]))) return true;
    return parsed.range() === 'unicast';
  };
  /** The address to connect to, or DestinationRefused saying why not. */
  return async (host: string): Promise<string> => {
    const addresses = ipaddr.isValid(host)
      ? [host]
      : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
    if (!addresses.length) throw new DestinationRefused(`cannot resolve ${host}`);
    const refused = addresses.find((address) => !permitted(address));
    if (refused) throw new DestinationRefused(`${host} resolves to ${refused}, a private or special address`);
    return addresses[0]!;
  };
}
