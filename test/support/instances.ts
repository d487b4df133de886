/**
 * The instances area's test needs: whether this machine can run instances (root, runc, umoci, skopeo,
 * busybox-static), a data directory of their own per suite, and the tiny busybox image built with umoci
 * into its import directory (scripts/images/build-busybox-image.sh), pulled as `oci:busybox:latest`.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUILD = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../scripts/images/build-busybox-image.sh');

const has = (binary: string, flag = '--version') => {
  try {
    execFileSync(binary, [flag], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Root, runc, umoci, skopeo and busybox are all here. */
export const instancesAvailable =
  process.getuid?.() === 0 && has('runc') && has('umoci') && has('skopeo') && has('busybox', '--help');

export const BUSYBOX = 'oci:busybox:latest';

/** A data directory with the busybox image under `import/busybox`; remove it with the returned function. */
export function instancesDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync('/tmp/cp-instances-');
  chmodSync(dir, 0o755);
  execFileSync(BUILD, [join(dir, 'import', 'busybox')], { stdio: 'ignore' });
  return { dir, remove: () => removeInstancesDir(dir) };
}

/**
 * Removes a suite's data directory even when tests failed half way: its containers (runc keeps them
 * across server stops), their network namespaces, every mount under it (layers, volumes, overlays).
 */
export function removeInstancesDir(dir: string): void {
  const root = join(dir, 'instances', 'state', 'runc');
  const ids = (() => {
    try {
      return execFileSync('runc', ['--root', root, 'list', '-q']).toString().split('\n').filter(Boolean);
    } catch {
      return [];
    }
  })();
  const quiet = (binary: string, args: string[]) => {
    try {
      execFileSync(binary, args, { stdio: 'ignore' });
    } catch {
      // already gone
    }
  };
  for (const id of ids) quiet('runc', ['--root', root, 'delete', '--force', id]);
  for (const id of ids) quiet('ip', ['netns', 'del', id]);
  // Egress chains (engine/network/egress-policy.ts) of this directory's instances.
  const instanceIds = (() => {
    try {
      return readdirSync(join(dir, 'instances', 'runs'));
    } catch {
      return [];
    }
  })();
  const rules = (() => {
    try {
      return execFileSync('iptables', ['-S']).toString().split('\n');
    } catch {
      return [];
    }
  })();
  for (const id of instanceIds) {
    const chain = `cpi-${id.slice(-20)}`;
    for (const rule of rules.filter((line) => line.endsWith(`-j ${chain}`) && line.startsWith('-A ')))
      quiet('iptables', ['-D', ...rule.split(' ').slice(1)]);
    quiet('iptables', ['-F', chain]);
    quiet('iptables', ['-X', chain]);
    quiet('ip', ['netns', 'del', `cpi-${id}`]);
  }
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((path) => path.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const path of mounts) quiet('umount', ['-l', path]);
  rmSync(dir, { recursive: true, force: true });
}

/** Every runc container and network namespace whose name starts with `cpi-` (instances' own). */
export function leftovers(dir: string): { containers: string[]; netns: string[] } {
  const list = execFileSync('runc', ['--root', join(dir, 'instances', 'state', 'runc'), 'list', '-q']).toString();
  const netns = has('ip', '-V') ? execFileSync('ip', ['netns', 'list']).toString() : '';
  return {
    containers: list.split('\n').filter((id) => id.startsWith('cpi-')),
    netns: netns
      .split('\n')
      .map((line) => line.split(' ')[0]!)
      .filter((name) => name.startsWith('cpi-')),
  };
}
