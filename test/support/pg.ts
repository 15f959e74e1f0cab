/**
 * Which databases a control-plane test suite runs against: embedded PGlite always, plus a real PostgreSQL when
 * TEST_DATABASE_URL is set (start one with `eval "$(bash test/support/postgres.sh)"`). Under CI a missing or
 * unreachable TEST_DATABASE_URL is an error, never a silent skip, so the PostgreSQL path cannot quietly go untested.
 *
 *   const backends = await dbBackends();
 *   describe.each(backends)('$name', (backend) => { ... const t = await backend.open(); ... await t.cleanup(); });
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../../control-plane/src/db/db.ts';
import { applyMigrations } from '../../control-plane/src/db/migrate.ts';
import { dumpPglite, openPglite } from '../../control-plane/src/db/pglite.ts';
import { openPostgres } from '../../control-plane/src/db/postgres.ts';

export interface TestDb {
  db: Db;
  /** Connection URL of the throwaway database (PostgreSQL only). */
  url?: string;
  /** Closes the connection and drops the throwaway database. */
  cleanup(): Promise<void>;
}

export interface TestBackend {
  name: 'pglite' | 'postgres';
  /** A fresh, empty database; migrated unless `migrate: false`. */
  open(opts?: { migrate?: boolean }): Promise<TestDb>;
}

async function reachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Starting PGlite (WASM) and migrating costs seconds on a busy machine; restoring a dump of an already-migrated
 * cluster is several times faster. One template per test process, then every open() restores from it.
 */
let template: Promise<Blob> | undefined;
async function migratedTemplate(): Promise<Blob> {
  template ??= (async () => {
    const db = await openPglite();
    await applyMigrations(db);
    const dump = await dumpPglite(db);
    await db.close();
    return dump;
  })();
  return template;
}

const pgliteBackend: TestBackend = {
  name: 'pglite',
  async open(opts) {
    const db =
      opts?.migrate === false
        ? await openPglite()
        : await openPglite(undefined, { loadDataDir: await migratedTemplate() });
    return { db, cleanup: () => db.close() };
  },
};

function postgresBackend(adminUrl: string): TestBackend {
  return {
    name: 'postgres',
    async open(opts) {
      // The name is generated here from hex digits, never from input, so interpolating the identifier is safe.
      const name = `vigil_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
      await admin.end();
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const db = await openPostgres(url.toString(), { maxConnections: 5 });
      if (opts?.migrate !== false) await applyMigrations(db);
      const cleanup = async () => {
        await db.close();
        const drop = new pg.Client({ connectionString: adminUrl });
        await drop.connect();
        await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await drop.end();
      };
      return { db, url: url.toString(), cleanup };
    },
  };
}

/** PGlite always; PostgreSQL when TEST_DATABASE_URL is set and reachable. Throws under CI when it is not. */
export async function dbBackends(): Promise<TestBackend[]> {
  const url = process.env.TEST_DATABASE_URL || undefined;
  const ci = Boolean(process.env.CI) && process.env.CI !== 'false';
  if (!url) {
    if (ci) throw new Error('CI is set but TEST_DATABASE_URL is not: start one with test/support/postgres.sh');
    console.warn('TEST_DATABASE_URL not set: control-plane DB tests run on PGlite only');
    return [pgliteBackend];
  }
  const problem = await reachable(url);
  if (problem) {
    if (ci) throw new Error(`TEST_DATABASE_URL is not reachable under CI: ${problem}`);
    console.warn(`TEST_DATABASE_URL not reachable (${problem}): control-plane DB tests run on PGlite only`);
    return [pgliteBackend];
  }
  return [pgliteBackend, postgresBackend(url)];
}

/** Empties every application table (keeps schema_migrations), for suites that share one database across tests. */
export async function truncateAll(db: Db): Promise<void> {
  const { rows } = await db.query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'",
  );
  if (rows.length === 0) return;
  // Table names come from the catalog, quoted as identifiers.
  const list = rows.map((r) => `"${r.name.replaceAll('"', '""')}"`).join(', ');
  await db.exec(`TRUNCATE ${list} RESTART IDENTITY CASCADE`);
}
