import { createHash } from 'node:crypto';
import type { Db, Queryable } from './db.ts';
import { MIGRATIONS, type Migration } from './migrations/index.ts';

/** The database and the code disagree about the schema; starting would risk corrupting data. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

// Any constant works; it only has to be the same for every replica so two starting at once apply migrations once.
const MIGRATION_LOCK_ID = 4_257_110_001;

const checksum = (m: Migration) => createHash('sha256').update(m.sql).digest('hex');

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

export interface MigrationStatus {
  /** Highest version applied in the database (0 for an empty database). */
  current: number;
  /** Highest version this code knows. */
  latest: number;
}

export function latestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.length ? migrations[migrations.length - 1].version : 0;
}

async function ensureTable(tx: Queryable): Promise<void> {
  await tx.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at bigint NOT NULL)',
  );
}

function checkApplied(applied: AppliedRow[], migrations: readonly Migration[]): void {
  const known = new Map(migrations.map((m) => [m.version, m]));
  const latest = latestVersion(migrations);
  for (const row of applied) {
    if (row.version > latest) {
      throw new MigrationError(
        `database has migration ${row.version} (${row.name}) but this build knows only up to ${latest}: ` +
          'refusing to start; run a newer control plane (migrations are forward-only)',
      );
    }
    const mine = known.get(row.version);
    if (mine && checksum(mine) !== row.checksum) {
      throw new MigrationError(
        `migration ${row.version} (${row.name}) in the database differs from this build's copy: ` +
          'applied migrations must never be edited',
      );
    }
  }
}

/**
 * Applies every pending migration in one transaction, under an advisory lock so concurrent replicas serialize.
 * Refuses (MigrationError) when the database is ahead of the code or an applied migration was edited.
 */
export async function applyMigrations(
  db: Db,
  migrations: readonly Migration[] = MIGRATIONS,
  now: number = Date.now(),
): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
    await ensureTable(tx);
    const { rows } = await tx.query<AppliedRow>(
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    );
    checkApplied(rows, migrations);
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)', [
        m.version,
        m.name,
        checksum(m),
        now,
      ]);
      applied.push(m.version);
    }
    return applied;
  });
}

/** What /readyz reports: reachable, and the schema is exactly what this code expects. */
export async function migrationStatus(
  db: Queryable,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationStatus> {
  const latest = latestVersion(migrations);
  const exists = await db.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
  if (!exists.rows[0]?.t) return { current: 0, latest };
  const { rows } = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  return { current: rows[0]?.v ?? 0, latest };
}
