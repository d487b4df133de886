/**
 * Contract: GPU templates through the SDK (list with the name filter, get, 404s), which templates run on
 * an offer (`listCompatibleTemplates`) and the `template_hash_id` filter of the inventory, with Vast.ai
 * and Lambda served by fakes of their documented APIs and this machine's built-in catalog. Every response
 * is checked against the specs; errors come in the seed's body.
 */
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '@computeplane/sdk';
import { listCompatibleTemplates, listOffers } from '@computeplane/sdk/offers';
import { getTemplate, listTemplates } from '@computeplane/sdk/templates';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalProvider } from '../../packages/server/src/providers/local/local-provider.js';
import { createFakeLambda } from '../fakes/lambda-api.js';
import { createFakeVastAi } from '../fakes/vastai-api.js';
import { lambdaProviderOver, vastAiProviderOver } from '../fakes/providers-over-fakes.js';
import { testDrivers } from '@computeplane/test-support/databases';
import { conform, conformError, serverFor } from './harness.js';

const OLLAMA = 'a8a44c7363cbca20056020397e3bf072';
const UNKNOWN = '0123456789abcdef0123456789abcdef';

const providers = () => [
  createLocalProvider({ root: join(tmpdir(), 'computeplane-contract-instances') }),
  vastAiProviderOver(createFakeVastAi()),
  lambdaProviderOver(createFakeLambda()),
];

describe.each(testDrivers)('templates contract on $name', (driver) => {
  const suite = serverFor(driver, { providers: providers() });
  const hashOf = async (name: string) => {
    const { data } = await conform(
      'listTemplates',
      listTemplates(suite.server.clientA, { params: { query: { name } } }),
    );
    return data!.templates.find((t) => t.name === name)!.hash_id;
  };

  it('lists every provider’s templates by name, with the seed’s fields and the name filter', async () => {
    const { data: all } = await conform('listTemplates', listTemplates(suite.server.clientA));
    expect(all!.templates.map((t) => `${t.provider}:${t.name}`)).toEqual([
      'local:NVIDIA GPU check',
      'vastai:Ollama',
      'local:Python HTTP server',
      'vastai:PyTorch (CUDA 12.4)',
      'local:Shell',
      'vastai:vLLM',
    ]);
    expect(all!.count).toBe(6);
    expect(all!.templates[1]).toEqual({
      id: 338630,
      hash_id: OLLAMA,
      name: 'Ollama',
      provider: 'vastai',
      image: 'vastai/ollama',
      tag: '0.15.4',
      env: '-p 1111:1111 -p 21434:21434 -e OLLAMA_MODEL=qwen3:14b -e OPEN_BUTTON_PORT=1111',
      onstart: 'entrypoint.sh',
      runtype: 'jupyter',
      use_ssh: true,
      ssh_direct: true,
      recommended: true,
      recommended_disk_space: 32,
      extra_filters: '{"cpu_arch": {"in": ["arm64", "amd64"]}}',
      creator_id: 62897,
      created_at: '2026-02-02T18:27:28.000Z',
      count_created: 302,
    });
    const { data: filtered } = await conform(
      'listTemplates',
      listTemplates(suite.server.clientA, { params: { query: { name: 'PY' } } }),
    );
    expect(filtered).toMatchObject({
      count: 2,
      templates: [
        { name: 'Python HTTP server', provider: 'local' },
        { name: 'PyTorch (CUDA 12.4)', provider: 'vastai' },
      ],
    });
    const { data: none } = await conform(
      'listTemplates',
      listTemplates(suite.server.clientA, { params: { query: { name: 'no such template' } } }),
    );
    expect(none).toEqual({ templates: [], count: 0 });
  });

  it('gets a template by hash id, and answers an unknown one with the seed’s 404', async () => {
    const { data: ollama } = await conform(
      'getTemplate',
      getTemplate(suite.server.clientA, { params: { path: { hash_id: OLLAMA } } }),
    );
    expect(ollama).toMatchObject({
      name: 'Ollama',
      image: 'vastai/ollama',
      tag: '0.15.4',
      runtype: 'jupyter',
      use_ssh: true,
      recommended: true,
      recommended_disk_space: 32,
    });
    const shellHash = await hashOf('Shell');
    const { data: shell } = await conform(
      'getTemplate',
      getTemplate(suite.server.clientA, { params: { path: { hash_id: shellHash } } }),
    );
    expect(shell).toMatchObject({
      provider: 'local',
      hash_id: shellHash,
      onstart: null,
      creator_id: null,
      created_at: null,
      count_created: null,
      extra_filters: null,
    });
    const missing = await conformError(
      'getTemplate',
      getTemplate(suite.server.clientA, { params: { path: { hash_id: UNKNOWN } } }),
      404,
      'NOT_FOUND',
    );
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.body).toMatchObject({
      error: `Template '${UNKNOWN}' not found`,
      error_type: 'not_found',
      retry_suggested: false,
    });
  });

  it('lists the templates that run on an offer: its provider’s, with extra_filters met', async () => {
    const { data: rtx } = await conform(
      'listCompatibleTemplates',
      listCompatibleTemplates(suite.server.clientA, { params: { path: { id: 'vastai-1001' } } }),
    );
    expect(rtx).toEqual({
      offer_id: 'vastai-1001',
      compatible_templates: [
        { hash_id: OLLAMA, name: 'Ollama', image: 'vastai/ollama', recommended_disk_space: 32 },
        {
          hash_id: '5b9d2c7e8f1a4b3c9d0e6f7a8b9c0d1e',
          name: 'PyTorch (CUDA 12.4)',
          image: 'vastai/pytorch',
          recommended_disk_space: null,
        },
      ],
      count: 2,
    });
    const { data: a100 } = await conform(
      'listCompatibleTemplates',
      listCompatibleTemplates(suite.server.clientA, { params: { path: { id: 'vastai-1002' } } }),
    );
    expect(a100!.compatible_templates.map((t) => t.name)).toEqual(['Ollama', 'vLLM']);
    const { data: lambda } = await conform(
      'listCompatibleTemplates',
      listCompatibleTemplates(suite.server.clientA, { params: { path: { id: 'lambda-gpu_1x_a10@us-east-1' } } }),
    );
    expect(lambda).toEqual({ offer_id: 'lambda-gpu_1x_a10@us-east-1', compatible_templates: [], count: 0 });
    const { data: localOffers } = await conform(
      'listOffers',
      listOffers(suite.server.clientA, { params: { query: { provider: 'local' } } }),
    );
    const localOffer = localOffers!.offers[0]!;
    const { data: local } = await conform(
      'listCompatibleTemplates',
      listCompatibleTemplates(suite.server.clientA, { params: { path: { id: localOffer.id } } }),
    );
    expect(local!.compatible_templates.map((t) => t.name)).toEqual([
      ...(localOffer.gpu_count > 0 ? ['NVIDIA GPU check'] : []),
      'Python HTTP server',
      'Shell',
    ]);
    const missing = await conformError(
      'listCompatibleTemplates',
      listCompatibleTemplates(suite.server.clientA, { params: { path: { id: 'vastai-424242' } } }),
      404,
      'NOT_FOUND',
    );
    expect(missing.body).toMatchObject({ error: "Offer 'vastai-424242' not found", error_type: 'not_found' });
  });

  it('filters the inventory to the offers a template runs on, with the other filters, and 404s an unknown template', async () => {
    const vllm = await hashOf('vLLM');
    const { data: forVllm } = await conform(
      'listOffers',
      listOffers(suite.server.clientA, { params: { query: { template_hash_id: vllm } } }),
    );
    expect(forVllm).toMatchObject({ count: 1, total: 1, offers: [{ id: 'vastai-1002' }] });
    const { data: forOllama } = await conform(
      'listOffers',
      listOffers(suite.server.clientA, { params: { query: { template_hash_id: OLLAMA } } }),
    );
    expect(forOllama!.offers.map((o) => o.id)).toEqual(['vastai-1001', 'vastai-1002']);
    const { data: cheap } = await conform(
      'listOffers',
      listOffers(suite.server.clientA, { params: { query: { template_hash_id: vllm, max_price: 1 } } }),
    );
    expect(cheap).toEqual({ offers: [], count: 0, total: 0 });
    const { data: forShell } = await conform(
      'listOffers',
      listOffers(suite.server.clientA, { params: { query: { template_hash_id: await hashOf('Shell') } } }),
    );
    expect(forShell!.total).toBeGreaterThan(0);
    expect(forShell!.offers.every((o) => o.provider === 'local')).toBe(true);
    const unknown = await conformError(
      'listOffers',
      listOffers(suite.server.clientA, { params: { query: { template_hash_id: UNKNOWN } } }),
      404,
      'NOT_FOUND',
    );
    expect(unknown.body).toMatchObject({
      error: expect.stringMatching(/^Template '0123456789abcdef0123456789abcdef' not found/),
      error_type: 'not_found',
      retry_suggested: false,
    });
  });

  it('answers auth and validation errors in the seed’s body', async () => {
    const anonymous = await conformError('listTemplates', listTemplates(suite.server.anonymous), 401, 'AUTH_REQUIRED');
    expect(anonymous.body).toMatchObject({ error_type: 'auth_required', retry_suggested: false });
    await conformError(
      'getTemplate',
      getTemplate(suite.server.anonymous, { params: { path: { hash_id: OLLAMA } } }),
      401,
      'AUTH_REQUIRED',
    );
    await conformError(
      'listCompatibleTemplates',
      listCompatibleTemplates(suite.server.anonymous, { params: { path: { id: 'vastai-1001' } } }),
      401,
      'AUTH_REQUIRED',
    );
    const longName = await conformError(
      'listTemplates',
      listTemplates(suite.server.clientA, { params: { query: { name: 'x'.repeat(201) } } }),
      400,
      'VALIDATION_ERROR',
    );
    expect(longName.body).toMatchObject({
      error_type: 'validation_error',
      details: [expect.objectContaining({ path: 'query.name' })],
    });
    const badHash = await conformError(
      'getTemplate',
      getTemplate(suite.server.clientA, { params: { path: { hash_id: 'not.a.hash' } } }),
      400,
      'VALIDATION_ERROR',
    );
    expect(badHash.body).toMatchObject({ details: [expect.objectContaining({ path: 'path.hash_id' })] });
    const badFilter = await conformError(
      'listOffers',
      listOffers(suite.server.clientA, { params: { query: { template_hash_id: 'not.a.hash' } } }),
      400,
      'VALIDATION_ERROR',
    );
    expect(badFilter.body).toMatchObject({ details: [expect.objectContaining({ path: 'query.template_hash_id' })] });
  });
});
