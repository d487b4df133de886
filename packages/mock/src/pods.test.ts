/**
 * The mock serves the pods area as the reference server does: labs and their settings in its in-memory
 * database, and offers from the machine's own provider only (no cloud is configured), so a GPU type no
 * offer has is refused as it would be by a server without RunPod.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, ConflictError, unwrap } from '@computeplane/sdk';
import { createLab, createPod, getLabCosts, listLabs, updateLabSettings } from '@computeplane/sdk/pods';
import { useMockComputeplane } from './use-mock-computeplane.js';

describe('pods on the mock', () => {
  const { client } = useMockComputeplane({ beforeAll, afterEach, afterAll });

  it('creates a lab, changes its settings, reports its month, and refuses what it cannot rent', async () => {
    const lab = (await unwrap(createLab(client, { body: { name: 'Dark Energy', slug: 'dark-energy' } }))).data;
    const again = await createLab(client, { body: { name: 'Dark Energy', slug: 'dark-energy' } });
    expect(again.error).toBeInstanceOf(ConflictError);
    expect((await unwrap(listLabs(client))).data.map((l) => l.id)).toEqual([lab.id]);
    const settings = await unwrap(
      updateLabSettings(client, { params: { path: { slug: 'dark-energy' } }, body: { monthlyBudget: 100 } }),
    );
    expect(settings.data).toMatchObject({ monthlyBudget: 100, idleStopMinutes: 360 });
    const costs = (await unwrap(getLabCosts(client, { params: { path: { slug: 'dark-energy' } } }))).data;
    expect(costs).toMatchObject({ activePods: 0, budget: { spent: 0, remaining: 100, overBudget: false } });
    const { error } = await createPod(client, { body: { labId: lab.id, gpuType: 'H200' } });
    expect(error).toBeInstanceOf(ApiError);
    expect({ status: (error as ApiError).status, code: (error as ApiError).code }).toEqual({
      status: 503,
      code: 'PROVIDER_UNAVAILABLE',
    });
  });
});
