/**
 * `computeplane sessions create|list|get|diagnostics|done|extend|destroy` (and `ssh`, in sessions-ssh.ts):
 * GPU sessions rented from an offer. `create` keeps the one-time SSH key in ~/.config/computeplane/keys/<id>.
 */
import type { Command } from 'commander';
import {
  createSession,
  destroySession,
  extendSession,
  getSession,
  getSessionDiagnostics,
  listSessions,
  markSessionDone,
  SessionNotRunningError,
  waitForSessionRunning,
  type CreateSessionRequest,
  type Session,
} from '@computeplane/sdk/sessions';
import { action, type CommandContext } from '../core/context.js';
import { CommandError } from '../core/errors.js';
import { withExamples } from '../core/help.js';
import { collect, parseCount } from '../core/input.js';
import { saveKey } from '../core/ssh-login.js';
import { showWaiting } from '../core/waiting.js';
import { notePage } from '../core/paging.js';
import { gpuLabel } from './offers.js';
import { registerSessionSsh } from './sessions-ssh.js';

interface CreateFlags {
  offer: string;
  consumer: string;
  workload: string;
  hours: number;
  idleThreshold?: number;
  storagePolicy?: string;
  launchMode?: string;
  image?: string;
  modelId?: string;
  port?: string[];
  quantization?: string;
  disk?: number;
  template?: string;
  autoRetry?: boolean;
  maxRetries?: number;
  retryScope?: string;
  sshTimeout?: number;
  onStart?: string;
  keyFile?: string;
  wait?: boolean;
}

export function registerSessions(program: Command): void {
  const sessions = program.command('sessions').description('rent GPU offers as sessions, with SSH access');

  withExamples(
    sessions
      .command('create')
      .description('rent an offer; the one-time SSH key is saved (mode 0600) for `sessions ssh`')
      .requiredOption('--offer <id>', 'the offer to rent (see `computeplane offers list`)')
      .option('--consumer <id>', 'the consumer (application) the session is for', 'computeplane-cli')
      .option('--workload <type>', 'llm, training or batch', 'batch')
      .option('--hours <n>', 'reservation in hours (1-12)', parseCount('--hours', { max: 12 }), 1)
      .option(
        '--idle-threshold <minutes>',
        'end after this long idle (0 = never)',
        parseCount('--idle-threshold', { min: 0 }),
      )
      .option('--storage-policy <policy>', 'preserve or destroy (default destroy)')
      .option('--launch-mode <mode>', 'ssh or entrypoint (default ssh)')
      .option('--image <image>', 'Docker image to run (remote providers)')
      .option('--model-id <id>', 'HuggingFace model id, passed as MODEL_ID')
      .option('--port <port>', 'a port to expose (repeatable)', collect)
      .option('--quantization <method>', 'passed as QUANTIZATION (e.g. awq)')
      .option('--disk <gb>', 'disk size in GB (10-10000, default 50)', parseCount('--disk', { min: 10 }))
      .option('--template <hash>', 'a template (its image, env and start command are used)')
      .option('--auto-retry', 'on a failed provision, try another offer within --retry-scope')
      .option('--max-retries <n>', 'retries at most (0-10, default 3)', parseCount('--max-retries', { min: 0 }))
      .option('--retry-scope <scope>', 'same_gpu, same_vram or any (default same_gpu)')
      .option('--ssh-timeout <minutes>', 'how long SSH may take to answer (1-30)', parseCount('--ssh-timeout'))
      .option('--on-start <command>', 'shell command run on the instance when it starts')
      .option('--key-file <path>', 'where to save the private key (default ~/.config/computeplane/keys/<id>)')
      .option('--wait', 'wait until the session is running (SSH verified)')
      .action(
        action<[], CreateFlags>(async (ctx, flags) => {
          const body: CreateSessionRequest = {
            offer_id: flags.offer,
            consumer_id: flags.consumer,
            workload_type: flags.workload as CreateSessionRequest['workload_type'],
            reservation_hours: flags.hours,
          };
          const optional: Partial<CreateSessionRequest> = {
            idle_threshold_minutes: flags.idleThreshold,
            storage_policy: flags.storagePolicy as CreateSessionRequest['storage_policy'],
            launch_mode: flags.launchMode as CreateSessionRequest['launch_mode'],
            docker_image: flags.image,
            model_id: flags.modelId,
            exposed_ports: flags.port?.map((port) => parseCount('--port', { max: 65535 })(port)),
            quantization: flags.quantization,
            disk_gb: flags.disk,
            template_hash_id: flags.template,
            auto_retry: flags.autoRetry,
            max_retries: flags.maxRetries,
            retry_scope: flags.retryScope as CreateSessionRequest['retry_scope'],
            ssh_timeout_minutes: flags.sshTimeout,
            on_start_cmd: flags.onStart,
          };
          for (const [name, value] of Object.entries(optional))
            if (value !== undefined) (body as unknown as Record<string, unknown>)[name] = value;
          const created = await ctx.call(createSession(ctx.client, { body }, { signal: ctx.signal }));
          const id = created.session.id;
          const keyPath = await saveKey(id, created.ssh_private_key, flags.keyFile);
          let session = created.session;
          if (flags.wait) {
            ctx.onInterrupt(
              () => destroySession(ctx.client, { params: { path: { id } } }),
              `session ${id} keeps starting (and billing); end it with: computeplane sessions destroy ${id}`,
            );
            session = await showWaiting(
              ctx.out,
              `Waiting for ${id} to be running`,
              waitForSessionRunning(ctx.client, id, { signal: ctx.signal, intervalMs: 250, maxIntervalMs: 2_000 }),
            ).catch((error: unknown) => {
              if (error instanceof SessionNotRunningError) throw new CommandError(error.message);
              throw error;
            });
          }
          ctx.out.result(created, () => {
            printSession(ctx, session);
            ctx.out.note(`Private key saved to ${keyPath} (shown only once). Log in: computeplane sessions ssh ${id}`);
          });
        }),
      ),
    [
      'computeplane sessions create --offer vastai-12345 --workload llm --hours 2 --wait',
      'computeplane sessions create --offer local-node1 --on-start "nvidia-smi" --key-file ./session.key --json',
    ],
  );

  withExamples(
    sessions
      .command('list')
      .description("list the tenant's sessions, newest first")
      .option('--consumer <id>', "only this consumer's sessions")
      .option('--status <status>', 'pending, provisioning, running, stopping, stopped or failed')
      .option('--provider <name>', "only this provider's sessions")
      .option('--limit <n>', 'sessions per page (1-1000)', parseCount('--limit', { max: 1000 }))
      .option('--offset <n>', 'sessions to skip', parseCount('--offset', { min: 0 }))
      .action(
        action<[], { consumer?: string; status?: string; provider?: string; limit?: number; offset?: number }>(
          async (ctx, flags) => {
            const query = {
              consumer_id: flags.consumer,
              status: flags.status as Session['status'] | undefined,
              provider: flags.provider as Session['provider'] | undefined,
              limit: flags.limit,
              offset: flags.offset,
            };
            const page = await ctx.call(listSessions(ctx.client, { params: { query } }, { signal: ctx.signal }));
            ctx.out.result(page, () => {
              ctx.out.table(
                page.sessions,
                [
                  { header: 'ID', value: (s) => s.id },
                  { header: 'STATUS', value: (s) => s.status },
                  { header: 'PROVIDER', value: (s) => s.provider },
                  { header: 'GPU', value: (s) => gpuLabel(s.gpu_count, s.gpu_type) },
                  { header: 'CONSUMER', value: (s) => s.consumer_id },
                  { header: 'COST', value: (s) => s.cost?.toFixed(4) },
                  { header: 'EXPIRES', value: (s) => s.expires_at },
                ],
                { empty: 'No sessions. Rent an offer: computeplane sessions create --offer <id>' },
              );
              notePage(ctx.out, flags.offset ?? 0, page.count, page.total);
            });
          },
        ),
      ),
    ['computeplane sessions list', 'computeplane sessions list --status running --provider vastai --json'],
  );

  withExamples(
    sessions
      .command('get')
      .description('show a session: status, SSH endpoint, expiry and cost so far')
      .argument('<session>', 'session id')
      .action(
        action<[string], object>(async (ctx, id) => {
          const session = await ctx.call(getSession(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }));
          ctx.out.result(session, () => printSession(ctx, session));
        }),
      ),
    ['computeplane sessions get sess-abc123'],
  );

  withExamples(
    sessions
      .command('diagnostics')
      .description('uptime, time to expiry and SSH availability of a running session')
      .argument('<session>', 'session id')
      .action(
        action<[string], object>(async (ctx, id) => {
          const diagnostics = await ctx.call(
            getSessionDiagnostics(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }),
          );
          ctx.out.result(diagnostics, () => ctx.out.fields(Object.entries(diagnostics)));
        }),
      ),
    ['computeplane sessions diagnostics sess-abc123 --json'],
  );

  const message = (verb: string, describe: string, example: string, call: typeof markSessionDone) =>
    withExamples(
      sessions
        .command(verb)
        .description(describe)
        .argument('<session>', 'session id')
        .action(
          action<[string], object>(async (ctx, id) => {
            const answer = await ctx.call(call(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }));
            ctx.out.result(answer, () => ctx.out.line(`${capitalize(answer.message)}: ${answer.session_id}.`));
          }),
        ),
      [example],
    );
  message(
    'done',
    'signal that the work is complete: the session ends',
    'computeplane sessions done sess-abc123',
    markSessionDone,
  );
  message(
    'destroy',
    'end a session now (force)',
    'computeplane sessions destroy sess-abc123',
    destroySession as typeof markSessionDone,
  );

  withExamples(
    sessions
      .command('extend')
      .description("move a session's expiry later (12 hours at most from its creation)")
      .argument('<session>', 'session id')
      .requiredOption('--hours <n>', 'hours to add (1-11)', parseCount('--hours', { max: 11 }))
      .action(
        action<[string], { hours: number }>(async (ctx, id, flags) => {
          const answer = await ctx.call(
            extendSession(
              ctx.client,
              { params: { path: { id } }, body: { additional_hours: flags.hours } },
              { signal: ctx.signal },
            ),
          );
          ctx.out.result(answer, () => ctx.out.line(`Session ${id} now expires at ${answer.new_expires_at}.`));
        }),
      ),
    ['computeplane sessions extend sess-abc123 --hours 2'],
  );

  registerSessionSsh(sessions);
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function printSession(ctx: CommandContext, session: Session): void {
  ctx.out.fields([
    ['id', session.id],
    ['status', session.status],
    ['provider', session.provider],
    ['offer', session.offer_id],
    ['gpu', gpuLabel(session.gpu_count, session.gpu_type)],
    ['consumer', session.consumer_id],
    ['workload', session.workload_type],
    ['ssh', session.ssh_host ? `${session.ssh_user}@${session.ssh_host} -p ${session.ssh_port}` : null],
    ['price', `${session.price_per_hour} USD/h`],
    ['cost', `${session.cost} USD`],
    ['created', session.created_at],
    ['expires', session.expires_at],
    ['stopped', session.stopped_at ?? undefined],
    ['stop reason', session.stop_reason ?? undefined],
    ['failure', session.failure_reason ?? undefined],
  ]);
}
