#!/usr/bin/env node
/** CLI entry (`npm start`, `computeplane-server`): configuration from the environment, signals to shutdown. */
import { loadConfig } from './config.js';
import { startServer } from './start-server.js';

let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(`computeplane-server: ${(error as Error).message}`);
  process.exit(2);
}

const server = await startServer(config).catch((error: unknown) => {
  // A start-up failure (a port in use, an unreachable database) is one line naming what to change.
  console.error(`computeplane-server: cannot start: ${(error as Error).message}`);
  process.exit(1);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
