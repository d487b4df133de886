/**
 * The two database drivers every shared suite runs against: PGlite in memory, and the machine's real
 * PostgreSQL (a fresh database per suite, dropped afterwards). `TEST_DATABASE_URL` points at a
 * PostgreSQL server with rights to create databases (default: postgres@127.0.0.1:5432).
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type Database } from '@computeplane/server';

export const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  database: Database;
  /** Opens a second connection to the same data (a restart, or a second replica). */
  reopen(): Promise<Database>;
  /** Closes every connection opened here and removes the data. */
  dispose(): Promise<void>;
}

export interface TestDriver {
  name: 'pglite' | 'postgres';
  create(): Promise<TestDatabase>;
}

/** A new, empty PostgreSQL database; returns its URL and a function that drops it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `cp_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const sql = postgres(adminUrl, { max: 1, onnotice: () => undefined });
      try {
        await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await sql.end();
      }
    },
  };
}

const pglite: TestDriver = {
  name: 'pglite',
  async create() {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'cp-pglite-'));
    const opened: Database[] = [];
    const open = async () => {
      const database = await openDatabase({ dataDir: dir });
      opened.push(database);
      return database;
    };
    const database = await open();
    return {
      database,
      // PGlite is single-process: close the current handle before opening the directory again.
      reopen: async () => {
        await Promise.all(opened.splice(0).map((db) => db.close().catch(() => undefined)));
        return open();
      },
      async dispose() {
        await Promise.all(opened.map((db) => db.close().catch(() => undefined)));
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};

const postgresDriver: TestDriver = {
  name: 'postgres',
  async create() {
    const { url, drop } = await createPostgresDatabase();
    const opened: Database[] = [];
    const open = async () => {
      const database = await openDatabase({ url, maxConnections: 5 });
      opened.push(database);
      return database;
    };
    const database = await open();
    return {
      database,
      reopen: open,
      async dispose() {
        await Promise.all(opened.map((db) => db.close().catch(() => undefined)));
        await drop();
      },
    };
  },
};

export const testDrivers: TestDriver[] = [pglite, postgresDriver];

/**
 * Makes the database refuse to insert a model record named `name` (a trigger on the real table), so a test
 * can reach the path where every check of an upload passed and saving its record still failed.
 */
export async function refuseModelsNamed(execute: (statement: string) => Promise<unknown>, name: string) {
  const quoted = `'${name.replaceAll("'", "''")}'`;
  await execute(`CREATE OR REPLACE FUNCTION refuse_model() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'model record refused by the test'; END $$`);
  await execute(`DROP TRIGGER IF EXISTS refuse_model ON models`);
  await execute(`CREATE TRIGGER refuse_model BEFORE INSERT ON models FOR EACH ROW
    WHEN (NEW.name = ${quoted}) EXECUTE FUNCTION refuse_model()`);
}
