import type { Anomaly } from '../../../models/src/schema/index.ts';
import type { Queryable } from '../db/db.ts';
import { firstById } from './batches.ts';
import { decodeCursor, encodeCursor, hasNul, Where, withoutNul } from './sql.ts';

/**
 * Inserts a batch in ONE statement: each column travels as an array parameter and `unnest` turns them into rows,
 * so a 1,000-item batch costs one round trip and a constant 18 parameters (a VALUES list would need 15,000 and
 * hit the 65,535-parameter limit at ~4,300 items). `ON CONFLICT DO NOTHING` on (origin, anomaly_id) makes a
 * re-sent item a no-op; RETURNING tells which ids were new.
 */
export async function insertAnomalies(
  db: Queryable,
  origin: string,
  agentId: string | null,
  defaultHost: string | null,
  anomalies: readonly Anomaly[],
  now: number,
): Promise<Set<string>> {
  const { unique } = firstById(anomalies);
  const cols: unknown[][] = Array.from({ length: 15 }, () => new Array(unique.length));
  unique.forEach((raw, i) => {
    const evidenceJson = JSON.stringify(raw.evidence);
    const a = hasNul(JSON.stringify(raw)) ? withoutNul(raw) : raw;
    const values = [
      a.id,
      a.type,
      a.entity.kind,
      a.entity.id,
      a.source,
      a.window.start,
      a.window.end,
      a.score,
      a.threshold,
      a.model,
      a.modelVersion ?? null,
      a.severity,
      a === raw ? evidenceJson : JSON.stringify(a.evidence),
      a.host ?? defaultHost,
      a.detectedAt,
    ];
    for (let c = 0; c < 15; c++) cols[c][i] = values[c];
  });
  const { rows } = await db.query<{ anomaly_id: string }>(
    `INSERT INTO anomalies (origin, agent_id, received_at, anomaly_id, type, entity_kind, entity_id, source, ts,
       window_end, score, threshold, model, model_version, severity, evidence, host, detected_at)
     SELECT $1, $2, $3, u.id, u.type, u.ek, u.eid, u.source, round(u.ts), round(u.we), u.score, u.threshold, u.model, u.mv,
       u.severity, u.evidence::jsonb, u.host, round(u.detected)
     FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::float8[], $10::float8[],
       $11::float8[], $12::float8[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::float8[])
       AS u(id, type, ek, eid, source, ts, we, score, threshold, model, mv, severity, evidence, host, detected)
     ON CONFLICT (origin, anomaly_id) DO NOTHING
     RETURNING anomaly_id`,
    [origin, agentId, now, ...cols],
  );
  return new Set(rows.map((r) => r.anomaly_id));
}

interface AnomalyRow {
  seq: number;
  agent_id: string | null;
  anomaly_id: string;
  type: Anomaly['type'];
  entity_kind: Anomaly['entity']['kind'];
  entity_id: string;
  source: Anomaly['source'];
  ts: number;
  window_end: number;
  score: number;
  threshold: number;
  model: Anomaly['model'];
  model_version: string | null;
  severity: Anomaly['severity'];
  evidence: Anomaly['evidence'];
  host: string | null;
  detected_at: number;
  received_at: number;
}

function toAnomaly(r: AnomalyRow): Anomaly {
  const a: Anomaly = {
    id: r.anomaly_id,
    type: r.type,
    entity: { kind: r.entity_kind, id: r.entity_id },
    source: r.source,
    window: { start: r.ts, end: r.window_end },
    score: r.score,
    threshold: r.threshold,
    model: r.model,
    severity: r.severity,
    evidence: r.evidence,
    detectedAt: r.detected_at,
  };
  if (r.model_version !== null) a.modelVersion = r.model_version;
  if (r.host !== null) a.host = r.host;
  return a;
}

export interface AnomalyFilter {
  host?: string;
  type?: string;
  agentId?: string;
  since?: number;
  until?: number;
  limit: number;
  cursor?: string;
}

/** Newest first by (window start, seq); the cursor continues strictly after the last row returned. */
export async function queryAnomalies(db: Queryable, f: AnomalyFilter) {
  const w = new Where();
  if (f.host) w.and(`host = ${w.p(f.host)}`);
  if (f.type) w.and(`type = ${w.p(f.type)}`);
  if (f.agentId) w.and(`agent_id = ${w.p(f.agentId)}`);
  if (f.since !== undefined) w.and(`ts >= ${w.p(f.since)}`);
  if (f.until !== undefined) w.and(`ts < ${w.p(f.until)}`);
  if (f.cursor) {
    const [ts, seq] = decodeCursor(f.cursor, ['number', 'number'] as const);
    w.and(`(ts, seq) < (${w.p(ts)}, ${w.p(seq)})`);
  }
  const { rows } = await db.query<AnomalyRow>(
    `SELECT seq, agent_id, anomaly_id, type, entity_kind, entity_id, source, ts, window_end, score, threshold, model,
       model_version, severity, evidence, host, detected_at, received_at
     FROM anomalies ${w} ORDER BY ts DESC, seq DESC LIMIT ${w.p(f.limit + 1)}`,
    w.params,
  );
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({ anomaly: toAnomaly(r), agentId: r.agent_id, receivedAt: r.received_at })),
    nextCursor: rows.length > f.limit && last ? encodeCursor([last.ts, last.seq]) : null,
  };
}
