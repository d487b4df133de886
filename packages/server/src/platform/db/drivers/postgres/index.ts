/** The PostgreSQL driver, used when `DATABASE_URL` is set (one database shared by several replicas). */
import type { Database } from '../../database.js';
import { timedPing } from '../../timed-ping.js';
import { close } from './close.js';
import { connect } from './connect.js';
import { migrate } from './migrate.js';

export async function open(options: { url: string; maxConnections?: number }): Promise<Database> {
  const { client, db } = connect(options.url, options.maxConnections);
  try {
    await migrate(client);
  } catch (error) {
    await close(client);
    throw error;
  }
  return { driver: 'postgres', db, ping: () => timedPing(db), close: () => close(client) };
}
