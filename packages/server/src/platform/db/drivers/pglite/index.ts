/** The PGlite driver: the embedded default (`DATA_DIR/pglite`), and in-memory for tests and the mock. */
import type { Database } from '../../database.js';
import { timedPing } from '../../timed-ping.js';
import { close } from './close.js';
import { connect } from './connect.js';
import { migrate } from './migrate.js';

export async function open(options: { dataDir?: string } = {}): Promise<Database> {
  const { client, db } = await connect(options.dataDir);
  await migrate(client);
  return { driver: 'pglite', db, ping: () => timedPing(db), close: () => close(client) };
}
