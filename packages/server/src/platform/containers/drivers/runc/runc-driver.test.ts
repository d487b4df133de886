/**
 * The runc driver with real runc containers: a host-view root with a user namespace, exec with piped stdio,
 * env and exit codes, isolation from the host (files, processes, loopback sockets), cgroup limits and
 * figures, and list, destroy and the crash sweep.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerDriver, ContainerSpec } from '../../container-driver.js';
import { hostView } from '../../rootfs.js';
import { createRuncDriver, probeRunc } from './index.js';

const INIT = ['/bin/sh', '-c', 'trap "exit 0" TERM; while :; do sleep 5 & wait $!; done'];

function run(driver: ContainerDriver, id: string, command: string, stdin = '') {
  const child = driver.exec(id, ['/bin/sh', '-c', command]);
  let out = '';
  child.stdout!.on('data', (data: Buffer) => (out += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (out += data.toString()));
  child.stdin!.end(stdin);
  return new Promise<{ out: string; code: number | null }>((resolve) =>
    child.on('close', (code) => resolve({ out, code })),
  );
}

const available = (await probeRunc()) === null;

describe.skipIf(!available)('runc driver', () => {
  let dir: string;
  let driver: ContainerDriver;
  let hostSocket: Server;
  let port: number;
  const spec = (id: string, volume: string): ContainerSpec => ({
    id,
    rootfs: hostView(),
    mounts: [{ source: volume, destination: '/workspace', readonly: false }],
    env: { PATH: '/usr/bin:/bin', HOME: '/root', GREETING: 'hello' },
    cwd: '/workspace',
    hostname: id,
    limits: { cpus: 0.5, memoryBytes: 256 * 1024 * 1024, pids: 128 },
    user: { hostId: 1_500_000, size: 65_536 },
    devices: [],
    init: INIT,
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cp-runc-'));
    await chmod(dir, 0o711);
    await writeFile(join(dir, 'host-secret'), 'secret');
    driver = createRuncDriver({ stateDir: join(dir, 'state') });
    await mkdir(join(dir, 'vol-a'));
    await driver.create(spec('cptest-a', join(dir, 'vol-a')));
    hostSocket = createServer((socket) => socket.end('host\n'));
    await new Promise<void>((resolve) => hostSocket.listen(0, '127.0.0.1', resolve));
    port = (hostSocket.address() as { port: number }).port;
  });
  afterAll(async () => {
    await driver?.sweep('cptest-');
    hostSocket?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs commands inside with stdin, env, exit codes and a writable volume owned by the mapped root', async () => {
    expect(await run(driver, 'cptest-a', 'read line; echo "$GREETING $line"; pwd; exit 7', 'world\n')).toEqual({
      out: 'hello world\n/workspace\n',
      code: 7,
    });
    expect((await run(driver, 'cptest-a', 'node -e "console.log(6*7)" && echo hi > file && id -u')).out).toBe(
      '42\n0\n',
    );
    expect(await readFile(join(dir, 'vol-a', 'file'), 'utf8')).toBe('hi\n');
    // Container root is host uid 1500000: the user namespace maps it.
    expect((await run(driver, 'cptest-a', 'cat /proc/self/uid_map')).out.trim().split(/\s+/)).toEqual([
      '0',
      '1500000',
      '65536',
    ]);
  });

  it('shows nothing of the host: its files, its processes, its loopback sockets', async () => {
    const files = await run(driver, 'cptest-a', `cat ${join(dir, 'host-secret')} /etc/shadow; ls /; touch /usr/x`);
    expect(files.out).toMatch(/host-secret: No such file/);
    expect(files.out).toMatch(/\/etc\/shadow: No such file/);
    expect(files.out).toMatch(/\/usr\/x'?: Read-only file system/);
    expect(files.out).not.toMatch(/\bwork\b|\bhome\b|\bvar\b/);
    // Only the container's processes: its init, its sleep, this shell and ps.
    const processes = await run(driver, 'cptest-a', 'ls /proc | grep -E "^[0-9]+$" | wc -l; cat /proc/1/cmdline');
    expect(Number(processes.out.split('\n')[0])).toBeLessThan(8);
    expect(processes.out).toContain('while :; do sleep 5');
    const connect = `require("net").connect(${port}, "127.0.0.1").on("data", d => console.log("reached", String(d))).on("error", e => console.log(e.code))`;
    expect((await run(driver, 'cptest-a', `node -e '${connect}'`)).out).toBe('ECONNREFUSED\n');
  });

  it('applies its CPU, memory and process limits in its cgroup', async () => {
    const cgroup = (controller: string, file: string) =>
      readFile(`/sys/fs/cgroup/${controller}/computeplane/cptest-a/${file}`, 'utf8').then((text) => text.trim());
    expect(await cgroup('memory', 'memory.limit_in_bytes')).toBe(String(256 * 1024 * 1024));
    expect(await cgroup('cpu', 'cpu.cfs_quota_us')).toBe('50000');
    expect(await cgroup('pids', 'pids.max')).toBe('128');
  });

  it('counts its cgroup: CPU time grows with work, processes with what runs in it, nothing for an unknown id', async () => {
    const before = (await driver.stats('cptest-a'))!;
    expect(before.pids).toBeGreaterThanOrEqual(1);
    await run(driver, 'cptest-a', 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; nohup sleep 30 >/dev/null 2>&1 &');
    const after = (await driver.stats('cptest-a'))!;
    expect(after.cpuNanos).toBeGreaterThan(before.cpuNanos);
    expect(after.pids).toBeGreaterThan(before.pids === 1 ? 1 : 2);
    await run(driver, 'cptest-a', 'pkill sleep; true');
    expect(await driver.stats('cptest-none')).toBeUndefined();
  });

  it('lists, destroys, and sweeps what a killed process left', async () => {
    await mkdir(join(dir, 'vol-b'));
    await driver.create(spec('cptest-b', join(dir, 'vol-b')));
    const other = createRuncDriver({ stateDir: join(dir, 'state') });
    expect((await other.list()).map((c) => c.id).sort()).toEqual(['cptest-a', 'cptest-b']);
    await driver.destroy('cptest-b');
    await driver.destroy('cptest-b');
    expect((await driver.list()).map((c) => c.id)).toEqual(['cptest-a']);
    // A new process of the same node (same state directory) sweeps its prefix.
    expect(await other.sweep('cptest-')).toEqual(['cptest-a']);
    expect(await other.list()).toEqual([]);
    expect(existsSync(join(dir, 'state', 'bundles', 'cptest-a'))).toBe(false);
    expect(existsSync('/sys/fs/cgroup/memory/computeplane/cptest-a')).toBe(false);
  });
});
