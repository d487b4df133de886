/** How instances are shown and parsed on the command line: states, the state flag, the key/value view. */
import type { Instance, InstanceState } from '@computeplane/sdk/instances';
import type { CommandContext } from '../core/context.js';

/** The states, for --help; the compiler checks the list against the spec's enum (through the SDK's type). */
export const STATES = [
  'Created',
  'Initializing',
  'Running',
  'Paused',
  'Shutdown',
  'Stopped',
  'Standby',
  'Unknown',
] as const satisfies readonly InstanceState[];
const everyState: Exclude<InstanceState, (typeof STATES)[number]> extends never ? true : never = true;
void everyState;

/**
 * An instance state flag in any letter case (`running` → `Running`); other values go to the server as given,
 * which answers 400 with the allowed ones (the spec stays the only list).
 */
export function parseState(value: string): InstanceState {
  return STATES.find((candidate) => candidate.toLowerCase() === value.toLowerCase()) ?? (value as InstanceState);
}

/** `Shutdown (exited with code 3)`, `Unknown (reason)` or the bare state. */
export function stateText(instance: Instance): string {
  if (instance.state === 'Shutdown' && instance.exit_message) return `Shutdown (${instance.exit_message})`;
  if (instance.state_error) return `${instance.state} (${instance.state_error})`;
  return instance.state;
}

export function printInstance(ctx: CommandContext, instance: Instance): void {
  const env = instance.env ? Object.entries(instance.env).map(([key, value]) => `${key}=${value}`) : undefined;
  const tags = instance.tags ? Object.entries(instance.tags).map(([key, value]) => `${key}=${value}`) : undefined;
  const volumes = instance.volumes?.map(
    (mount) =>
      `${mount.volume_id}:${mount.mount_path}${mount.readonly ? ':ro' : ''}${mount.overlay ? ' (overlay)' : ''}`,
  );
  ctx.out.fields([
    ['id', instance.id],
    ['name', instance.name],
    ['image', instance.image],
    ['state', stateText(instance)],
    ['exit_code', instance.exit_code ?? undefined],
    ['hypervisor', instance.hypervisor],
    ['size', instance.size],
    ['vcpus', instance.vcpus],
    ['ip', instance.network?.ip ?? undefined],
    ['env', env?.length ? env : undefined],
    ['volumes', volumes?.length ? volumes : undefined],
    ['tags', tags?.length ? tags : undefined],
    ['snapshot', instance.has_snapshot ? 'yes' : undefined],
    ['created', instance.created_at],
    ['started', instance.started_at ?? undefined],
    ['stopped', instance.stopped_at ?? undefined],
  ]);
}
