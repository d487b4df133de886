/** The admin module: tenants and their API keys (openapi/admin.yaml), behind X-Admin-Key. */
import type { Module } from '../../platform/module.js';
import type { Services } from '../../platform/services.js';
import { adminRepository } from './admin-repository.js';
import { adminUseCases } from './admin-use-cases.js';
import { adminArea } from './http/admin.js';

/** `onKeyRevoked`: drops cached credentials, so a revoked key stops working at once. */
export function createAdminModule(platform: Services, deps: { onKeyRevoked: () => void }) {
  const { db } = platform.database;
  return {
    areas: [
      adminArea(
        adminUseCases({ db, repository: adminRepository(db), clock: platform.clock, onKeyRevoked: deps.onKeyRevoked }),
      ),
    ],
  } satisfies Module;
}
