/** `computeplane compute peers list|add|remove`: the compute peer registry (nodes that run inference for the platform). */
import type { Command } from 'commander';
import {
  deleteComputePeer,
  listComputePeers,
  registerComputePeer,
  type ComputePeer,
  type PeerHealthStatus,
  type PeerRegistration,
} from '@computeplane/sdk/compute';
import { action, type CommandContext } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { withExamples } from '../../core/help.js';
import { parseCount, readJsonArgument } from '../../core/input.js';
import { notePage } from '../../core/paging.js';

export function registerPeers(compute: Command): void {
  const peers = compute
    .command('peers')
    .description('the compute peer registry: nodes (workers, your own machines) that run inference');

  withExamples(
    peers
      .command('list')
      .alias('ls')
      .description("list the tenant's peers, newest first, with their health")
      .option('--health <status>', 'only peers in this state: healthy or unhealthy', parseHealth)
      .option('--limit <n>', 'peers per page (1-1000)', parseCount('--limit', { max: 1000 }))
      .option('--offset <n>', 'peers to skip', parseCount('--offset', { min: 0 }))
      .action(
        action<[], { health?: PeerHealthStatus; limit?: number; offset?: number }>(async (ctx, flags) => {
          const query = { health: flags.health, limit: flags.limit, offset: flags.offset };
          const page = await ctx.call(listComputePeers(ctx.client, { params: { query } }, { signal: ctx.signal }));
          ctx.out.result(page, () => {
            ctx.out.table(
              page.peers,
              [
                { header: 'ID', value: (p) => p.id },
                { header: 'NAME', value: (p) => p.name },
                { header: 'HEALTH', value: (p) => healthText(ctx, p) },
                { header: 'GRPC', value: (p) => p.grpc_peer },
                { header: 'REALTIME', value: (p) => p.realtime_peer_url },
                { header: 'INSTANCE', value: (p) => p.instance_id },
                { header: 'LAST SEEN', value: (p) => p.health.last_seen_at },
              ],
              { empty: 'No peers yet. Add one: computeplane compute peers add --grpc-peer <endpoint>' },
            );
            notePage(ctx.out, page.offset, page.peers.length, page.total);
          });
        }),
      ),
    ['computeplane compute peers list', 'computeplane compute peers list --health healthy --json'],
  );

  withExamples(
    peers
      .command('add')
      .description(
        'register a node as a peer (an upsert keyed by endpoint: the same endpoint updates its entry); ' +
          'its endpoints are TCP-probed first unless --no-probe',
      )
      .option(
        '--grpc-peer <endpoint>',
        'gRPC endpoint (Open Inference Protocol): http://host:port, https://… or host:port',
      )
      .option('--realtime-peer-url <url>', 'realtime endpoint, a ws:// or wss:// URL')
      .option('--name <name>', 'human-readable name (default on creation: the endpoint)')
      .option('--instance-id <id>', 'the instance behind the peer, if it is a provisioned one')
      .option('--capabilities <json>', 'capability metadata, a JSON object or @file (replaces the stored one)')
      .option('--auth-token <token>', 'bearer token the platform presents to the peer (env COMPUTEPLANE_PEER_TOKEN)')
      .option('--no-probe', 'register without opening the endpoints first')
      .action(
        action<[], AddFlags>(async (ctx, flags) => {
          if (flags.grpcPeer === undefined && flags.realtimePeerUrl === undefined)
            throw new UsageError('give --grpc-peer <endpoint>, --realtime-peer-url <url>, or both');
          const body: PeerRegistration = {};
          if (flags.grpcPeer !== undefined) body.grpc_peer = flags.grpcPeer;
          if (flags.realtimePeerUrl !== undefined) body.realtime_peer_url = flags.realtimePeerUrl;
          if (flags.name !== undefined) body.name = flags.name;
          if (flags.instanceId !== undefined) body.instance_id = flags.instanceId;
          if (flags.capabilities !== undefined) {
            const capabilities = await readJsonArgument(flags.capabilities, '--capabilities');
            if (typeof capabilities !== 'object' || capabilities === null || Array.isArray(capabilities))
              throw new UsageError('--capabilities must be a JSON object');
            body.capabilities = capabilities as Record<string, unknown>;
          }
          const token = flags.authToken ?? process.env.COMPUTEPLANE_PEER_TOKEN;
          if (token) body.auth_token = token;
          if (!flags.probe) body.probe = false;
          const result = await registerComputePeer(ctx.client, { body }, { signal: ctx.signal });
          const peer = await ctx.call(Promise.resolve(result));
          ctx.out.result(peer, () => {
            ctx.out.note(
              result.response?.status === 201
                ? `Registered peer ${peer.id}.`
                : `Updated peer ${peer.id} (an entry with this endpoint existed).`,
            );
            printPeer(ctx, peer);
          });
        }),
      ),
    [
      'computeplane compute peers add --grpc-peer http://10.0.0.7:9090 --name metal-mac-studio',
      'computeplane compute peers add --grpc-peer 10.0.0.7:9090 --realtime-peer-url ws://10.0.0.7:9091/realtime',
      'computeplane compute peers add --grpc-peer http://triton.internal:8001 --no-probe --json',
    ],
  );

  withExamples(
    peers
      .command('remove')
      .alias('rm')
      .description('remove a peer from the registry (its instance keeps running: compute workers terminate)')
      .argument('<peer-id>', 'peer id (peer_…)')
      .action(
        action<[string], object>(async (ctx, id) => {
          await ctx.call(deleteComputePeer(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }));
          ctx.out.done(`Removed peer ${id}.`);
        }),
      ),
    ['computeplane compute peers remove peer_k3v9x2m4q7r8'],
  );
}

interface AddFlags {
  grpcPeer?: string;
  realtimePeerUrl?: string;
  name?: string;
  instanceId?: string;
  capabilities?: string;
  authToken?: string;
  probe: boolean;
}

function parseHealth(value: string): PeerHealthStatus {
  if (value !== 'healthy' && value !== 'unhealthy')
    throw new UsageError(`--health must be healthy or unhealthy, got "${value}"`);
  return value;
}

function healthText(ctx: CommandContext, peer: ComputePeer): string {
  const latency = peer.health.probe_latency_ms === null ? '' : ` (${Math.round(peer.health.probe_latency_ms)} ms)`;
  return peer.health.status === 'healthy'
    ? `${ctx.out.color.green('healthy')}${latency}`
    : ctx.out.color.yellow('unhealthy');
}

export function printPeer(ctx: CommandContext, peer: ComputePeer): void {
  ctx.out.fields([
    ['id', peer.id],
    ['name', peer.name],
    ['grpc_peer', peer.grpc_peer],
    ['realtime_peer_url', peer.realtime_peer_url],
    ['instance_id', peer.instance_id],
    ['health', healthText(ctx, peer)],
    ['last_seen', peer.health.last_seen_at],
    ['last_probe', peer.health.last_probe_at],
    ['capabilities', Object.keys(peer.capabilities).length > 0 ? peer.capabilities : undefined],
    ['created', peer.created_at],
  ]);
}
