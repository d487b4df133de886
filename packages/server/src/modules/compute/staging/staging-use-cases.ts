/**
 * `POST /v1/models/stage`: resolves what to stage before answering (a Hub repo's files filtered by
 * `name_filters` globs, with picomatch; or one of the tenant's models), picks the peer (the one named, or
 * the tenant's first healthy peer with a realtime endpoint), stores the job and runs it in the background
 * (run-staging.ts). Unknown repos, models and peers, filters that match nothing and unusable peers are 4xx.
 */
import type { StageFile } from '@computeplane/device-protocol';
import picomatch from 'picomatch';
import type { Logger } from 'pino';
import { randomId } from '../../../platform/http/ids.js';
import { ApiProblem } from '../../../platform/http/problem.js';
import type { ComputeJobRepository } from '../jobs/job-repository.js';
import type { PeerRepository, PeerRow } from '../peer-repository.js';
import { isHealthy } from '../peer-view.js';
import type { HubClient } from './hub-client.js';
import { runStaging } from './run-staging.js';

export interface StageRequest {
  repo_id: string;
  revision?: string;
  dest_dir?: string;
  name_filters?: string[];
  peer_id?: string;
}

const MODEL_ID = /^model_[a-z0-9]{4,32}$/;

export function stagingUseCases(deps: {
  jobs: ComputeJobRepository;
  peers: PeerRepository;
  hub: HubClient;
  /** The tenant's model (404 when it has none of that id). */
  model: (tenantId: string, id: string) => Promise<{ name: string; checksum: string; sizeBytes: number }>;
  graceMs: number;
  timeoutMs: number;
  clock: () => Date;
  logger: Logger;
}) {
  const running = new Set<Promise<void>>();

  async function pickPeer(
    tenantId: string,
    peerId: string | undefined,
  ): Promise<PeerRow & { realtimePeerUrl: string }> {
    const usable = (row: PeerRow): row is PeerRow & { realtimePeerUrl: string } =>
      row.realtimePeerUrl !== null && isHealthy(row, deps.clock(), deps.graceMs);
    if (peerId !== undefined) {
      const row = await deps.peers.get(tenantId, peerId);
      if (!row) throw new ApiProblem(404, 'NOT_FOUND', `Compute peer '${peerId}' not found (peer_id)`);
      if (!usable(row))
        throw new ApiProblem(
          409,
          'CONFLICT',
          `peer_id: peer '${peerId}' ${row.realtimePeerUrl === null ? 'has no realtime endpoint to stage through' : 'is unhealthy (not seen within the grace period)'}`,
        );
      return row;
    }
    const first = (await deps.peers.healthy(tenantId, new Date(deps.clock().getTime() - deps.graceMs))).find(usable);
    if (!first)
      throw new ApiProblem(
        503,
        'NO_DEVICES',
        'no healthy compute peer with a realtime endpoint to stage onto; start one (computeplane-worker --listen) or name peer_id',
      );
    return first;
  }

  async function filesOf(tenantId: string, body: StageRequest, revision: string): Promise<StageFile[]> {
    if (MODEL_ID.test(body.repo_id)) {
      const model = await deps.model(tenantId, body.repo_id);
      return [{ path: `${body.repo_id}.onnx`, model_checksum: model.checksum, size: model.sizeBytes }];
    }
    const listed = await deps.hub.listFiles(body.repo_id, revision);
    const filters = body.name_filters ?? [];
    const matches = filters.length > 0 ? picomatch(filters, { dot: true }) : () => true;
    const chosen = listed.filter((file) => matches(file.path));
    if (chosen.length === 0)
      throw new ApiProblem(
        400,
        'VALIDATION_ERROR',
        filters.length > 0
          ? `name_filters matched none of the ${listed.length} files of ${body.repo_id}: ${listed
              .slice(0, 10)
              .map((f) => f.path)
              .join(', ')}`
          : `${body.repo_id} has no files at revision ${revision}`,
      );
    return chosen.map((file) => ({
      path: file.path,
      url: deps.hub.fileUrl(body.repo_id, revision, file.path),
      headers: deps.hub.headers(),
      ...(file.size !== null ? { size: file.size } : {}),
      ...(file.sha256 !== null ? { sha256: file.sha256 } : {}),
    }));
  }

  return {
    async start(tenantId: string, body: StageRequest) {
      const revision = body.revision ?? 'main';
      const peer = await pickPeer(tenantId, body.peer_id);
      const files = await filesOf(tenantId, body, revision);
      const destDir = body.dest_dir ?? body.repo_id.replace(/\//g, '--');
      const id = randomId('sjob');
      const now = deps.clock();
      const hubRepo = !MODEL_ID.test(body.repo_id);
      await deps.jobs.insert({
        id,
        tenantId,
        kind: 'stage',
        status: 'running',
        stage: 'staging',
        request: { repo_id: body.repo_id, revision: hubRepo ? revision : null, dest_dir: destDir, peer_id: peer.id },
        report: {
          repo_id: body.repo_id,
          revision: hubRepo ? revision : null,
          peer_id: peer.id,
          dest_dir: destDir,
          bytes_done: 0,
          bytes_total: files.every((file) => file.size !== undefined)
            ? files.reduce((sum, f) => sum + (f.size ?? 0), 0)
            : null,
          files: files.map((file) => ({ path: file.path, size: file.size ?? null, sha256: file.sha256 ?? null })),
        },
        createdAt: now,
        updatedAt: now,
      });
      const work = runStaging(
        { jobs: deps.jobs, peers: deps.peers, clock: deps.clock, logger: deps.logger },
        {
          jobId: id,
          tenantId,
          peerId: peer.id,
          realtimeUrl: peer.realtimePeerUrl,
          token: peer.authToken,
          repoId: body.repo_id,
          revision: hubRepo ? revision : null,
          destDir,
          files,
          timeoutMs: deps.timeoutMs,
        },
      ).catch((error: unknown) => deps.logger.error({ err: error, job_id: id }, 'staging job crashed'));
      running.add(work);
      void work.finally(() => running.delete(work));
      return { job_id: id, dest_dir: destDir };
    },
    async settle() {
      await Promise.all([...running]);
    },
  };
}

export type StagingUseCases = ReturnType<typeof stagingUseCases>;
