/** The local provider for real: SSH with the instance's key only, commands in the instance's directory, activity, cleanup. */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalProvider } from './local-provider.js';
import { offersFor, parseCudaVersion, parseGpuQuery } from './machine-offers.js';
import { generateEd25519KeyPair } from '../ssh-key-pair.js';

const { Client } = ssh2;

function exec(port: number, privateKey: string, command: string): Promise<{ out: string; code: number }> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client
      .on('ready', () => {
        client.exec(command, (error, stream) => {
          if (error) return reject(error);
          let out = '';
          let code = -1;
          stream.on('data', (data: Buffer) => (out += data.toString()));
          stream.stderr.on('data', (data: Buffer) => (out += data.toString()));
          stream.on('exit', (exitCode: number) => (code = exitCode));
          stream.on('close', () => {
            client.end();
            resolve({ out, code });
          });
        });
      })
      .on('error', reject)
      .connect({ host: '127.0.0.1', port, username: 'root', privateKey, readyTimeout: 5_000 });
  });
}

/** A `shell` request without a pty: commands on stdin, output and exit status back. */
function shell(port: number, privateKey: string, script: string): Promise<{ out: string; code: number }> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client
      .on('ready', () => {
        client.shell(false, (error, stream) => {
          if (error) return reject(error);
          let out = '';
          let code = -1;
          stream.on('data', (data: Buffer) => (out += data.toString()));
          stream.on('exit', (exitCode: number) => (code = exitCode));
          stream.on('close', () => {
            client.end();
            resolve({ out, code });
          });
          stream.end(script);
        });
      })
      .on('error', reject)
      .connect({ host: '127.0.0.1', port, username: 'root', privateKey, readyTimeout: 5_000 });
  });
}

let root: string;
let provider: ReturnType<typeof createLocalProvider>;
let now = new Date('2026-11-23T00:00:00Z');
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'cp-local-'));
  provider = createLocalProvider({ root, pricePerHour: 0.1, clock: () => now });
});
afterEach(async () => {
  await provider.close();
  await rm(root, { recursive: true, force: true });
});

describe('local provider', () => {
  it('offers this machine: its GPUs as measured, or its CPU', async () => {
    expect(offersFor([], 0)[0]).toMatchObject({ provider: 'local', providerId: 'local-cpu', gpuCount: 0 });
    const h100 = { name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, cudaVersion: 12.4 };
    expect(offersFor([h100, h100], 2)).toEqual([
      expect.objectContaining({
        gpuType: 'H100 80GB HBM3',
        gpuCount: 2,
        vramGb: 80,
        pricePerHour: 2,
        cudaVersion: 12.4,
      }),
    ]);
    // As nvidia-smi printed them on an H100 machine (2026-11-23).
    const banner = '| NVIDIA-SMI 580.159.04             Driver Version: 580.159.04     CUDA Version: 13.0     |';
    expect(parseGpuQuery('NVIDIA H100 80GB HBM3, 81559\n', banner)).toEqual([
      { name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, cudaVersion: 13 },
    ]);
    expect(offersFor(parseGpuQuery('NVIDIA H100 80GB HBM3, 81559\n', banner), 2)[0]).toMatchObject({
      gpuType: 'H100 80GB HBM3',
      vramGb: 80,
      cudaVersion: 13,
    });
    expect(parseCudaVersion('no banner')).toBeNull();
    expect((await provider.listOffers()).length).toBeGreaterThan(0);
  });

  it('serves SSH for the instance key only, runs commands in its directory, and records activity', async () => {
    const keys = generateEd25519KeyPair();
    const { instanceId } = await provider.createInstance({
      providerOfferId: 'local-cpu',
      image: 'local',
      label: 'cp:dep_test:sess_1',
      diskGb: 1,
      env: { GREETING: 'hello' },
      onStartCmd: 'echo started > started.txt',
      sshPublicKey: keys.publicKey,
    });
    const instance = (await provider.getInstance(instanceId))!;
    expect(instance).toMatchObject({ status: 'running', label: 'cp:dep_test:sess_1', ssh: { host: '127.0.0.1' } });
    now = new Date('2026-11-23T00:10:00Z');
    const result = await exec(instance.ssh!.port, keys.privateKey, 'echo $GREETING; pwd; exit 3');
    expect(result.out).toBe(`hello\n/workspace\n`);
    expect(result.code).toBe(3);
    expect((await provider.getInstance(instanceId))!.lastActivityAt).toEqual(now);
    expect(await readFile(join(root, instanceId, 'started.txt'), 'utf8')).toBe('started\n');

    expect(await shell(instance.ssh!.port, keys.privateKey, 'echo $GREETING from $(hostname)\nexit 5\n')).toEqual({
      out: `hello from ${instanceId}\n`,
      code: 5,
    });

    // Its container: a user namespace whose root is an unprivileged host uid, and the default limits.
    const uidMap = (await exec(instance.ssh!.port, keys.privateKey, 'cat /proc/self/uid_map')).out.trim().split(/\s+/);
    expect(uidMap[0]).toBe('0');
    expect(Number(uidMap[1])).toBeGreaterThanOrEqual(1_000_000);
    const limit = await readFile(`/sys/fs/cgroup/memory/computeplane/${instanceId}/memory.limit_in_bytes`, 'utf8');
    expect(limit.trim()).toBe(String(4096 * 1024 * 1024));

    const stranger = generateEd25519KeyPair();
    await expect(exec(instance.ssh!.port, stranger.privateKey, 'true')).rejects.toThrow(/authentication/i);

    await provider.destroyInstance(instanceId);
    await provider.destroyInstance(instanceId);
    expect(await provider.getInstance(instanceId)).toBeUndefined();
    expect(existsSync(join(root, instanceId))).toBe(false);
    await expect(exec(instance.ssh!.port, keys.privateKey, 'true')).rejects.toThrow();
  });

  it('falls back to no user namespace, and says so, where DATA_DIR cannot be passed through', async () => {
    const closed = await mkdtemp(join(tmpdir(), 'cp-local-closed-'));
    await chmod(closed, 0o700);
    const inside = createLocalProvider({ root: join(closed, 'instances') });
    try {
      expect(await inside.notices()).toEqual([expect.stringMatching(/without a user namespace.*cp-local-closed-/)]);
      const keys = generateEd25519KeyPair();
      const { instanceId } = await inside.createInstance({
        providerOfferId: 'local-cpu',
        image: 'local',
        label: 'cp:dep_test:sess_2',
        diskGb: 1,
        env: {},
        onStartCmd: null,
        sshPublicKey: keys.publicKey,
      });
      const { ssh } = (await inside.getInstance(instanceId))!;
      expect((await exec(ssh!.port, keys.privateKey, 'cat /proc/self/uid_map; ls /')).out).toMatch(
        /^\s*0\s+0\s+4294967295\nbin\n/,
      );
    } finally {
      await inside.close();
      await rm(closed, { recursive: true, force: true });
    }
    expect(await provider.notices()).toEqual([]);
  });

  it('keeps the volume written inside the container when destroyed with preserveStorage', async () => {
    const keys = generateEd25519KeyPair();
    const { instanceId } = await provider.createInstance({
      providerOfferId: 'local-cpu',
      image: 'local',
      label: 'cp:dep_test:sess_3',
      diskGb: 1,
      env: {},
      onStartCmd: null,
      sshPublicKey: keys.publicKey,
    });
    const { ssh } = (await provider.getInstance(instanceId))!;
    expect(
      (await exec(ssh!.port, keys.privateKey, 'echo kept > /workspace/result.txt; echo scratch > /tmp/x')).code,
    ).toBe(0);
    await provider.destroyInstance(instanceId, { preserveStorage: true });
    expect(await readFile(join(root, 'preserved', instanceId, 'result.txt'), 'utf8')).toBe('kept\n');
    expect(existsSync(join(root, instanceId))).toBe(false);
  });
});
