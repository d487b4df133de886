/** The state transitions: start, stop, pause, resume, standby, restore, fork. */
import type { routes } from '../../../generated/routes/instances.js';
import { tenantOf } from '../../../platform/auth/principal.js';
import type { Handlers } from '../../../platform/http/register-routes.js';
import type { InstancesAreaDeps } from './instances.js';

type R = typeof routes;
type Action = 'start' | 'stop' | 'pause' | 'resume' | 'standby' | 'restore';

export function lifecycleHandlers(
  deps: InstancesAreaDeps,
): Pick<
  Handlers<R>,
  | 'startInstance'
  | 'stopInstance'
  | 'pauseInstance'
  | 'resumeInstance'
  | 'standbyInstance'
  | 'restoreInstance'
  | 'forkInstance'
> {
  const { queries, actions } = deps;
  const act = (action: Action) => async (c: Parameters<Handlers<R>['startInstance']>[0]) => {
    const row = await queries.find(tenantOf(c.get('principal')), c.req.valid('param').id);
    const moved = await actions[action](row);
    return c.json(await queries.view(moved), 200);
  };
  return {
    startInstance: act('start'),
    stopInstance: act('stop'),
    pauseInstance: act('pause'),
    resumeInstance: act('resume'),
    standbyInstance: act('standby'),
    restoreInstance: act('restore'),
    forkInstance: async (c) => {
      const row = await queries.find(tenantOf(c.get('principal')), c.req.valid('param').id);
      c.req.valid('json');
      return actions.fork(row);
    },
  };
}
