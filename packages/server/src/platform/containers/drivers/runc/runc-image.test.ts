/**
 * The rootfs source is pluggable: the runc driver runs an OCI image unpacked by umoci (as the instances
 * area will) the same way it runs a host view. The image is built here from the host's dash and libc, so
 * the test needs no registry.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerDriver } from '../../container-driver.js';
import { imageDirectory } from '../../rootfs.js';
import { createRuncDriver, probeRunc } from './index.js';

const umoci = (() => {
  try {
    execFileSync('umoci', ['--version']);
    return true;
  } catch {
    return false;
  }
})();
const available = umoci && (await probeRunc()) === null;

describe.skipIf(!available)('runc driver with an unpacked image', () => {
  let dir: string;
  let driver: ContainerDriver;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cp-runc-image-'));
    await chmod(dir, 0o711);
    const layout = join(dir, 'layout');
    const image = `${layout}:test`;
    execFileSync('umoci', ['init', '--layout', layout]);
    execFileSync('umoci', ['new', '--image', image]);
    execFileSync('umoci', ['insert', '--image', image, '/usr/bin/dash', '/bin/sh']);
    for (const lib of ['/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2'])
      execFileSync('umoci', ['insert', '--image', image, await realpath(lib), lib]);
    execFileSync('umoci', ['unpack', '--image', image, join(dir, 'unpacked')]);
    // umoci leaves the bundle to its owner; the container's root (another host uid) must pass through it.
    await chmod(join(dir, 'unpacked'), 0o711);
    await mkdir(join(dir, 'volume'));
    driver = createRuncDriver({ stateDir: join(dir, 'state') });
  });
  afterAll(async () => {
    await driver?.sweep('cpimage-');
    await rm(dir, { recursive: true, force: true });
  });

  it('runs commands in the image’s own root, not the host’s', async () => {
    await driver.create({
      id: 'cpimage-a',
      rootfs: imageDirectory(join(dir, 'unpacked', 'rootfs')),
      mounts: [{ source: join(dir, 'volume'), destination: '/workspace', readonly: false }],
      env: { PATH: '/bin', GREETING: 'from the image' },
      cwd: '/workspace',
      hostname: 'cpimage-a',
      limits: { cpus: 0.5, memoryBytes: 128 * 1024 * 1024, pids: 64 },
      user: { hostId: 1_600_000, size: 65_536 },
      devices: [],
      init: ['/bin/sh', '-c', 'trap "exit 0" TERM; while :; do read -t 5 x < /dev/null; done'],
    });
    const child = driver.exec('cpimage-a', ['/bin/sh', '-c', 'echo "$GREETING"; cd /; echo *; cd /workspace; pwd']);
    let out = '';
    child.stdout!.on('data', (data: Buffer) => (out += data.toString()));
    child.stdin!.end();
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(out).toBe('from the image\nbin dev lib lib64 proc root sys tmp workspace\n/workspace\n');
  });
});
