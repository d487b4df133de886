/** The Hono environment every route and middleware shares: per-request variables. */
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';

export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    principal: Principal;
  };
}
