import type { DatabaseSync } from 'node:sqlite';

/**
 * Schema history, applied in order. `PRAGMA user_version` records how many have run, so a migration runs exactly
 * once and a database written by a newer agent is refused instead of being silently misread. Never edit a shipped
 * migration: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: checkpoints, spool, audit, kv.
  `
  CREATE TABLE checkpoints (
    source_id   TEXT    NOT NULL,
    dev         TEXT    NOT NULL,
    inode       TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    byte_offset INTEGER NOT NULL CHECK (byte_offset >= 0),
    line_no     INTEGER NOT NULL CHECK (line_no >= 0),
    updated     INTEGER NOT NULL,
    PRIMARY KEY (source_id, dev, inode)
  ) STRICT;

  CREATE TABLE spool (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL UNIQUE,
    body            TEXT    NOT NULL,
    bytes           INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    created         INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX spool_due ON spool (next_attempt_at, id);

  -- Running totals kept by triggers, so the bound check on every enqueue is one row read, not a table scan.
  CREATE TABLE spool_totals (
    one   INTEGER PRIMARY KEY CHECK (one = 1),
    count INTEGER NOT NULL,
    bytes INTEGER NOT NULL
  ) STRICT;
  INSERT INTO spool_totals (one, count, bytes) VALUES (1, 0, 0);
  CREATE TRIGGER spool_totals_ins AFTER INSERT ON spool BEGIN
    UPDATE spool_totals SET count = count + 1, bytes = bytes + NEW.bytes WHERE one = 1;
  END;
  CREATE TRIGGER spool_totals_del AFTER DELETE ON spool BEGIN
    UPDATE spool_totals SET count = count - 1, bytes = bytes - OLD.bytes WHERE one = 1;
  END;

  CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    ts        INTEGER NOT NULL,
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    target    TEXT    NOT NULL,
    outcome   TEXT    NOT NULL,
    detail    TEXT    NOT NULL,
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL
  ) STRICT;
  CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
    SELECT RAISE(ABORT, 'audit is append-only');
  END;
  CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
    SELECT RAISE(ABORT, 'audit is append-only');
  END;

  CREATE TABLE kv (
    key     TEXT    PRIMARY KEY,
    value   TEXT    NOT NULL,
    updated INTEGER NOT NULL
  ) STRICT;
  `,
];

export class SchemaTooNewError extends Error {
  constructor(
    readonly file: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(`${file}: state database is at schema version ${found}, this agent knows up to ${known}; refusing to open`);
    this.name = 'SchemaTooNewError';
  }
}

/** Bring the database up to the newest schema; each step and its version bump commit together. */
export function migrate(db: DatabaseSync, file: string, migrations: readonly string[] = MIGRATIONS): number {
  const current = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  if (current > migrations.length) throw new SchemaTooNewError(file, current, migrations.length);
  for (let v = current; v < migrations.length; v++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(migrations[v]);
      // PRAGMA takes no bound parameters; v is a loop index, never outside input.
      db.exec(`PRAGMA user_version = ${v + 1}`);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw new Error(`${file}: migration ${v + 1} failed: ${(err as Error).message}`, { cause: err });
    }
  }
  return migrations.length;
}
