/**
 * Runs one staging job against its peer: opens the peer's realtime endpoint, sends the `stage_model` frame,
 * records `stage_progress` on the job (at most once a second) and completes or fails the job on the
 * `stage_result`. A socket that closes first, or no result within the time allowed, fails the job.
 */
import {
  PROTOCOL_VERSION,
  encodeServerMessage,
  parseDeviceMessage,
  type StageFile,
} from '@computeplane/device-protocol';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import type { ComputeJobRepository } from '../jobs/job-repository.js';
import type { PeerRepository } from '../peer-repository.js';

export interface StagingPlan {
  jobId: string;
  tenantId: string;
  peerId: string;
  realtimeUrl: string;
  /** The peer's bearer token, if it gave one. */
  token: string | null;
  repoId: string;
  revision: string | null;
  destDir: string;
  files: StageFile[];
  timeoutMs: number;
}

export async function runStaging(
  deps: { jobs: ComputeJobRepository; peers: PeerRepository; clock: () => Date; logger: Logger },
  plan: StagingPlan,
): Promise<void> {
  const total = plan.files.every((file) => file.size !== undefined)
    ? plan.files.reduce((sum, file) => sum + (file.size ?? 0), 0)
    : null;
  const report = (bytesDone: number, files: { path: string; size: number | null; sha256: string | null }[]) => ({
    repo_id: plan.repoId,
    revision: plan.revision,
    peer_id: plan.peerId,
    dest_dir: plan.destDir,
    bytes_done: bytesDone,
    bytes_total: total,
    files,
  });
  const listed = plan.files.map((file) => ({ path: file.path, size: file.size ?? null, sha256: file.sha256 ?? null }));
  const fail = (error: string) =>
    deps.jobs.progress(plan.jobId, { status: 'failed', error: `staging: ${error}`, updatedAt: deps.clock() });

  const outcome = await new Promise<
    { ok: true; files: { path: string; size: number; sha256: string }[] } | { ok: false; error: string }
  >((resolve) => {
    const socket = new WebSocket(plan.realtimeUrl, {
      maxPayload: 64 * 1024 * 1024,
      ...(plan.token ? { headers: { authorization: `Bearer ${plan.token}` } } : {}),
    });
    const perFile = new Map<string, number>();
    let lastWrite = 0;
    const timer = setTimeout(() => {
      resolve({ ok: false, error: `not finished within ${plan.timeoutMs} ms` });
      socket.terminate();
    }, plan.timeoutMs);
    socket.on('open', () =>
      socket.send(
        encodeServerMessage({
          v: PROTOCOL_VERSION,
          type: 'stage_model',
          request_id: plan.jobId,
          repo_id: plan.repoId,
          dest_dir: plan.destDir,
          files: plan.files,
        }),
      ),
    );
    socket.on('message', (data) => {
      const parsed = parseDeviceMessage(data.toString());
      if (!parsed.ok) return;
      const message = parsed.message;
      if (message.type === 'stage_progress' && message.request_id === plan.jobId) {
        perFile.set(message.path, message.bytes);
        if (Date.now() - lastWrite < 1000) return;
        lastWrite = Date.now();
        const done = [...perFile.values()].reduce((sum, bytes) => sum + bytes, 0);
        void deps.jobs.progress(plan.jobId, { report: report(done, listed), updatedAt: deps.clock() });
      } else if (message.type === 'stage_result' && message.request_id === plan.jobId) {
        clearTimeout(timer);
        resolve(
          message.ok ? { ok: true, files: message.files } : { ok: false, error: message.error ?? 'the peer failed' },
        );
        socket.close();
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, error: `the peer's realtime endpoint: ${error.message}` });
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ ok: false, error: 'the peer closed the connection before the files were staged' });
    });
  });
  if (!outcome.ok) {
    deps.logger.warn({ job_id: plan.jobId, error: outcome.error }, 'staging failed');
    await fail(outcome.error);
    return;
  }
  const bytes = outcome.files.reduce((sum, file) => sum + file.size, 0);
  await deps.jobs.progress(plan.jobId, {
    status: 'completed',
    report: report(bytes, outcome.files),
    updatedAt: deps.clock(),
  });
  // The peer reports it with its next heartbeat too; routing can prefer it now.
  const peer = await deps.peers.get(plan.tenantId, plan.peerId);
  if (peer) {
    const staged = Array.isArray(peer.capabilities.staged) ? (peer.capabilities.staged as unknown[]) : [];
    const models = Array.isArray(peer.capabilities.models) ? (peer.capabilities.models as string[]) : [];
    const checksums = plan.files.flatMap((file) => (file.model_checksum ? [file.model_checksum] : []));
    await deps.peers.update(plan.tenantId, plan.peerId, {
      capabilities: {
        ...peer.capabilities,
        staged: [...staged, { repo_id: plan.repoId, dest_dir: plan.destDir, files: outcome.files.length }],
        models: [...new Set([...models, ...checksums])],
      },
    });
  }
}
