/** The pods area (openapi/pods.yaml): pods, their actions, SSH and costs, and (from labs.ts) the labs. */
import type { Context } from 'hono';
import { tenantOf } from '../../../platform/auth/principal.js';
import { routes } from '../../../generated/routes/pods.js';
import type { AppEnv } from '../../../platform/http/app-env.js';
import { area } from '../../../platform/module.js';
import type { LabUseCases } from '../lab-use-cases.js';
import type { PodUseCases } from '../pod-use-cases.js';
import { sshOf, toPod } from '../pod-view.js';
import { labHandlers } from './labs.js';

const tenant = (c: Context<AppEnv>) => tenantOf(c.get('principal'));

export function podsArea(pods: PodUseCases, labs: LabUseCases) {
  const one = ({ rows, spans }: Awaited<ReturnType<PodUseCases['get']>>) => ({
    data: toPod(rows[0]!, spans, pods.now()),
  });
  return area('pods', routes, {
    createPod: async (c) => {
      const { row, privateKey } = await pods.create(tenant(c), c.req.valid('json'));
      c.header('Location', `/api/v1/pods/${row.id}`);
      return c.json({ data: toPod(row, [], pods.now()), sshPrivateKey: privateKey }, 201);
    },
    listPods: async (c) => {
      const q = c.req.valid('query');
      const { rows, spans, total } = await pods.list(tenant(c), q.labId, q.status, {
        limit: q.limit,
        offset: q.offset,
      });
      const now = pods.now();
      return c.json(
        {
          data: rows.map((row) =>
            toPod(
              row,
              spans.filter((span) => span.podId === row.id),
              now,
            ),
          ),
          total,
        },
        200,
      );
    },
    getPod: async (c) => c.json(one(await pods.get(tenant(c), c.req.valid('param').id)), 200),
    getPodSsh: async (c) => c.json({ data: sshOf(await pods.ssh(tenant(c), c.req.valid('param').id))! }, 200),
    startPod: async (c) => c.json(one(await pods.start(tenant(c), c.req.valid('param').id)), 200),
    stopPod: async (c) => c.json(one(await pods.stop(tenant(c), c.req.valid('param').id)), 200),
    restartPod: async (c) => c.json(one(await pods.restart(tenant(c), c.req.valid('param').id)), 200),
    terminatePod: async (c) => c.json(one(await pods.terminate(tenant(c), c.req.valid('param').id)), 200),
    getPodCosts: async (c) => {
      const q = c.req.valid('query');
      return c.json({ data: await pods.costs(tenant(c), q.labId, q.month) }, 200);
    },
    ...labHandlers(labs),
  });
}
