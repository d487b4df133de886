/**
 * The /etc a host-view container gets, written by us rather than shown from the host: users and groups
 * of the container only (root and nobody), its own hostname and hosts, name resolution from files only.
 * The host's /etc (shadow, keys, the server's configuration) is never visible.
 */
export function minimalEtc(hostname: string): Record<string, string> {
  return {
    passwd: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
    group: 'root:x:0:\nnogroup:x:65534:\n',
    hostname: `${hostname}\n`,
    hosts: `127.0.0.1 localhost ${hostname}\n::1 localhost ip6-localhost ip6-loopback\n`,
    'resolv.conf': '',
    'nsswitch.conf': 'passwd: files\ngroup: files\nhosts: files\n',
    'os-release': 'NAME="Computeplane local instance"\nID=computeplane\n',
  };
}
