import type { Queryable } from '../db/db.ts';
import { actionView } from './actions-store.ts';

/** Member anomalies as getIncident returns them (the fields this module reads). */
export interface MemberAnomaly {
  id: string;
  model: string;
  score: number;
  source: string;
  evidence: Record<string, unknown>;
}

export interface ModelContribution {
  model: string;
  anomalies: number;
  maxScore: number;
}

export interface FeatureContribution {
  name: string;
  anomalies: number;
  meanContribution: number;
  maxValue: number;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Which models fired and which features drove them, over an incident's anomalies. A fused anomaly names its
 * contributors in evidence.contributors; a single-model one counts as its own model.
 */
export function contributions(anomalies: readonly MemberAnomaly[]) {
  const models = new Map<string, ModelContribution>();
  const features = new Map<string, { n: number; sum: number; max: number }>();
  const addModel = (model: string, score: number) => {
    const m = models.get(model) ?? { model, anomalies: 0, maxScore: 0 };
    m.anomalies++;
    m.maxScore = Math.max(m.maxScore, score);
    models.set(model, m);
  };
  for (const a of anomalies) {
    const contributors = Array.isArray(a.evidence.contributors) ? a.evidence.contributors : [];
    if (contributors.length === 0) addModel(a.model, a.score);
    for (const c of contributors as { model?: unknown; score?: unknown }[]) {
      if (typeof c?.model === 'string') addModel(c.model, num(c.score) ?? 0);
    }
    const top = Array.isArray(a.evidence.topFeatures) ? a.evidence.topFeatures : [];
    for (const f of top as { name?: unknown; value?: unknown; contribution?: unknown }[]) {
      if (typeof f?.name !== 'string') continue;
      const s = features.get(f.name) ?? { n: 0, sum: 0, max: Number.NEGATIVE_INFINITY };
      s.n++;
      s.sum += num(f.contribution) ?? 0;
      s.max = Math.max(s.max, num(f.value) ?? Number.NEGATIVE_INFINITY);
      features.set(f.name, s);
    }
  }
  return {
    models: [...models.values()].sort((a, b) => b.anomalies - a.anomalies || a.model.localeCompare(b.model)),
    features: [...features]
      .map(([name, s]) => ({
        name,
        anomalies: s.n,
        meanContribution: s.sum / s.n,
        maxValue: Number.isFinite(s.max) ? s.max : 0,
      }))
      .sort((a, b) => Math.abs(b.meanContribution) - Math.abs(a.meanContribution))
      .slice(0, 20),
  };
}

/** Action records about the incident's anomalies, with their exec/verify outcomes and any approval decision. */
export async function incidentActions(db: Queryable, incidentId: string) {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT x.seq, x.host, x.playbook, x.mode, x.decision, x.result, x.dry_run, x.why, x.target, x.anomaly_id,
       x.started_at, x.finished_at, x.details->>'recommendationId' AS recommendation_id,
       x.details->>'approvedBy' AS approved_by, ap.decision AS approval, ap.decided_by, ap.reason,
       (SELECT json_agg(json_build_object('stage', o.stage, 'ok', o.ok, 'detail', o.detail) ORDER BY o.stage)
          FROM action_outcomes o WHERE o.action_seq = x.seq) AS outcomes
     FROM incident_anomalies ia JOIN anomalies a ON a.seq = ia.anomaly_seq
       JOIN actions x ON x.anomaly_id = a.anomaly_id AND x.origin = a.origin
       LEFT JOIN action_approvals ap ON ap.action_seq = x.seq
     WHERE ia.incident_id = $1 ORDER BY x.started_at, x.seq LIMIT 200`,
    [incidentId],
  );
  return rows.map((r) => ({
    ...actionView(r),
    recommendationId: r.recommendation_id as string | null,
    approval: r.approval as string | null,
    decidedBy: r.decided_by as string | null,
    reason: r.reason as string | null,
  }));
}

const HOUR_MS = 3_600_000;

/**
 * Anomalies outside the incident that name the same IP, principal or entity within an hour of it, from any source
 * or service (e.g. the VPC flow or CloudTrail side of a host incident), and the other incidents sharing its keys.
 */
export async function relatedToIncident(db: Queryable, incidentId: string, keys: readonly string[], span: number[]) {
  const [from, to] = [span[0] - HOUR_MS, span[1] + HOUR_MS];
  const ips = keys.filter((k) => k.startsWith('ip:')).map((k) => k.slice(3));
  const principals = keys.filter((k) => k.startsWith('principal:')).map((k) => k.slice(10));
  const entities = keys.filter((k) => k.startsWith('entity:')).map((k) => k.slice(7));
  const anomalies = await db.query<Record<string, unknown>>(
    `SELECT a.seq, a.anomaly_id, a.type, a.source, a.entity_kind, a.entity_id, a.host, a.ts, a.score, a.severity,
       (SELECT ia2.incident_id FROM incident_anomalies ia2 WHERE ia2.anomaly_seq = a.seq LIMIT 1) AS incident_id
     FROM anomalies a
     WHERE a.ts >= $2 AND a.ts < $3
       AND NOT EXISTS (SELECT 1 FROM incident_anomalies ia WHERE ia.incident_id = $1 AND ia.anomaly_seq = a.seq)
       AND ((a.entity_kind = 'ip' AND a.entity_id = ANY($4::text[])) OR a.evidence->'targets'->>'ip' = ANY($4::text[])
         OR (a.entity_kind = 'user' AND a.entity_id = ANY($5::text[]))
         OR a.evidence->'targets'->>'principal' = ANY($5::text[])
         OR (a.entity_kind || ':' || a.entity_id) = ANY($6::text[]))
     ORDER BY a.ts DESC, a.seq DESC LIMIT 100`,
    [incidentId, from, to, ips, principals, entities],
  );
  const incidents = await db.query<Record<string, unknown>>(
    `SELECT DISTINCT i.id, i.title, i.status, i.severity, i.last_seen_at FROM incident_keys k
       JOIN incidents i ON i.id = k.incident_id
     WHERE k.key = ANY($2::text[]) AND i.id <> $1 ORDER BY i.last_seen_at DESC LIMIT 20`,
    [incidentId, keys],
  );
  return {
    anomalies: anomalies.rows.map((r) => ({
      seq: Number(r.seq),
      id: r.anomaly_id as string,
      type: r.type as string,
      source: r.source as string,
      entity: { kind: r.entity_kind as string, id: r.entity_id as string },
      host: r.host as string | null,
      start: Number(r.ts),
      score: Number(r.score),
      severity: r.severity as string,
      incidentId: r.incident_id as string | null,
    })),
    incidents: incidents.rows.map((r) => ({
      id: r.id as string,
      title: r.title as string,
      status: r.status as string,
      severity: r.severity as string,
      lastSeenAt: r.last_seen_at === null ? null : Number(r.last_seen_at),
    })),
  };
}
