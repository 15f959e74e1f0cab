import type { DatabaseSync, StatementSync } from 'node:sqlite';

export interface SpoolLimits {
  maxItems: number;
  maxBytes: number;
}

export const DEFAULT_SPOOL_LIMITS: SpoolLimits = { maxItems: 100_000, maxBytes: 256 * 1024 * 1024 };

export interface SpoolItem {
  id: number;
  kind: string;
  idempotencyKey: string;
  body: unknown;
  attempts: number;
  nextAttemptAt: number;
  created: number;
}

export interface SpoolStats extends SpoolLimits {
  count: number;
  bytes: number;
  /** Enqueues refused because the spool was full, since this process opened the database. */
  fullRejections: number;
  oldestCreated: number | null;
}

/** Thrown when an enqueue would pass a bound. The caller must not ack what it could not spool. */
export class SpoolFullError extends Error {
  constructor(
    readonly kind: string,
    readonly count: number,
    readonly bytes: number,
    readonly limits: SpoolLimits,
    readonly itemBytes: number,
  ) {
    super(
      `spool full: refusing ${kind} item of ${itemBytes} bytes (holding ${count}/${limits.maxItems} items, ` +
        `${bytes}/${limits.maxBytes} bytes); the control plane has not drained it`,
    );
    this.name = 'SpoolFullError';
  }
}

interface Row {
  id: number;
  kind: string;
  idempotency_key: string;
  body: string;
  attempts: number;
  next_attempt_at: number;
  created: number;
}

/** Outbound items for the control plane, kept until delivered; bounded by item count and bytes. */
export class SpoolRepo {
  readonly limits: SpoolLimits;
  private fullRejections = 0;
  private readonly insert: StatementSync;
  private readonly byKey: StatementSync;
  private readonly totals: StatementSync;
  private readonly dueStmt: StatementSync;
  private readonly del: StatementSync;
  private readonly retry: StatementSync;
  private readonly oldest: StatementSync;

  constructor(
    db: DatabaseSync,
    private readonly now: () => number,
    limits: Partial<SpoolLimits> = {},
  ) {
    this.limits = { ...DEFAULT_SPOOL_LIMITS, ...limits };
    this.insert = db.prepare(
      `INSERT INTO spool (kind, idempotency_key, body, bytes, attempts, next_attempt_at, created)
       VALUES (?, ?, ?, ?, 0, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    );
    this.byKey = db.prepare('SELECT id FROM spool WHERE idempotency_key = ?');
    this.totals = db.prepare('SELECT count, bytes FROM spool_totals WHERE one = 1');
    this.dueStmt = db.prepare('SELECT * FROM spool WHERE next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?');
    this.del = db.prepare('DELETE FROM spool WHERE id = ?');
    this.retry = db.prepare('UPDATE spool SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?');
    this.oldest = db.prepare('SELECT min(created) AS oldest FROM spool');
  }

  /**
   * Store one item. An item whose idempotency key is already spooled is not stored twice (`duplicate: true`), so a
   * batch replayed after a crash does not double-send. Throws SpoolFullError when a bound would be passed.
   */
  enqueue(
    kind: string,
    idempotencyKey: string,
    body: unknown,
    nextAttemptAt?: number,
  ): { id: number; duplicate: boolean } {
    const json = JSON.stringify(body);
    if (json === undefined) throw new TypeError(`spool ${kind}: body is not JSON-serializable`);
    const itemBytes = Buffer.byteLength(json);
    const t = this.totals.get() as { count: number; bytes: number };
    if (t.count + 1 > this.limits.maxItems || t.bytes + itemBytes > this.limits.maxBytes) {
      const existing = this.byKey.get(idempotencyKey) as { id: number } | undefined;
      if (existing) return { id: existing.id, duplicate: true };
      this.fullRejections++;
      throw new SpoolFullError(kind, t.count, t.bytes, this.limits, itemBytes);
    }
    const now = this.now();
    const row = this.insert.get(kind, idempotencyKey, json, itemBytes, nextAttemptAt ?? now, now) as
      | { id: number }
      | undefined;
    if (row) return { id: row.id, duplicate: false };
    return { id: (this.byKey.get(idempotencyKey) as { id: number }).id, duplicate: true };
  }

  /** Items whose next attempt is due, oldest first. */
  due(limit: number, now = this.now()): SpoolItem[] {
    return (this.dueStmt.all(now, limit) as unknown as Row[]).map((r) => ({
      id: r.id,
      kind: r.kind,
      idempotencyKey: r.idempotency_key,
      body: JSON.parse(r.body),
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      created: r.created,
    }));
  }

  /** The control plane accepted the item: forget it. */
  delivered(id: number): void {
    this.del.run(id);
  }

  /** Delivery failed: count the attempt and try again at nextAttemptAt (the shipper owns the backoff policy). */
  retryAt(id: number, nextAttemptAt: number): void {
    this.retry.run(nextAttemptAt, id);
  }

  stats(): SpoolStats {
    const t = this.totals.get() as { count: number; bytes: number };
    const o = this.oldest.get() as { oldest: number | null };
    return {
      ...this.limits,
      count: t.count,
      bytes: t.bytes,
      fullRejections: this.fullRejections,
      oldestCreated: o.oldest,
    };
  }
}
