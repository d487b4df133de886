/** The health area: liveness, readiness, detailed status, metrics and the served specs. */
import { stringify } from 'yaml';
import { routes } from '../../../generated/routes/health.js';
import { areaSpecs } from '../../../generated/specs.js';
import { mergeAreas } from '../../../platform/http/merge-specs.js';
import { notFound } from '../../../platform/http/problem.js';
import { area, type Module } from '../../../platform/module.js';
import type { Services } from '../../../platform/services.js';
import { healthChecks } from '../health-checks.js';
import type { BrokerHealth } from '../../sessions/module.js';

/** `broker`: the GPU session broker's state, for the seed's root `GET /health` and `GET /ready`. */
export function healthArea(services: Services, broker: () => BrokerHealth, modules: () => Module[]) {
  const health = healthChecks(services, modules);
  const yamlCache = new Map<string, string>();
  let merged: ReturnType<typeof mergeAreas> | undefined;
  return area('health', routes, {
    getHealth: (c) => c.json(health.getHealth(), 200),
    getDetailedHealth: async (c) => c.json((await health.getDetailedHealth()) as never, 200),
    getReadiness: async (c) => c.json(await health.getReadiness(), 200),
    getBrokerHealth: (c) => {
      const state = broker();
      const body = {
        status: state.ready ? ('ok' as const) : ('unavailable' as const),
        timestamp: services.clock().toISOString(),
        services: {
          lifecycle: state.lifecycle,
          inventory: state.inventory,
          ready: state.ready ? ('true' as const) : ('false' as const),
        },
      };
      return state.ready ? c.json(body, 200) : c.json(body, 503);
    },
    getBrokerReadiness: (c) => {
      const ready = broker().ready;
      const body = { ready, timestamp: services.clock().toISOString() };
      return ready ? c.json(body, 200) : c.json(body, 503);
    },
    getMetrics: async (c) => {
      return c.text(await services.metrics.metrics(), 200, { 'Content-Type': services.metrics.contentType });
    },
    getOpenApiDocument: (c) => c.json((merged ??= mergeAreas(areaSpecs, services.settings.version)), 200),
    getAreaSpec: (c) => {
      const area = c.req.valid('param').file.replace(/\.yaml$/, '');
      const spec = areaSpecs[area];
      if (!spec) throw notFound('API area', area);
      let text = yamlCache.get(area);
      if (text === undefined) yamlCache.set(area, (text = stringify(spec, { aliasDuplicateObjects: false })));
      return c.text(text, 200, { 'Content-Type': 'application/yaml; charset=utf-8' });
    },
  });
}
