/**
 * Runs one shell command on a rented GPU: picks the cheapest offer matching the filters, creates a
 * session (moving on to the next offer when one turns out to be gone: the `stale_inventory` 503), waits
 * for SSH verification, runs the command with the session's one-time key, ends the session, and returns
 * the output with what it cost.
 */
import ssh2 from 'ssh2';
import { ApiError, unwrap, type Computeplane } from '@computeplane/sdk';
import { iterateOffers, type Offer } from '@computeplane/sdk/offers';
import {
  createSession,
  getCosts,
  getSession,
  markSessionDone,
  waitForSessionRunning,
  type Session,
} from '@computeplane/sdk/sessions';

export interface GpuJob {
  command: string;
  consumerId: string;
  filters?: {
    gpu_type?: string;
    min_vram?: number;
    max_price?: number;
    provider?: 'vastai' | 'tensordock' | 'runpod' | 'lambda' | 'local';
  };
  /** How many offers to try when offers turn out to be gone (default 3). */
  attempts?: number;
}

export interface GpuJobResult {
  offer: Offer;
  session: Session;
  output: string;
  exitCode: number;
  cost: number;
}

export async function runOnGpu(client: Computeplane, job: GpuJob): Promise<GpuJobResult> {
  const tried: string[] = [];
  for await (const offer of iterateOffers(client, job.filters ?? {})) {
    if (tried.length >= (job.attempts ?? 3)) break;
    tried.push(offer.id);
    const created = await createSession(client, {
      body: { consumer_id: job.consumerId, offer_id: offer.id, workload_type: 'batch', reservation_hours: 1 },
    });
    if (created.error instanceof ApiError && created.error.code === 'STALE_INVENTORY') continue;
    const { session, ssh_private_key: key } = await unwrap(created);
    try {
      const running = await waitForSessionRunning(client, session.id, { timeoutMs: 15 * 60_000 });
      const { output, exitCode } = await exec(running, key, job.command);
      await unwrap(markSessionDone(client, { params: { path: { id: session.id } } }));
      const ended = await waitUntilEnded(client, session.id);
      const cost = await unwrap(getCosts(client, { params: { query: { session_id: session.id } } }));
      return { offer, session: ended, output, exitCode, cost: 'session_id' in cost ? cost.total_cost : 0 };
    } catch (error) {
      await markSessionDone(client, { params: { path: { id: session.id } } });
      throw error;
    }
  }
  throw new Error(
    tried.length ? `no offer could be rented (tried ${tried.join(', ')})` : 'no offer matches the filters',
  );
}

async function waitUntilEnded(client: Computeplane, id: string): Promise<Session> {
  for (;;) {
    const session = await unwrap(getSession(client, { params: { path: { id } } }));
    if (session.status === 'stopped' || session.status === 'failed') return session;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function exec(session: Session, privateKey: string, command: string): Promise<{ output: string; exitCode: number }> {
  return new Promise((resolve, reject) => {
    const connection = new ssh2.Client();
    connection.on('ready', () =>
      connection.exec(command, (error, channel) => {
        if (error) return reject(error);
        let output = '';
        let exitCode = -1;
        channel.on('data', (data: Buffer) => (output += data.toString()));
        channel.stderr.on('data', (data: Buffer) => (output += data.toString()));
        channel.on('exit', (code: number | null) => (exitCode = code ?? -1));
        channel.on('close', () => {
          connection.end();
          resolve({ output, exitCode });
        });
      }),
    );
    connection.on('error', reject);
    connection.connect({ host: session.ssh_host!, port: session.ssh_port!, username: session.ssh_user!, privateKey });
  });
}
