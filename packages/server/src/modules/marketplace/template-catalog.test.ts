/**
 * The template catalog over real adapters (Vast.ai against its fake, this machine's built-in catalog,
 * Lambda without templates): merging, the name filter, compatibility with offers, caching and refresh,
 * failing providers, and launch specs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeLambda } from '../../../../../test/fakes/lambda-api.js';
import { createFakeVastAi, type FakeVastAi } from '../../../../../test/fakes/vastai-api.js';
import { fakeProviderHttp } from '../../../../../test/fakes/fake-provider-http.js';
import { createLambdaProvider } from '../../providers/lambda/lambda-provider.js';
import { createLocalProvider } from '../../providers/local/local-provider.js';
import { offersFor } from '../../providers/local/machine-offers.js';
import { createVastAiProvider, toOffer } from '../../providers/vastai/vastai-provider.js';
import { createTemplateCatalog, type TemplateCatalog } from './template-catalog.js';

const OLLAMA = 'a8a44c7363cbca20056020397e3bf072';
let vast: FakeVastAi;
let now: Date;
let root: string;
let local: ReturnType<typeof createLocalProvider>;
let catalog: TemplateCatalog;

const http = (provider: string, baseUrl: string, apiKey: string, fake: { fetch: typeof fetch }) =>
  fakeProviderHttp(provider, fake, { baseUrl, apiKey, retries: 0, threshold: 100 }).http;
const names = (templates: { name: string }[]) => templates.map((t) => t.name);
const vastOffer = (id: number) => toOffer(vast.offers.find((offer) => offer.id === id)!);
const later = (ms: number) => (now = new Date(now.getTime() + ms));
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

beforeEach(async () => {
  vast = createFakeVastAi();
  now = new Date('2026-11-23T00:00:00Z');
  root = await mkdtemp(join(tmpdir(), 'cp-catalog-'));
  local = createLocalProvider({ root });
  catalog = createTemplateCatalog({
    providers: [
      local,
      createVastAiProvider(http('vastai', 'https://console.vast.ai', 'vast-test-key', vast)),
      createLambdaProvider(
        http('lambda', 'https://cloud.lambdalabs.com/api/v1', 'lambda-test-key', createFakeLambda()),
      ),
    ],
    clock: () => now,
    maxAgeMs: 600_000,
    retryMs: 60_000,
  });
});
afterEach(async () => {
  await local.close();
  await rm(root, { recursive: true, force: true });
});

describe('template catalog', () => {
  it('merges every provider’s templates by name and filters by part of the name, ignoring case', async () => {
    const all = await catalog.list();
    expect(names(all)).toEqual([
      'NVIDIA GPU check',
      'Ollama',
      'Python HTTP server',
      'PyTorch (CUDA 12.4)',
      'Shell',
      'vLLM',
    ]);
    expect(all.filter((t) => t.provider === 'vastai')).toHaveLength(3);
    expect(names(await catalog.list({ name: 'PY' }))).toEqual(['Python HTTP server', 'PyTorch (CUDA 12.4)']);
    expect(names(await catalog.list({ name: 'llm' }))).toEqual(['vLLM']);
    expect(await catalog.list({ name: 'nothing like it' })).toEqual([]);
    expect(
      catalog.status().map((s) => s.provider),
      'lambda publishes no templates',
    ).toEqual(['local', 'vastai']);
  });

  it('finds a template by hash id, and nothing for an unknown one', async () => {
    expect(await catalog.get(OLLAMA)).toMatchObject({ name: 'Ollama', provider: 'vastai', recommendedDiskSpace: 32 });
    expect(await catalog.get('0'.repeat(32))).toBeUndefined();
  });

  it('matches templates to offers of their own provider whose fields satisfy the extra_filters', async () => {
    // 1001: RTX 4090, 1 GPU, 24 GB, CUDA 12.8. 1002: 2x A100, 80 GB, CUDA 13.
    expect(names(await catalog.compatibleWith(vastOffer(1001)))).toEqual(['Ollama', 'PyTorch (CUDA 12.4)']);
    expect(names(await catalog.compatibleWith(vastOffer(1002)))).toEqual(['Ollama', 'vLLM']);
    expect(names(await catalog.compatibleWith(offersFor([], 0)[0]!))).toEqual(['Python HTTP server', 'Shell']);
    expect(
      names(
        await catalog.compatibleWith(offersFor([{ name: 'NVIDIA A10', memoryMiB: 23028, cudaVersion: 12.2 }], 0)[0]!),
      ),
    ).toEqual(['NVIDIA GPU check', 'Python HTTP server', 'Shell']);
    const vllm = (await catalog.list({ name: 'vllm' }))[0]!;
    expect(catalog.isCompatible(vllm, vastOffer(1002))).toBe(true);
    expect(catalog.isCompatible(vllm, { ...vastOffer(1002), provider: 'tensordock' }), 'another provider’s offer').toBe(
      false,
    );
  });

  it('answers from the cache, refreshes in the background once too old, and keeps a failing provider’s last templates', async () => {
    await catalog.list();
    const calls = () => vast.requests.filter((r) => r.path === '/api/v0/template/').length;
    expect(calls()).toBe(1);
    vast.templates[0]!.name = 'Ollama (renamed)';
    later(60_000);
    expect(names(await catalog.list({ name: 'ollama' }))).toEqual(['Ollama']);
    expect(calls()).toBe(1);

    later(600_000);
    vast.failNext(1, 500, { match: '/template/' });
    expect(names(await catalog.list({ name: 'ollama' })), 'served from the cache while refreshing').toEqual(['Ollama']);
    await settle();
    expect(catalog.status().find((s) => s.provider === 'vastai')).toMatchObject({
      templates: 3,
      error: expect.stringMatching(/500/),
      refreshedAt: new Date('2026-11-23T00:00:00Z'),
    });
    expect(names(await catalog.list({ name: 'ollama' })), 'last templates kept').toEqual(['Ollama']);

    later(60_000);
    await catalog.list();
    await settle();
    expect(names(await catalog.list({ name: 'ollama' })), 'retried after retryMs').toEqual(['Ollama (renamed)']);
    expect(catalog.status().find((s) => s.provider === 'vastai')).toMatchObject({ error: null, refreshedAt: now });
  });

  it('still lists the other providers when one fails at the first load', async () => {
    vast.failNext(1, 503, { match: '/template/' });
    const all = await catalog.list();
    expect(all.every((t) => t.provider === 'local')).toBe(true);
    expect(all).toHaveLength(3);
    expect(catalog.status().find((s) => s.provider === 'vastai')).toMatchObject({
      templates: 0,
      refreshedAt: null,
      error: expect.any(String),
    });
  });

  it('gives the image with its tag, the -e variables and the start command to launch with', async () => {
    expect(await catalog.launchSpec(OLLAMA)).toEqual({
      provider: 'vastai',
      image: 'vastai/ollama:0.15.4',
      env: { OLLAMA_MODEL: 'qwen3:14b', OPEN_BUTTON_PORT: '1111' },
      onStart: 'entrypoint.sh',
    });
    const vllm = (await catalog.list({ name: 'vllm' }))[0]!;
    expect(await catalog.launchSpec(vllm.hashId)).toMatchObject({
      image: 'vllm/vllm-openai:v0.11.0',
      env: { VLLM_ARGS: '--max-model-len 8192' },
      onStart: null,
    });
    expect(await catalog.launchSpec('0'.repeat(32))).toBeUndefined();
  });
});
