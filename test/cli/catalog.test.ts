/**
 * `computeplane templates list|get`, `offers get|templates` and `health [--detailed]|ready` as real processes
 * against a real server with the local provider (its built-in templates and machine offer) and Vast.ai served
 * by its fake (its offers and templates).
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import { listOffers } from '@computeplane/sdk/offers';
import { createLocalProvider } from '../../packages/server/src/providers/local/local-provider.js';
import { createFakeVastAi } from '../fakes/vastai-api.js';
import { vastAiProviderOver } from '../fakes/providers-over-fakes.js';
import { cliSuite, conformJson, expectApiError, expectUsageError } from './harness.js';

interface TemplateJson {
  hash_id: string;
  name: string;
  provider: string;
  image: string;
  tag: string | null;
}
interface CompatibleJson {
  offer_id: string;
  compatible_templates: { hash_id: string; name: string }[];
  count: number;
}

const OLLAMA = 'a8a44c7363cbca20056020397e3bf072';
const VLLM = 'c3e1f0a9b2d44e7f8a6b5c4d3e2f1a0b';
const PYTORCH = '5b9d2c7e8f1a4b3c9d0e6f7a8b9c0d1e';

describe('computeplane templates, offers get|templates and health', () => {
  const vast = createFakeVastAi();
  const local = createLocalProvider({
    root: join(tmpdir(), `cp-cli-catalog-${randomBytes(3).toString('hex')}`),
    pricePerHour: 3.6,
  });
  const suite = cliSuite({
    providers: [local, vastAiProviderOver(vast)],
  });
  afterAll(() => local.close());

  it('lists templates as a table and as the API answers, filtered by name; gets one', async () => {
    const [all, allJson, ollama, none, one, oneJson, missing, badHash, extra] = await Promise.all([
      suite.cli(['templates', 'list']),
      suite.cli(['templates', 'list', '--json']),
      suite.cli(['templates', 'list', '--name', 'OLLAMA', '--json']),
      suite.cli(['templates', 'list', '--name', 'no-such-template']),
      suite.cli(['templates', 'get', VLLM]),
      suite.cli(['templates', 'get', OLLAMA, '--json']),
      suite.cli(['templates', 'get', 'ffffffffffffffffffffffffffffffff']),
      suite.cli(['templates', 'get', 'not/a/hash']),
      suite.cli(['templates', 'list', '--nme', 'x']),
    ]);

    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.split('\n')[0]).toMatch(/^HASH ID\s+NAME\s+PROVIDER\s+IMAGE\s+DISK\s+RECOMMENDED$/);
    expect(all.stdout).toMatch(
      new RegExp(`^${OLLAMA}\\s+Ollama\\s+vastai\\s+vastai/ollama:0\\.15\\.4\\s+32 GB\\s+yes$`, 'm'),
    );
    expect(all.stdout).toMatch(
      new RegExp(`^${PYTORCH}\\s+PyTorch \\(CUDA 12\\.4\\)\\s+vastai\\s+\\S+\\s+-\\s+yes$`, 'm'),
    );
    expect(all.stdout).toMatch(/^[0-9a-f]{32}\s+Shell\s+local\s+computeplane\/local-shell\s/m);

    const list = await conformJson<{ templates: TemplateJson[]; count: number }>('listTemplates', allJson);
    expect(list.count).toBe(list.templates.length);
    expect(list.templates.map((t) => t.hash_id)).toEqual(expect.arrayContaining([OLLAMA, VLLM, PYTORCH]));
    expect(list.templates.map((t) => t.provider)).toContain('local');
    // The human table shows every template the API listed, one row each.
    expect(all.stdout.trim().split('\n')).toHaveLength(list.count + 1);

    const filtered = await conformJson<{ templates: TemplateJson[]; count: number }>('listTemplates', ollama);
    expect(filtered.templates.length).toBeGreaterThan(0);
    expect(filtered.templates.every((t) => /ollama/i.test(t.name))).toBe(true);
    expect(filtered.templates.map((t) => t.hash_id)).toContain(OLLAMA);

    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toMatch(/No template's name contains "no-such-template"/);

    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(new RegExp(`^hash_id\\s+${VLLM}$`, 'm'));
    expect(one.stdout).toMatch(/^name\s+vLLM$/m);
    expect(one.stdout).toMatch(/^image\s+vllm\/vllm-openai:v0\.11\.0$/m);
    expect(one.stdout).toMatch(/^onstart\s+-$/m);
    expect(one.stdout).toMatch(/^ssh\s+yes$/m);
    expect(one.stdout).toMatch(/^disk\s+64 GB$/m);
    expect(one.stdout).toMatch(/^requirements\s+.*cuda_max_good/m);
    expect(one.stderr).toContain(`--template ${VLLM}`);

    const template = await conformJson<TemplateJson>('getTemplate', oneJson);
    expect(template).toMatchObject({ hash_id: OLLAMA, name: 'Ollama', provider: 'vastai', tag: '0.15.4' });

    expectApiError(missing, 'NOT_FOUND');
    expect(missing.stdout).toBe('');
    expect(badHash.code).toBe(1);
    expect(badHash.stderr.trim().split('\n')).toHaveLength(1);
    expect(badHash.stderr).toMatch(/^computeplane: \S+: .*hash_id/);
    expectUsageError(extra, /unknown option '--nme'/);
  });

  it('gets an offer and the templates that run on it, a Vast.ai one and the local one', async () => {
    const localOffers = (await unwrap(listOffers(suite.server.clientA, { params: { query: { provider: 'local' } } })))
      .offers;
    expect(localOffers.length).toBeGreaterThan(0);
    const localId = localOffers[0]!.id;
    const [vastHuman, vastJson, localJson, vastTemplates, bigTemplates, localTemplates, localTemplatesHuman] =
      await Promise.all([
        suite.cli(['offers', 'get', 'vastai-1001']),
        suite.cli(['offers', 'get', 'vastai-1001', '--json']),
        suite.cli(['offers', 'get', localId, '--json']),
        suite.cli(['offers', 'templates', 'vastai-1001']),
        suite.cli(['offers', 'templates', 'vastai-1002', '--json']),
        suite.cli(['offers', 'templates', localId, '--json']),
        suite.cli(['offers', 'templates', localId]),
      ]);

    expect(vastHuman.code, vastHuman.stderr).toBe(0);
    expect(vastHuman.stdout).toMatch(/^id\s+vastai-1001$/m);
    expect(vastHuman.stdout).toMatch(/^gpu\s+1x RTX 4090$/m);
    expect(vastHuman.stdout).toMatch(/^vram\s+24 GB$/m);
    expect(vastHuman.stdout).toMatch(/^price\s+0\.450 USD\/h$/m);
    expect(vastHuman.stdout).toMatch(/^location\s+US-West$/m);
    expect(vastHuman.stdout).toMatch(/^cuda\s+12\.8$/m);
    const vastOffer = await conformJson<{ id: string; provider: string; price_per_hour: number }>('getOffer', vastJson);
    expect(vastOffer).toMatchObject({ id: 'vastai-1001', provider: 'vastai', price_per_hour: 0.45 });
    const localOffer = await conformJson<{ id: string; provider: string }>('getOffer', localJson);
    expect(localOffer).toMatchObject({ id: localId, provider: 'local' });

    // vLLM wants CUDA >= 12.9 and 40 GB of VRAM: the A100 pair (vastai-1002) has them, the RTX 4090 does not;
    // the PyTorch template wants one GPU at most: the other way round.
    expect(vastTemplates.code, vastTemplates.stderr).toBe(0);
    expect(vastTemplates.stdout.split('\n')[0]).toMatch(/^HASH ID\s+NAME\s+IMAGE\s+DISK$/);
    expect(vastTemplates.stdout).toMatch(
      new RegExp(`^${PYTORCH}\\s+PyTorch \\(CUDA 12\\.4\\)\\s+vastai/pytorch\\s+-$`, 'm'),
    );
    expect(vastTemplates.stdout).not.toContain(VLLM);
    expect(vastTemplates.stderr).toContain('sessions create --offer vastai-1001 --template');
    const big = await conformJson<CompatibleJson>('listCompatibleTemplates', bigTemplates);
    expect(big.offer_id).toBe('vastai-1002');
    expect(big.count).toBe(big.compatible_templates.length);
    expect(big.compatible_templates.map((t) => t.hash_id)).toContain(VLLM);
    expect(big.compatible_templates.map((t) => t.hash_id)).not.toContain(PYTORCH);

    // The local offer runs only local templates: the shell one, whatever the machine's GPUs.
    const onLocal = await conformJson<CompatibleJson>('listCompatibleTemplates', localTemplates);
    expect(onLocal.offer_id).toBe(localId);
    expect(onLocal.compatible_templates.map((t) => t.name)).toContain('Shell');
    expect(onLocal.compatible_templates.map((t) => t.hash_id)).not.toContain(OLLAMA);
    expect(localTemplatesHuman.stdout).toMatch(/^[0-9a-f]{32}\s+Shell\s+computeplane\/local-shell\s/m);
  });

  it('answers an unknown offer with NOT_FOUND and a malformed id or missing argument as errors', async () => {
    const [missing, missingTemplates, missingJson, malformed, noArg] = await Promise.all([
      suite.cli(['offers', 'get', 'vastai-999999']),
      suite.cli(['offers', 'templates', 'vastai-999999']),
      suite.cli(['offers', 'get', 'vastai-999999', '--json']),
      suite.cli(['offers', 'get', 'NOT AN ID']),
      suite.cli(['offers', 'templates']),
    ]);
    expectApiError(missing, 'NOT_FOUND');
    expectApiError(missingTemplates, 'NOT_FOUND');
    expect(missingJson.code).toBe(1);
    expect(JSON.parse(missingJson.stdout)).toMatchObject({ error_type: expect.any(String) });
    expect(malformed.code).toBe(1);
    expect(malformed.stderr.trim().split('\n')).toHaveLength(1);
    expectUsageError(noArg, /missing required argument 'id'/);
  });

  it('reports health, each service with --detailed, and readiness (exit 1 with the reason when not ready)', async () => {
    const [basic, basicJson, detailed, detailedJson, ready, readyJson, noKey, badFlag] = await Promise.all([
      suite.cli(['health']),
      suite.cli(['health', '--json']),
      suite.cli(['health', '--detailed']),
      suite.cli(['health', '--detailed', '--json']),
      suite.cli(['health', 'ready']),
      suite.cli(['health', 'ready', '--json']),
      suite.cli(['health'], { env: { COMPUTEPLANE_API_KEY: '' } }),
      suite.cli(['health', '--verbose']),
    ]);
    expect(basic.code, basic.stderr).toBe(0);
    expect(basic.stdout).toMatch(new RegExp(`^healthy \\(version \\S+, ${suite.server.baseUrl}, \\d{4}-`));
    const health = await conformJson<{ status: string }>('getHealth', basicJson);
    expect(health.status).toBe('healthy');
    expect(noKey.code, noKey.stderr).toBe(0);

    expect(detailed.code, detailed.stderr).toBe(0);
    expect(detailed.stdout).toMatch(/^status\s+(healthy|degraded)$/m);
    expect(detailed.stdout).toMatch(/^SERVICE\s+STATUS\s+DETAIL$/m);
    expect(detailed.stdout).toMatch(/^database\s+healthy\s+postgres, [\d.]+ ms$/m);
    expect(detailed.stdout).toMatch(/^model_store\s+healthy\s+\d+ models$/m);
    expect(detailed.stdout).toMatch(/^storage\s+healthy\s+\d+ files, /m);
    const full = await conformJson<{ services: Record<string, { status: string }> }>('getDetailedHealth', detailedJson);
    for (const name of Object.keys(full.services)) expect(detailed.stdout).toMatch(new RegExp(`^${name}\\s`, 'm'));

    expect(ready.code, ready.stderr).toBe(0);
    expect(ready.stdout.trim()).toBe('ready (database ok)');
    expect(await conformJson('getReadiness', readyJson)).toEqual({ status: 'ready', checks: { database: 'ok' } });
    expectUsageError(badFlag, /unknown option '--verbose'/);

    suite.server.app.lifecycle.draining = true;
    try {
      const started = Date.now();
      const [draining, drainingJson] = await Promise.all([
        suite.cli(['health', 'ready']),
        suite.cli(['health', 'ready', '--json']),
      ]);
      // Answered at once: the 503's Retry-After (5 s) is not waited out.
      expect(Date.now() - started).toBeLessThan(4_500);
      expectApiError(draining, 'NOT_READY');
      expect(draining.stderr).toContain('Server is shutting down');
      expect(draining.stdout).toBe('');
      expect(drainingJson.code).toBe(1);
      expect(JSON.parse(drainingJson.stdout)).toMatchObject({ error: { code: 'NOT_READY' } });
    } finally {
      suite.server.app.lifecycle.draining = false;
    }
  });
});
