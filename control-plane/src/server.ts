import type { FastifyInstance } from 'fastify';
import { type AppDeps, buildApp } from './app.ts';
import { defaultAreas } from './areas.ts';
import type { Config } from './config/schema.ts';
import type { Db } from './db/db.ts';
import { applyMigrations } from './db/migrate.ts';
import { openDb } from './db/open.ts';
import { bootstrapAdmin } from './store/operators.ts';

const BOOTSTRAP_LOCK_ID = 4_257_110_002;

/** Opens the configured database (PostgreSQL if databaseUrl, else PGlite in dataDir) and applies migrations. */
export async function openStore(config: Config): Promise<Db> {
  const db = await openDb(config);
  try {
    await applyMigrations(db);
    return db;
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
}

/** Ensures an admin token exists; returns a freshly generated one (to show once) or null. Replica-safe. */
export async function ensureAdmin(db: Db, config: Config, now = Date.now()): Promise<string | null> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK_ID]);
    return (await bootstrapAdmin(tx, config.adminToken, now)).generated;
  });
}

export interface RunningServer {
  app: FastifyInstance;
  /** http://host:port actually bound (port 0 resolves to the chosen one). */
  url: string;
}

/**
 * Opens the store, bootstraps the admin token (printing a generated one ONCE to `stderr`), builds the app and
 * listens. The caller owns shutdown: `await app.close()`.
 */
export async function startServer(
  config: Config,
  opts: { stderr?: NodeJS.WritableStream; deps?: Omit<Partial<AppDeps>, 'db'>; port?: number } = {},
): Promise<RunningServer> {
  const db = await openStore(config);
  let app: FastifyInstance | undefined;
  try {
    const generated = await ensureAdmin(db, config);
    if (generated) {
      (opts.stderr ?? process.stderr).write(
        `vigil control-plane: no admin token existed, so one was generated. It is shown only now; store it safely:\n  ${generated}\n`,
      );
    }
    app = await buildApp(config, { plugins: defaultAreas(config), ...opts.deps, db });
    const url = await app.listen({ port: opts.port ?? config.port, host: config.host });
    return { app, url };
  } catch (err) {
    if (app) await app.close().catch(() => {});
    else await db.close().catch(() => {});
    throw err;
  }
}
