/** The labs routes of the pods area (openapi/pods.yaml): labs, their settings, events and month costs. */
import { tenantOf } from '../../../platform/auth/principal.js';
import type { routes } from '../../../generated/routes/pods.js';
import type { Handlers } from '../../../platform/http/register-routes.js';
import type { LabUseCases } from '../lab-use-cases.js';
import { labSettings, toEvent, toLab } from '../pod-view.js';

type LabOperations =
  'createLab' | 'listLabs' | 'getLab' | 'getLabSettings' | 'updateLabSettings' | 'getLabCosts' | 'listLabEvents';

export function labHandlers(labs: LabUseCases): Pick<Handlers<typeof routes>, LabOperations> {
  return {
    createLab: async (c) => {
      const row = await labs.create(tenantOf(c.get('principal')), c.req.valid('json'));
      c.header('Location', `/api/v1/labs/${row.slug}`);
      return c.json({ data: toLab(row) }, 201);
    },
    listLabs: async (c) => {
      const { limit, offset } = c.req.valid('query');
      const { rows, total } = await labs.list(tenantOf(c.get('principal')), { limit, offset });
      return c.json({ data: rows.map(toLab), total }, 200);
    },
    getLab: async (c) =>
      c.json({ data: toLab(await labs.get(tenantOf(c.get('principal')), c.req.valid('param').slug)) }, 200),
    getLabSettings: async (c) =>
      c.json({ data: labSettings(await labs.get(tenantOf(c.get('principal')), c.req.valid('param').slug)) }, 200),
    updateLabSettings: async (c) => {
      const row = await labs.updateSettings(
        tenantOf(c.get('principal')),
        c.req.valid('param').slug,
        c.req.valid('json'),
      );
      return c.json({ data: labSettings(row) }, 200);
    },
    getLabCosts: async (c) =>
      c.json(
        {
          data: await labs.costs(tenantOf(c.get('principal')), c.req.valid('param').slug, c.req.valid('query').month),
        },
        200,
      ),
    listLabEvents: async (c) => {
      const { podId, limit, offset } = c.req.valid('query');
      const { rows, total } = await labs.events(tenantOf(c.get('principal')), c.req.valid('param').slug, podId, {
        limit,
        offset,
      });
      return c.json({ data: rows.map(toEvent), total }, 200);
    },
  };
}
