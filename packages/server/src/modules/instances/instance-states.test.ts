/** The state table, pair by pair, and every action from every state. */
import { describe, expect, it } from 'vitest';
import {
  actionPath,
  canTransition,
  INSTANCE_STATES,
  type InstanceAction,
  type InstanceState,
} from './instance-states.js';

// The seed's transitions (instances.md README facts) plus the container runtime's own (module doc).
const EXPECTED = new Set([
  'Stopped>Created',
  'Created>Running',
  'Created>Initializing',
  'Initializing>Running',
  'Running>Paused',
  'Paused>Running',
  'Paused>Standby',
  'Standby>Paused',
  'Shutdown>Running',
  'Shutdown>Stopped',
  'Created>Shutdown',
  'Initializing>Shutdown',
  'Running>Shutdown',
  'Created>Stopped',
  'Initializing>Stopped',
  'Running>Stopped',
  'Paused>Stopped',
  'Standby>Stopped',
  'Created>Unknown',
  'Initializing>Unknown',
  'Running>Unknown',
  'Paused>Unknown',
]);

describe('instance state table', () => {
  for (const from of INSTANCE_STATES)
    for (const to of INSTANCE_STATES)
      it(`${from} → ${to} is ${EXPECTED.has(`${from}>${to}`) ? 'allowed' : 'refused'}`, () => {
        expect(canTransition(from, to)).toBe(EXPECTED.has(`${from}>${to}`));
      });

  it('Unknown leads nowhere: it can only be deleted', () => {
    for (const to of INSTANCE_STATES) expect(canTransition('Unknown', to)).toBe(false);
  });

  const ACTIONS: Record<InstanceAction, Partial<Record<InstanceState, InstanceState[]>>> = {
    start: { Stopped: ['Created', 'Running'], Shutdown: ['Running'] },
    stop: {
      Created: ['Stopped'],
      Initializing: ['Stopped'],
      Running: ['Stopped'],
      Paused: ['Stopped'],
      Shutdown: ['Stopped'],
      Standby: ['Stopped'],
    },
    pause: { Running: ['Paused'] },
    resume: { Paused: ['Running'] },
    standby: { Paused: ['Standby'] },
    restore: { Standby: ['Paused', 'Running'] },
  };
  for (const [action, allowed] of Object.entries(ACTIONS) as [
    InstanceAction,
    Partial<Record<InstanceState, InstanceState[]>>,
  ][])
    for (const from of INSTANCE_STATES)
      it(`${action} from ${from}: ${allowed[from]?.join(' → ') ?? '409'}`, () => {
        expect(actionPath(action, from)).toEqual(allowed[from] ?? null);
      });
});
