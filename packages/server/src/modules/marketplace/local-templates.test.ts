/**
 * The local provider's built-in templates, run for real: stable hash ids, and instances created from each
 * template's launch spec do what the template says (a shell over SSH, an HTTP server that ends with the
 * instance, a GPU check only where there is a GPU).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sshExec } from '@computeplane/test-support/ssh-exec';
import { matchesExtraFilters } from './extra-filters.js';
import { launchSpec } from './template-catalog.js';
import { createLocalProvider } from '../../providers/local/local-provider.js';
import { LOCAL_TEMPLATES, localTemplate } from '../../providers/local/local-templates.js';
import { offersFor } from '../../providers/local/machine-offers.js';
import { generateEd25519KeyPair } from '../../providers/ssh-key-pair.js';

const named = (name: string) => LOCAL_TEMPLATES.find((template) => template.name === name)!;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let root: string;
let provider: ReturnType<typeof createLocalProvider>;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'cp-local-templates-'));
  provider = createLocalProvider({ root });
});
afterEach(async () => {
  await provider.close();
  await rm(root, { recursive: true, force: true });
});

describe('local templates', () => {
  it('are listed by the provider with stable, content-derived hash ids', async () => {
    const listed = await provider.listTemplates!();
    expect(listed.map((t) => t.name)).toEqual(['Shell', 'Python HTTP server', 'NVIDIA GPU check']);
    expect(new Set(listed.map((t) => t.hashId)).size).toBe(3);
    for (const template of listed) {
      expect(template).toMatchObject({
        provider: 'local',
        runtype: 'ssh',
        useSsh: true,
        hashId: expect.stringMatching(/^[0-9a-f]{32}$/),
      });
      expect(template.id).toBe(Number.parseInt(template.hashId.slice(0, 8), 16));
      expect(localTemplate(template).hashId, 'same content, same hash').toBe(template.hashId);
    }
    expect(localTemplate({ ...named('Shell'), onstart: 'true' }).hashId, 'other content, other hash').not.toBe(
      named('Shell').hashId,
    );
  });

  it('Shell: an instance with a working SSH login and nothing started', async () => {
    const keys = generateEd25519KeyPair();
    const spec = launchSpec(named('Shell'));
    expect(spec).toEqual({ provider: 'local', image: 'computeplane/local-shell', env: {}, onStart: null });
    const { instanceId } = await provider.createInstance({
      providerOfferId: 'local-cpu',
      image: spec.image,
      label: 'cp-test-shell',
      diskGb: 1,
      env: spec.env,
      onStartCmd: spec.onStart,
      sshPublicKey: keys.publicKey,
    });
    const { ssh } = (await provider.getInstance(instanceId))!;
    expect(await sshExec(ssh!.host, ssh!.port, ssh!.user, keys.privateKey, 'echo hello; pwd')).toBe(
      `hello\n/workspace\n`,
    );
  });

  it('Python HTTP server: serves the instance directory on HTTP_PORT, lets a later command run, and stops with the instance', async () => {
    const keys = generateEd25519KeyPair();
    const spec = launchSpec(named('Python HTTP server'));
    expect(spec.env).toEqual({ HTTP_PORT: '8000' });
    const port = await freePort();
    const { instanceId } = await provider.createInstance({
      providerOfferId: 'local-cpu',
      image: spec.image,
      label: 'cp-test-http',
      diskGb: 1,
      // The instance's own network has only its loopback: a port is reachable from the host when exposed.
      env: { ...spec.env, HTTP_PORT: String(port), EXPOSED_PORTS: String(port) },
      // As a session joins its own start command after the template's.
      onStartCmd: `${spec.onStart} && echo after > after.txt`,
      sshPublicKey: keys.publicKey,
    });
    const listing = await until(async () => {
      const response = await fetch(`http://127.0.0.1:${port}/`);
      return response.ok ? response.text() : undefined;
    });
    expect(listing).toContain('http-server.log');
    expect(await readFile(join(root, instanceId, 'after.txt'), 'utf8')).toBe('after\n');
    await provider.destroyInstance(instanceId);
    await until(
      async () =>
        (await fetch(`http://127.0.0.1:${port}/`).then(
          () => false,
          () => true,
        )) || undefined,
    );
    expect(existsSync(join(root, instanceId))).toBe(false);
  });

  it('NVIDIA GPU check: compatible with GPU offers of this machine only, and writes nvidia-smi output', async () => {
    const template = named('NVIDIA GPU check');
    const [gpuOffer] = offersFor([{ name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, cudaVersion: 13 }], 0);
    const [cpuOffer] = offersFor([], 0);
    expect(matchesExtraFilters(template.extraFilters, gpuOffer!)).toBe(true);
    expect(matchesExtraFilters(template.extraFilters, cpuOffer!)).toBe(false);
    for (const other of [named('Shell'), named('Python HTTP server')])
      expect(matchesExtraFilters(other.extraFilters, cpuOffer!)).toBe(true);

    const keys = generateEd25519KeyPair();
    const spec = launchSpec(template);
    const { instanceId } = await provider.createInstance({
      providerOfferId: 'local-gpu',
      image: spec.image,
      label: 'cp-test-gpu',
      diskGb: 1,
      env: spec.env,
      onStartCmd: spec.onStart,
      sshPublicKey: keys.publicKey,
    });
    const output = await until(async () => {
      const text = await readFile(join(root, instanceId, 'nvidia-smi.txt'), 'utf8');
      return text.length > 0 ? text : undefined;
    });
    // What this machine really has: the driver banner where there is a GPU, the shell's complaint elsewhere.
    const gpus = (await provider.listOffers()).some((offer) => offer.gpuCount > 0);
    expect(output).toMatch(gpus ? /NVIDIA-SMI/ : /nvidia-smi: (not found|command not found)/);
  });
});
