import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { AuditRepo } from './audit.ts';
import { CheckpointRepo } from './checkpoints.ts';
import { KvRepo } from './kv.ts';
import { migrate } from './migrations.ts';
import { type SpoolLimits, SpoolRepo } from './spool.ts';

export interface StateDbOptions {
  /**
   * NORMAL (default): in WAL mode a commit survives a process crash (kill -9) because the WAL is already in the OS
   * page cache; a power loss can roll back only the newest commits, never corrupt the file. Since checkpoints,
   * spool and audit live in this one file, a rollback moves all of them back together: lines are re-read (duplicates,
   * never loss). FULL fsyncs every commit. Audit appends always run with FULL regardless (see AuditRepo): an action
   * already taken on the host must not vanish from its record.
   */
  synchronous?: 'NORMAL' | 'FULL';
  spool?: Partial<SpoolLimits>;
  /** How long a writer waits for a lock held by another connection (the CLI reading status) before failing. */
  busyTimeoutMs?: number;
  now?: () => number;
}

/** The agent's one local state file: checkpoints, outbound spool, action audit and small key/value settings. */
export class StateDb {
  readonly checkpoints: CheckpointRepo;
  readonly spool: SpoolRepo;
  readonly audit: AuditRepo;
  readonly kv: KvRepo;
  readonly schemaVersion: number;

  private constructor(
    readonly db: DatabaseSync,
    readonly file: string,
    opts: StateDbOptions,
  ) {
    const now = opts.now ?? Date.now;
    this.schemaVersion = migrate(db, file);
    this.checkpoints = new CheckpointRepo(db, now);
    this.spool = new SpoolRepo(db, now, opts.spool);
    this.audit = new AuditRepo(db, now, opts.synchronous ?? 'NORMAL');
    this.kv = new KvRepo(db, now);
  }

  static open(file: string, opts: StateDbOptions = {}): StateDb {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const db = new DatabaseSync(file, { timeout: opts.busyTimeoutMs ?? 5000 });
    try {
      db.exec('PRAGMA journal_mode = WAL');
      db.exec(`PRAGMA synchronous = ${opts.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
      db.exec('PRAGMA foreign_keys = ON');
      return new StateDb(db, file, opts);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /**
   * Run fn in one transaction (a savepoint when already inside one), so e.g. spooling a batch's results and acking
   * the batch (which writes its checkpoint) commit together or not at all.
   */
  transaction<T>(fn: () => T): T {
    const nested = this.db.isTransaction;
    this.db.exec(nested ? 'SAVEPOINT tx' : 'BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.db.exec(nested ? 'RELEASE tx' : 'COMMIT');
      return result;
    } catch (err) {
      if (nested) this.db.exec('ROLLBACK TO tx; RELEASE tx');
      else if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
