/**
 * The health module: liveness, readiness, detailed status (the database, every module's components,
 * storage), the seed broker's `GET /health` and `GET /ready`, metrics and the served specs.
 */
import type { Module } from '../../platform/module.js';
import type { Services } from '../../platform/services.js';
import type { BrokerHealth } from '../sessions/module.js';
import { healthArea } from './http/health.js';

/** `modules`: read when a request comes, so the health module can be built before or after the others. */
export function createHealthModule(platform: Services, deps: { broker: () => BrokerHealth; modules: () => Module[] }) {
  return { areas: [healthArea(platform, deps.broker, deps.modules)] } satisfies Module;
}
