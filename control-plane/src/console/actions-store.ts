import type { Queryable } from '../db/db.ts';
import { decodeCursor, encodeCursor, Where } from '../store/sql.ts';

export const APPROVAL_STATES = ['pending', 'approved', 'rejected'] as const;

/**
 * The approval queue with what happened after each decision: for an agent delivery, the agent's own follow-up
 * action record (matched by recommendationId); for SSM, the command outcome. Newest first, keyset on (received, seq).
 */
export async function approvalsPage(
  db: Queryable,
  f: { status?: (typeof APPROVAL_STATES)[number]; limit: number; cursor?: string },
) {
  const w = new Where();
  w.and("x.decision = 'recommended' AND x.mode = 'recommend'");
  if (f.status === 'pending') w.and('a.decision IS NULL');
  else if (f.status) w.and(`a.decision = ${w.p(f.status)}`);
  if (f.cursor) {
    const [at, seq] = decodeCursor(f.cursor, ['number', 'number'] as const);
    w.and(`(x.received_at, x.seq) < (${w.p(at)}::bigint, ${w.p(seq)}::bigint)`);
  }
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT x.seq, x.agent_id, x.host, x.action_id, x.playbook, x.target, x.why, x.anomaly_id, x.anomaly_type,
       x.severity, x.received_at, coalesce(a.decision, 'pending') AS status, a.decided_by, a.decided_at, a.reason,
       a.via, a.expires_at, a.outcome AS ssm_outcome, a.outcome_detail AS ssm_detail,
       e.seq AS exec_seq, e.decision AS exec_decision, e.result AS exec_result, e.finished_at AS exec_at, e.detail AS exec_detail
     FROM actions x LEFT JOIN action_approvals a ON a.action_seq = x.seq
       LEFT JOIN LATERAL (
         SELECT y.seq, y.decision, y.result, y.finished_at,
           (SELECT string_agg(o.stage || ': ' || o.detail, '; ' ORDER BY o.stage) FROM action_outcomes o
             WHERE o.action_seq = y.seq) AS detail
         FROM actions y WHERE y.agent_id = x.agent_id AND y.details->>'recommendationId' = x.action_id
           AND y.decision <> 'recommended' ORDER BY y.seq DESC LIMIT 1) e ON a.decision = 'approved'
     ${w} ORDER BY x.received_at DESC, x.seq DESC LIMIT ${w.p(f.limit + 1)}`,
    w.params,
  );
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  const items = page.map((r) => ({
    id: String(r.seq),
    agentId: r.agent_id as string | null,
    host: r.host as string | null,
    actionId: r.action_id as string,
    playbook: r.playbook as string,
    target: r.target as string | null,
    why: r.why as string,
    anomalyId: r.anomaly_id as string | null,
    anomalyType: r.anomaly_type as string | null,
    severity: r.severity as string | null,
    receivedAt: Number(r.received_at),
    status: r.status as string,
    decidedBy: r.decided_by as string | null,
    decidedAt: r.decided_at === null ? null : Number(r.decided_at),
    reason: r.reason as string | null,
    via: r.via as string | null,
    expiresAt: r.expires_at === null ? null : Number(r.expires_at),
    execution:
      r.exec_seq !== null
        ? {
            id: String(r.exec_seq),
            decision: r.exec_decision as string,
            result: r.exec_result as string,
            at: Number(r.exec_at),
            detail: (r.exec_detail as string | null) ?? '',
          }
        : r.ssm_outcome !== null
          ? {
              id: null,
              decision: 'executed',
              result: r.ssm_outcome as string,
              at: null,
              detail: r.ssm_detail as string,
            }
          : null,
  }));
  return {
    items,
    nextCursor: rows.length > f.limit && last ? encodeCursor([Number(last.received_at), Number(last.seq)]) : null,
  };
}

/** Every action record, newest first by start time, with exec/verify outcomes; filters by playbook, result, host. */
export async function actionHistory(
  db: Queryable,
  f: { playbook?: string; result?: string; host?: string; limit: number; cursor?: string },
) {
  const w = new Where();
  if (f.playbook) w.and(`x.playbook = ${w.p(f.playbook)}`);
  if (f.result) w.and(`x.result = ${w.p(f.result)}`);
  if (f.host) w.and(`x.host = ${w.p(f.host)}`);
  if (f.cursor) {
    const [at, seq] = decodeCursor(f.cursor, ['number', 'number'] as const);
    w.and(`(x.started_at, x.seq) < (${w.p(at)}::bigint, ${w.p(seq)}::bigint)`);
  }
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT x.seq, x.host, x.playbook, x.mode, x.decision, x.result, x.dry_run, x.why, x.target, x.anomaly_id,
       x.anomaly_type, x.started_at, x.finished_at, x.details->>'approvedBy' AS approved_by,
       (SELECT json_agg(json_build_object('stage', o.stage, 'ok', o.ok, 'detail', o.detail) ORDER BY o.stage)
          FROM action_outcomes o WHERE o.action_seq = x.seq) AS outcomes
     FROM actions x ${w} ORDER BY x.started_at DESC, x.seq DESC LIMIT ${w.p(f.limit + 1)}`,
    w.params,
  );
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({ ...actionView(r), anomalyType: r.anomaly_type as string | null })),
    nextCursor: rows.length > f.limit && last ? encodeCursor([Number(last.started_at), Number(last.seq)]) : null,
  };
}

/** An action row (seq, host, playbook, …, approved_by, outcomes) as the console shows it. */
export function actionView(r: Record<string, unknown>) {
  return {
    id: String(r.seq),
    host: r.host as string | null,
    playbook: r.playbook as string,
    mode: r.mode as string,
    decision: r.decision as string,
    result: r.result as string,
    dryRun: r.dry_run as boolean,
    why: r.why as string,
    target: r.target as string | null,
    anomalyId: r.anomaly_id as string | null,
    startedAt: Number(r.started_at),
    finishedAt: Number(r.finished_at),
    approvedBy: r.approved_by as string | null,
    outcomes: (r.outcomes as { stage: string; ok: boolean; detail: string }[] | null) ?? [],
  };
}
