import type { Queryable } from '../db/db.ts';

export interface Tally {
  success: number;
  failure: number;
  /** success / (success + failure), null when nothing finished yet. */
  rate: number | null;
}
export interface PlaybookStats {
  auto: Tally;
  approved: Tally;
}

const tally = (success: number, failure: number): Tally => ({
  success,
  failure,
  rate: success + failure > 0 ? success / (success + failure) : null,
});

/**
 * Success rates per playbook, the figure that says whether autonomous response can be trusted.
 * auto = agent records of mode auto that executed for real (dry runs excluded); approved = records executed because
 * a person approved them (approvedBy set) plus SSM runs of approvals with a known outcome.
 */
export async function actionStats(db: Queryable, since: number): Promise<Record<string, PlaybookStats>> {
  const { rows } = await db.query<{ playbook: string; kind: 'auto' | 'approved'; ok: number; bad: number }>(
    `SELECT playbook, CASE WHEN mode = 'auto' AND details->>'approvedBy' IS NULL THEN 'auto' ELSE 'approved' END AS kind,
       count(*) FILTER (WHERE result = 'success')::int AS ok, count(*) FILTER (WHERE result = 'failure')::int AS bad
     FROM actions
     WHERE decision = 'executed' AND NOT dry_run AND started_at >= $1
       AND (mode = 'auto' OR details->>'approvedBy' IS NOT NULL)
     GROUP BY 1, 2
     UNION ALL
     SELECT x.playbook, 'approved', count(*) FILTER (WHERE a.outcome = 'success')::int,
       count(*) FILTER (WHERE a.outcome = 'failure')::int
     FROM action_approvals a JOIN actions x ON x.seq = a.action_seq
     WHERE a.via = 'ssm' AND a.outcome IS NOT NULL AND a.decided_at >= $1
     GROUP BY 1`,
    [since],
  );
  const out: Record<string, PlaybookStats> = {};
  const sums = new Map<string, { auto: [number, number]; approved: [number, number] }>();
  for (const r of rows) {
    const s = sums.get(r.playbook) ?? { auto: [0, 0], approved: [0, 0] };
    s[r.kind][0] += r.ok;
    s[r.kind][1] += r.bad;
    sums.set(r.playbook, s);
  }
  for (const [playbook, s] of [...sums].sort(([a], [b]) => a.localeCompare(b))) {
    out[playbook] = { auto: tally(...s.auto), approved: tally(...s.approved) };
  }
  return out;
}

export interface RecommendationView {
  id: string;
  agentId: string | null;
  host: string | null;
  actionId: string;
  playbook: string;
  target: string | null;
  why: string;
  anomalyId: string | null;
  severity: string | null;
  receivedAt: number;
  status: 'pending' | 'approved' | 'rejected';
  decidedBy: string | null;
  reason: string | null;
  via: string | null;
  outcome: string | null;
}

/** Recommendations for the operator queue, newest first; `status` filters pending / approved / rejected. */
export async function listRecommendations(db: Queryable, status: string | undefined, limit: number) {
  const { rows } = await db.query<Record<string, never>>(
    `SELECT x.seq::text AS id, x.agent_id, x.host, x.action_id, x.playbook, x.target, x.why, x.anomaly_id, x.severity,
       x.received_at, coalesce(a.decision, 'pending') AS status, a.decided_by, a.reason, a.via, a.outcome
     FROM actions x LEFT JOIN action_approvals a ON a.action_seq = x.seq
     WHERE x.decision = 'recommended' AND x.mode = 'recommend'
       AND ($1::text IS NULL OR coalesce(a.decision, 'pending') = $1)
     ORDER BY x.received_at DESC, x.seq DESC LIMIT $2`,
    [status ?? null, limit],
  );
  return rows.map(
    (r): RecommendationView => ({
      id: r.id,
      agentId: r.agent_id,
      host: r.host,
      actionId: r.action_id,
      playbook: r.playbook,
      target: r.target,
      why: r.why,
      anomalyId: r.anomaly_id,
      severity: r.severity,
      receivedAt: r.received_at,
      status: r.status,
      decidedBy: r.decided_by,
      reason: r.reason,
      via: r.via,
      outcome: r.outcome,
    }),
  );
}
