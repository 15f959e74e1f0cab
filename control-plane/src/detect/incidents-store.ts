import { randomBytes } from 'node:crypto';
import type { Anomaly, Severity } from '../../../models/src/schema/index.ts';
import type { Queryable } from '../db/db.ts';
import { decodeCursor, encodeCursor, Where } from '../store/sql.ts';

export const INCIDENT_STATES = ['open', 'acknowledged', 'resolved', 'false_positive'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];
const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };
export const maxSeverity = (a: Severity, b: Severity): Severity => (SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b);

/** One stored anomaly on its way into an incident, with what correlation decided about it. */
export interface Placement {
  seq: number;
  anomaly: Anomaly;
  keys: string[];
  kind: string;
  title: string;
  severity: Severity;
}

export interface IncidentRow {
  id: string;
  title: string;
  kind: string;
  status: IncidentState;
  severity: Severity;
  openedAt: number;
  updatedAt: number;
  closedAt: number | null;
  firstSeenAt: number | null;
  lastSeenAt: number | null;
  anomalyCount: number;
  updatedBy: string | null;
  summary: Record<string, unknown>;
}

export const COLUMNS = `id, title, kind, status, severity, opened_at, updated_at, closed_at, first_seen_at, last_seen_at,
  anomaly_count, updated_by, summary`;

export function toIncident(r: Record<string, unknown>): IncidentRow {
  return {
    id: r.id as string,
    title: r.title as string,
    kind: r.kind as string,
    status: r.status as IncidentState,
    severity: r.severity as Severity,
    openedAt: Number(r.opened_at),
    updatedAt: Number(r.updated_at),
    closedAt: r.closed_at === null ? null : Number(r.closed_at),
    firstSeenAt: r.first_seen_at === null ? null : Number(r.first_seen_at),
    lastSeenAt: r.last_seen_at === null ? null : Number(r.last_seen_at),
    anomalyCount: Number(r.anomaly_count),
    updatedBy: (r.updated_by as string | null) ?? null,
    summary: (r.summary as Record<string, unknown>) ?? {},
  };
}

const newIncidentId = () => `inc_${randomBytes(12).toString('hex')}`;

/**
 * Puts a stored anomaly into the live incident that shares one of its keys and was seen within `gapMs`, or opens a
 * new one. A resolved or false-positive incident is never reopened: a recurrence is a new incident.
 */
export async function placeAnomaly(tx: Queryable, p: Placement, gapMs: number, now: number): Promise<string> {
  const { rows } = await tx.query<{ id: string; severity: Severity; kind: string }>(
    `SELECT i.id, i.severity, i.kind FROM incident_keys k JOIN incidents i ON i.id = k.incident_id
     WHERE k.key = ANY($1::text[]) AND i.status IN ('open', 'acknowledged') AND i.last_seen_at >= $2
     ORDER BY i.last_seen_at DESC LIMIT 1`,
    [p.keys, p.anomaly.window.start - gapMs],
  );
  const found = rows[0];
  const id = found?.id ?? newIncidentId();
  if (!found) {
    await tx.query(
      `INSERT INTO incidents (id, title, status, severity, opened_at, updated_at, kind, first_seen_at, last_seen_at,
         anomaly_count, summary)
       VALUES ($1, $2, 'open', $3, $4, $4, $5, $6, $7, 0, $8::jsonb)`,
      [id, p.title, p.severity, now, p.kind, p.anomaly.window.start, p.anomaly.window.end, JSON.stringify({})],
    );
  }
  const linked = await tx.query(
    'INSERT INTO incident_anomalies (incident_id, anomaly_seq) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    [id, p.seq],
  );
  await tx.query('INSERT INTO incident_keys (incident_id, key) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [
    id,
    p.keys,
  ]);
  if (found) {
    // a fleet rule that fires later upgrades the incident's kind and title (model -> distributed_brute_force)
    const upgrade = found.kind === 'model' && p.kind !== 'model';
    await tx.query(
      `UPDATE incidents SET severity = $2, updated_at = $3, last_seen_at = GREATEST(last_seen_at, $4::bigint),
         first_seen_at = LEAST(first_seen_at, $5::bigint), anomaly_count = anomaly_count + $6::int,
         kind = CASE WHEN $7::boolean THEN $8::text ELSE kind END,
         title = CASE WHEN $7::boolean THEN $9::text ELSE title END
       WHERE id = $1`,
      [
        id,
        maxSeverity(found.severity, p.severity),
        now,
        p.anomaly.window.end,
        p.anomaly.window.start,
        linked.rowCount,
        upgrade,
        p.kind,
        p.title,
      ],
    );
  } else {
    await tx.query('UPDATE incidents SET anomaly_count = $2 WHERE id = $1', [id, linked.rowCount]);
  }
  return id;
}

export interface IncidentFilter {
  status?: IncidentState;
  severity?: Severity;
  kind?: string;
  since?: number;
  limit: number;
  cursor?: string;
}

/** Newest activity first (last_seen_at, id); the cursor continues strictly after the last row returned. */
export async function listIncidents(db: Queryable, f: IncidentFilter) {
  const w = new Where();
  if (f.status) w.and(`status = ${w.p(f.status)}`);
  if (f.severity) w.and(`severity = ${w.p(f.severity)}`);
  if (f.kind) w.and(`kind = ${w.p(f.kind)}`);
  if (f.since !== undefined) w.and(`last_seen_at >= ${w.p(f.since)}`);
  if (f.cursor) {
    const [seen, id] = decodeCursor(f.cursor, ['number', 'string'] as const);
    w.and(`(last_seen_at, id) < (${w.p(seen)}, ${w.p(id)})`);
  }
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM incidents ${w} ORDER BY last_seen_at DESC, id DESC LIMIT ${w.p(f.limit + 1)}`,
    w.params,
  );
  const page = rows.slice(0, f.limit).map(toIncident);
  const last = page[page.length - 1];
  return {
    items: page,
    nextCursor: rows.length > f.limit && last ? encodeCursor([last.lastSeenAt ?? 0, last.id]) : null,
  };
}

export async function getIncident(db: Queryable, id: string, maxAnomalies = 500) {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM incidents WHERE id = $1`, [id]);
  if (!rows[0]) return null;
  const keys = await db.query<{ key: string }>('SELECT key FROM incident_keys WHERE incident_id = $1 ORDER BY key', [
    id,
  ]);
  const anomalies = await db.query<Record<string, unknown>>(
    `SELECT a.seq, a.origin, a.anomaly_id, a.type, a.entity_kind, a.entity_id, a.source, a.ts, a.window_end, a.score,
       a.threshold, a.model, a.severity, a.evidence, a.host
     FROM incident_anomalies ia JOIN anomalies a ON a.seq = ia.anomaly_seq
     WHERE ia.incident_id = $1 ORDER BY a.ts, a.seq LIMIT $2`,
    [id, maxAnomalies],
  );
  return {
    incident: toIncident(rows[0]),
    keys: keys.rows.map((r) => r.key),
    anomalies: anomalies.rows.map((r) => ({
      seq: Number(r.seq),
      origin: r.origin as string,
      id: r.anomaly_id as string,
      type: r.type as string,
      entity: { kind: r.entity_kind as string, id: r.entity_id as string },
      source: r.source as string,
      window: { start: Number(r.ts), end: Number(r.window_end) },
      score: Number(r.score),
      threshold: Number(r.threshold),
      model: r.model as string,
      severity: r.severity as string,
      host: (r.host as string | null) ?? null,
      evidence: r.evidence as Record<string, unknown>,
    })),
  };
}

const LABEL_OF: Partial<Record<IncidentState, string>> = {
  false_positive: 'false_positive',
  resolved: 'true_positive',
};

/**
 * Moves an incident through its lifecycle. Closing it as resolved (a true positive) or false_positive stores one
 * feedback label per member anomaly, for retraining. Returns null when there is no such incident.
 */
export async function setIncidentState(
  tx: Queryable,
  id: string,
  change: { state: IncidentState; by: string; note?: string; now: number },
): Promise<{ incident: IncidentRow; labels: number } | null> {
  const closed = change.state === 'resolved' || change.state === 'false_positive';
  const { rows } = await tx.query(
    `UPDATE incidents SET status = $2, updated_at = $3::bigint, updated_by = $4,
       closed_at = CASE WHEN $5::boolean THEN $3::bigint ELSE NULL END
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, change.state, change.now, change.by, closed],
  );
  if (!rows[0]) return null;
  const label = LABEL_OF[change.state];
  let labels = 0;
  if (label) {
    const res = await tx.query(
      `INSERT INTO feedback_labels (id, anomaly_origin, anomaly_id, label, anomaly_type, note, created_by, created_at,
         incident_id)
       SELECT 'fbl_' || md5($1::text || a.origin || a.anomaly_id || $5::bigint::text), a.origin, a.anomaly_id, $2, a.type,
         $3, $4, $5::bigint, $1::text
       FROM incident_anomalies ia JOIN anomalies a ON a.seq = ia.anomaly_seq WHERE ia.incident_id = $1
       ON CONFLICT (id) DO NOTHING`,
      [id, label, change.note ?? null, change.by, change.now],
    );
    labels = res.rowCount;
  }
  return { incident: toIncident(rows[0]), labels };
}
