import { newId } from '../auth/tokens.ts';
import type { Queryable } from '../db/db.ts';
import type { AlertRecord } from '../events.ts';
import { decodeCursor, encodeCursor, Where } from './sql.ts';

interface AlertRow {
  id: string;
  kind: string;
  severity: AlertRecord['severity'];
  subject: string;
  message: string;
  details: Record<string, unknown>;
  raised_at: number;
  resolved_at: number | null;
}

const toRecord = (r: AlertRow): AlertRecord => ({
  id: r.id,
  kind: r.kind,
  severity: r.severity,
  subject: r.subject,
  message: r.message,
  details: r.details,
  raisedAt: r.raised_at,
  resolvedAt: r.resolved_at,
});

const COLUMNS = 'id, kind, severity, subject, message, details, raised_at, resolved_at';

/** Raises an alert unless one for the same (kind, subject) is still open; returns the new alert or null. */
export async function raiseAlert(
  db: Queryable,
  a: Omit<AlertRecord, 'id' | 'raisedAt' | 'resolvedAt'>,
  now: number,
): Promise<AlertRecord | null> {
  const { rows } = await db.query<AlertRow>(
    `INSERT INTO alerts (id, kind, severity, subject, message, details, raised_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
     ON CONFLICT (kind, subject) WHERE resolved_at IS NULL DO NOTHING
     RETURNING ${COLUMNS}`,
    [newId('alr'), a.kind, a.severity, a.subject, a.message, JSON.stringify(a.details), now],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function resolveAlerts(db: Queryable, kind: string, subject: string, now: number): Promise<AlertRecord[]> {
  const { rows } = await db.query<AlertRow>(
    `UPDATE alerts SET resolved_at = $3 WHERE kind = $1 AND subject = $2 AND resolved_at IS NULL RETURNING ${COLUMNS}`,
    [kind, subject, now],
  );
  return rows.map(toRecord);
}

export async function listAlerts(db: Queryable, f: { open?: boolean; limit: number; cursor?: string }) {
  const w = new Where();
  if (f.open === true) w.and('resolved_at IS NULL');
  if (f.open === false) w.and('resolved_at IS NOT NULL');
  if (f.cursor) {
    const [at, id] = decodeCursor(f.cursor, ['number', 'string'] as const);
    w.and(`(raised_at, id) < (${w.p(at)}, ${w.p(id)})`);
  }
  const { rows } = await db.query<AlertRow>(
    `SELECT ${COLUMNS} FROM alerts ${w} ORDER BY raised_at DESC, id DESC LIMIT ${w.p(f.limit + 1)}`,
    w.params,
  );
  const items = rows.slice(0, f.limit).map(toRecord);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > f.limit && last ? encodeCursor([last.raisedAt, last.id]) : null };
}
