import { createHash } from 'node:crypto';
import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** One action the agent took or refused (kill, block, clean), as the responder reports it. */
export interface AuditEntry {
  ts?: number;
  /** Who decided: a playbook id, `operator:<name>`, `policy`. */
  actor: string;
  /** e.g. `process.kill`, `ip.block`, `disk.clean`. */
  action: string;
  /** The verified identity acted on: `pid:4242@<startTime>`, an IP, a path. */
  target: string;
  /** e.g. `done`, `refused`, `failed`, `dry-run`. */
  outcome: string;
  detail?: Record<string, unknown>;
}

export interface AuditRecord extends Required<AuditEntry> {
  seq: number;
  prevHash: string;
  hash: string;
}

const GENESIS = '0'.repeat(64);

interface Row {
  seq: number;
  ts: number;
  actor: string;
  action: string;
  target: string;
  outcome: string;
  detail: string;
  prev_hash: string;
  hash: string;
}

function chainHash(prevHash: string, e: Required<AuditEntry>, detailJson: string): string {
  // JSON of an array keeps field boundaries unambiguous whatever the strings contain.
  return createHash('sha256')
    .update(JSON.stringify([prevHash, e.ts, e.actor, e.action, e.target, e.outcome, detailJson]))
    .digest('hex');
}

/**
 * Append-only action audit. Triggers refuse UPDATE and DELETE; each record carries the SHA-256 of its predecessor,
 * so `verify()` detects a record edited or removed behind SQLite's back.
 */
export class AuditRepo {
  private readonly insert: StatementSync;
  private readonly last: StatementSync;
  private readonly page: StatementSync;

  constructor(
    private readonly db: DatabaseSync,
    private readonly now: () => number,
    private readonly baseSynchronous: 'NORMAL' | 'FULL',
  ) {
    this.insert = db.prepare(
      `INSERT INTO audit (ts, actor, action, target, outcome, detail, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
    );
    this.last = db.prepare('SELECT hash FROM audit ORDER BY seq DESC LIMIT 1');
    this.page = db.prepare('SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?');
  }

  /**
   * Record an action. Outside a caller's transaction the commit is fsynced (synchronous=FULL) even when the database
   * runs NORMAL, so an action taken just before a power loss stays on record.
   */
  append(entry: AuditEntry): AuditRecord {
    const full: Required<AuditEntry> = { ...entry, ts: entry.ts ?? this.now(), detail: entry.detail ?? {} };
    const detailJson = JSON.stringify(full.detail);
    const raise = !this.db.isTransaction && this.baseSynchronous !== 'FULL';
    if (raise) this.db.exec('PRAGMA synchronous = FULL');
    try {
      const prevHash = (this.last.get() as { hash: string } | undefined)?.hash ?? GENESIS;
      const hash = chainHash(prevHash, full, detailJson);
      const { seq } = this.insert.get(
        full.ts,
        full.actor,
        full.action,
        full.target,
        full.outcome,
        detailJson,
        prevHash,
        hash,
      ) as { seq: number };
      return { ...full, seq, prevHash, hash };
    } finally {
      if (raise) this.db.exec(`PRAGMA synchronous = ${this.baseSynchronous}`);
    }
  }

  list(afterSeq = 0, limit = 1000): AuditRecord[] {
    return (this.page.all(afterSeq, limit) as unknown as Row[]).map((r) => ({
      seq: r.seq,
      ts: r.ts,
      actor: r.actor,
      action: r.action,
      target: r.target,
      outcome: r.outcome,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
      prevHash: r.prev_hash,
      hash: r.hash,
    }));
  }

  /** Walk the whole chain; returns the first record whose hash or link does not match. */
  verify(): { ok: boolean; count: number; badSeq?: number } {
    let prev = GENESIS;
    let count = 0;
    for (let after = 0; ; ) {
      const rows = this.page.all(after, 1000) as unknown as Row[];
      if (rows.length === 0) return { ok: true, count };
      for (const r of rows) {
        const e = { ts: r.ts, actor: r.actor, action: r.action, target: r.target, outcome: r.outcome, detail: {} };
        if (r.prev_hash !== prev || chainHash(prev, e, r.detail) !== r.hash) return { ok: false, count, badSeq: r.seq };
        prev = r.hash;
        count++;
        after = r.seq;
      }
    }
  }
}
