/**
 * The stages of a worker job after its instance was launched (docs/compute.md, "Workers"): booting (the
 * provider says running, with an SSH address), waiting for SSH (a login with the job's key runs `true`),
 * installing the runtime (the start script, then the runtime bundle streamed over SSH and unpacked),
 * starting it (env written to a 0600 file, the runtime started in peer mode in the background) and
 * registering (the runtime's own peer registration arrives, healthy). Any failure destroys the instance
 * (with retries) and fails the job naming the stage and the reason.
 */
import type { Logger } from 'pino';
import type { ComputeSettings, WorkerStage } from '../../../platform/settings.js';
import type { GpuProvider } from '../../../providers/provider.js';
import type { ComputeJobRepository } from '../jobs/job-repository.js';
import type { StageRecord } from '../jobs/job-view.js';
import type { PeerRepository } from '../peer-repository.js';
import { isHealthy } from '../peer-view.js';
import type { RuntimeBundle } from './runtime-bundle.js';
import { sshConnect, type SshConnection, type SshTarget } from './ssh-run.js';
import { JobCancelled, pause, runStage, StageFailed } from './stages.js';

export const RUNTIME_DIR = 'computeplane-runtime';
const WORKER_MAIN = 'node_modules/@computeplane/worker/dist/main.js';

export interface WorkerPlan {
  jobId: string;
  tenantId: string;
  instanceId: string;
  provider: GpuProvider;
  privateKey: string;
  startScript: string | null;
  /** The runtime's environment (secrets): written to the node only. */
  env: Record<string, string>;
  serverUrl: string;
  grpcPort: number;
  realtimePort: number;
  stages: StageRecord[];
}

export interface ProvisionDeps {
  jobs: ComputeJobRepository;
  peers: PeerRepository;
  bundle: RuntimeBundle;
  settings: ComputeSettings;
  clock: () => Date;
  logger: Logger;
}

/** `'value'` for sh, whatever the value holds. */
const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

async function must(
  connection: SshConnection,
  what: string,
  command: string,
  stdin?: Parameters<SshConnection['exec']>[1],
) {
  const { code, output } = await connection.exec(command, stdin);
  if (code !== 0) throw new Error(`${what} exited with ${code}${output ? `: ${output.slice(-500)}` : ''}`);
  return output;
}

/** Destroys the instance, retrying (1 s, 2 s, 4 s) a provider that fails; false when every try failed. */
export async function destroyWithRetries(provider: GpuProvider, instanceId: string, logger: Logger, tries = 4) {
  for (let attempt = 1; attempt <= tries; attempt++) {
    try {
      await provider.destroyInstance(instanceId);
      return true;
    } catch (error) {
      logger.warn({ instance_id: instanceId, attempt, err: error }, 'destroying a worker instance failed');
      if (attempt < tries) await new Promise((resolve) => setTimeout(resolve, 1000 * 2 ** (attempt - 1)));
    }
  }
  return false;
}

export async function provisionWorker(deps: ProvisionDeps, plan: WorkerPlan): Promise<void> {
  const { settings, clock } = deps;
  const record = async (stage: WorkerStage, stages: StageRecord[]) =>
    (await deps.jobs.progress(plan.jobId, { stage, stages: stages as never, updatedAt: clock() })) !== undefined;
  const stage = <T>(name: WorkerStage, work: (signal: AbortSignal) => Promise<T>) =>
    runStage(name, plan.stages, { timeoutMs: settings.stageTimeoutsMs[name], clock, record }, work);

  try {
    const target = await stage('booting', async (signal): Promise<SshTarget> => {
      for (;;) {
        const instance = await plan.provider.getInstance(plan.instanceId);
        if (!instance) throw new Error('the provider no longer knows the instance');
        if (instance.status === 'failed' || instance.status === 'stopped')
          throw new Error(`the provider reports the instance ${instance.status}`);
        if (instance.status === 'running' && instance.ssh) return instance.ssh;
        await pause(1000, signal);
        if (signal.aborted) throw new Error('aborted');
      }
    });

    await stage('waiting_for_ssh', async (signal) => {
      let last = '';
      while (!signal.aborted) {
        try {
          const connection = await sshConnect(target, plan.privateKey, 10_000);
          try {
            await must(connection, 'true', 'true');
            return;
          } finally {
            connection.close();
          }
        } catch (error) {
          last = (error as Error).message;
          await pause(1000, signal);
        }
      }
      throw new Error(`no SSH login yet (${last})`);
    });

    const connection = await sshConnect(target, plan.privateKey, 30_000);
    try {
      await stage('installing_runtime', async () => {
        if (plan.startScript !== null) await must(connection, 'the start script', 'sh -s', plan.startScript);
        const version = await must(connection, 'node --version', 'node --version').catch(() => {
          throw new Error('Node.js is not installed on the instance (the runtime needs Node.js 20 or newer)');
        });
        if (Number(/^v(\d+)/.exec(version)?.[1] ?? 0) < 20)
          throw new Error(`the instance has Node.js ${version}; the runtime needs 20 or newer`);
        await must(
          connection,
          'unpacking the runtime',
          `mkdir -p ${RUNTIME_DIR} && tar -xf - -C ${RUNTIME_DIR}`,
          await deps.bundle.tarStream(),
        );
      });

      await stage('starting_runtime', async (signal) => {
        const env = {
          ...plan.env,
          COMPUTEPLANE_SERVER: plan.serverUrl,
          COMPUTEPLANE_INSTANCE_ID: plan.instanceId,
          COMPUTEPLANE_LISTEN: `0.0.0.0:${plan.grpcPort}`,
          COMPUTEPLANE_REALTIME_PORT: String(plan.realtimePort),
          COMPUTEPLANE_ADVERTISE_HOST: target.host,
          COMPUTEPLANE_CACHE_DIR: './cache',
        };
        const file = Object.entries(env)
          .map(([name, value]) => `export ${name}=${shellQuote(value)}\n`)
          .join('');
        await must(connection, 'writing the environment', `cd ${RUNTIME_DIR} && umask 077 && cat > worker.env`, file);
        await must(
          connection,
          'starting the runtime',
          `cd ${RUNTIME_DIR} && (. ./worker.env && nohup node ${WORKER_MAIN} > worker.log 2>&1 < /dev/null & echo $! > worker.pid)`,
        );
        // Still alive after a moment: the options were accepted and it is listening.
        await pause(1500, signal);
        const alive = await connection.exec(`cd ${RUNTIME_DIR} && kill -0 "$(cat worker.pid)"`);
        if (alive.code !== 0) {
          const log = await connection.exec(`tail -c 1000 ${RUNTIME_DIR}/worker.log`);
          throw new Error(`the runtime exited at once: ${log.output}`);
        }
      });
    } finally {
      connection.close();
    }

    const peer = await stage('registering', async (signal) => {
      while (!signal.aborted) {
        const found = (await deps.peers.byInstance(plan.tenantId, plan.instanceId)).find((row) =>
          isHealthy(row, clock(), settings.peerGraceMs),
        );
        if (found) return found;
        await pause(500, signal);
      }
      throw new Error('aborted');
    });
    const report = {
      instance_id: plan.instanceId,
      ip: target.host,
      grpc_peer: peer.grpcPeer!,
      realtime_peer_url: peer.realtimePeerUrl!,
      peer_id: peer.id,
    };
    const done = await deps.jobs.progress(plan.jobId, {
      status: 'completed',
      report,
      stages: plan.stages as never,
      updatedAt: clock(),
    });
    if (done) deps.logger.info({ job_id: plan.jobId, instance_id: plan.instanceId, peer_id: peer.id }, 'worker ready');
  } catch (error) {
    if (error instanceof JobCancelled) return;
    const message = error instanceof StageFailed ? error.message : `provisioning: ${(error as Error).message}`;
    deps.logger.warn({ job_id: plan.jobId, instance_id: plan.instanceId, error: message }, 'worker job failed');
    const destroyed = await destroyWithRetries(plan.provider, plan.instanceId, deps.logger);
    await deps.jobs.progress(plan.jobId, {
      status: 'failed',
      error: destroyed
        ? message
        : `${message} (destroying the instance failed too: terminate it with DELETE /v1/compute/instances/${plan.instanceId})`,
      stages: plan.stages as never,
      updatedAt: clock(),
    });
  }
}
