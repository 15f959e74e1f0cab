import type { Queryable } from '../db/db.ts';
import { decodeCursor, encodeCursor, Where } from './sql.ts';

export interface AuditRecord {
  at: number;
  actorKind: 'operator' | 'agent' | 'anonymous' | 'system';
  actorId: string | null;
  action: string;
  target: string | null;
  result: 'ok' | 'denied' | 'error';
  status: number | null;
  requestId: string | null;
  ip: string | null;
  detail: Record<string, unknown> | null;
}

export async function writeAudit(db: Queryable, e: AuditRecord): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (at, actor_kind, actor_id, action, target, result, status, request_id, ip, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)`,
    [
      e.at,
      e.actorKind,
      e.actorId,
      e.action,
      e.target,
      e.result,
      e.status,
      e.requestId,
      e.ip,
      e.detail ? JSON.stringify(e.detail) : null,
    ],
  );
}

interface AuditRow {
  seq: number;
  at: number;
  actor_kind: AuditRecord['actorKind'];
  actor_id: string | null;
  action: string;
  target: string | null;
  result: AuditRecord['result'];
  status: number | null;
  request_id: string | null;
  ip: string | null;
  detail: Record<string, unknown> | null;
}

export async function queryAudit(
  db: Queryable,
  f: { actor?: string; action?: string; since?: number; until?: number; limit: number; cursor?: string },
) {
  const w = new Where();
  if (f.actor) w.and(`actor_id = ${w.p(f.actor)}`);
  if (f.action) w.and(`action = ${w.p(f.action)}`);
  if (f.since !== undefined) w.and(`at >= ${w.p(f.since)}`);
  if (f.until !== undefined) w.and(`at < ${w.p(f.until)}`);
  if (f.cursor) w.and(`seq < ${w.p(decodeCursor(f.cursor, ['number'] as const)[0])}`);
  const { rows } = await db.query<AuditRow>(
    `SELECT seq, at, actor_kind, actor_id, action, target, result, status, request_id, ip, detail
     FROM audit_log ${w} ORDER BY seq DESC LIMIT ${w.p(f.limit + 1)}`,
    w.params,
  );
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      seq: r.seq,
      at: r.at,
      actorKind: r.actor_kind,
      actorId: r.actor_id,
      action: r.action,
      target: r.target,
      result: r.result,
      status: r.status,
      requestId: r.request_id,
      ip: r.ip,
      detail: r.detail,
    })),
    nextCursor: rows.length > f.limit && last ? encodeCursor([last.seq]) : null,
  };
}
