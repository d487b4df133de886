/**
 * The instance state machine of instances.md, in one table. The seed's transitions: Stopped→Created→Running;
 * Running↔Paused; Paused→Standby; Standby→Paused (restore)→Running; Shutdown→Running|Stopped; Unknown can
 * only be deleted. Added for a container runtime (docs/compatibility.md): Created→Initializing→Running
 * while the workload starts; the workload's own exit moves Created, Initializing, Running to Shutdown;
 * stop reaches Stopped from every state with a container; any live state can turn Unknown when the runtime
 * cannot say. Every action is a path through this table from the states it names; anything else is a 409.
 */
export const INSTANCE_STATES = [
  'Created',
  'Initializing',
  'Running',
  'Paused',
  'Shutdown',
  'Stopped',
  'Standby',
  'Unknown',
] as const;

export type InstanceState = (typeof INSTANCE_STATES)[number];

export const TRANSITIONS: Record<InstanceState, readonly InstanceState[]> = {
  Created: ['Initializing', 'Running', 'Shutdown', 'Stopped', 'Unknown'],
  Initializing: ['Running', 'Shutdown', 'Stopped', 'Unknown'],
  Running: ['Paused', 'Shutdown', 'Stopped', 'Unknown'],
  Paused: ['Running', 'Standby', 'Stopped', 'Unknown'],
  Shutdown: ['Running', 'Stopped'],
  Stopped: ['Created'],
  Standby: ['Paused', 'Stopped'],
  Unknown: [],
};

export const canTransition = (from: InstanceState, to: InstanceState): boolean => TRANSITIONS[from].includes(to);

export type InstanceAction = 'start' | 'stop' | 'pause' | 'resume' | 'standby' | 'restore';

/** Where each action goes from each state it is allowed in; every step is a transition of the table. */
const ACTIONS: Record<InstanceAction, Partial<Record<InstanceState, InstanceState[]>>> = {
  start: { Stopped: ['Created', 'Running'], Shutdown: ['Running'] },
  stop: Object.fromEntries(
    (['Created', 'Initializing', 'Running', 'Paused', 'Shutdown', 'Standby'] as const).map((s) => [s, ['Stopped']]),
  ),
  pause: { Running: ['Paused'] },
  resume: { Paused: ['Running'] },
  standby: { Paused: ['Standby'] },
  restore: { Standby: ['Paused', 'Running'] },
};

/** The states `action` walks through from `from`, or null when it is not allowed there. */
export function actionPath(action: InstanceAction, from: InstanceState): InstanceState[] | null {
  const path = ACTIONS[action][from];
  if (!path) return null;
  let at = from;
  for (const next of path) {
    if (!canTransition(at, next)) return null;
    at = next;
  }
  return [...path];
}

/** What an action needs, in words, for the 409's message. */
export function allowedFrom(action: InstanceAction): InstanceState[] {
  return INSTANCE_STATES.filter((state) => actionPath(action, state) !== null);
}

export const isInstanceState = (value: string): value is InstanceState =>
  (INSTANCE_STATES as readonly string[]).includes(value);
