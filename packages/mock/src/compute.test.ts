/** The mock serves the compute area as the reference server does: the peer registry, its rules and the jobs registry. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, unwrap } from '@computeplane/sdk';
import { deleteComputePeer, getJob, listComputePeers, registerComputePeer } from '@computeplane/sdk/compute';
import { errorBody } from './typed-overrides.js';
import { useMockComputeplane } from './use-mock-computeplane.js';

describe('compute on the mock', () => {
  const cp = useMockComputeplane({ beforeAll, afterEach, afterAll });

  it('registers (upsert by endpoint, capabilities kept), lists and deletes peers', async () => {
    const body = { grpc_peer: 'http://10.0.0.7:9090', capabilities: { gpu: 'A10' }, probe: false };
    const peer = await unwrap(registerComputePeer(cp.client, { body }));
    const again = await unwrap(registerComputePeer(cp.client, { body: { grpc_peer: '10.0.0.7:9090', probe: false } }));
    expect(again).toMatchObject({ id: peer.id, capabilities: { gpu: 'A10' } });
    expect((await unwrap(listComputePeers(cp.client))).peers.map((p) => p.id)).toEqual([peer.id]);
    await unwrap(deleteComputePeer(cp.client, { params: { path: { id: peer.id } } }));
    const { error } = await getJob(cp.client, { params: { path: { id: 'wjob_missing' } } });
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('takes typed overrides, e.g. a job that failed at a stage', async () => {
    cp.server.use(
      cp.http.compute.get('/v1/train/jobs/{id}', ({ response }) => response(404).json(errorBody('NOT_FOUND', 'gone'))),
    );
    expect((await getJob(cp.client, { params: { path: { id: 'wjob_any' } } })).error?.message).toMatch(/gone/);
  });
});
