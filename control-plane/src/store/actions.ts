import type { ActionReport } from '../api/schemas.ts';
import type { Queryable } from '../db/db.ts';
import { firstById } from './batches.ts';
import { hasNul, withoutNul } from './sql.ts';

const COLUMN_COUNT = 15;

function columnsOf(a: ActionReport, host: string | null): unknown[] {
  const details = {
    score: a.score,
    model: a.model,
    modelVersion: a.modelVersion,
    evidence: a.evidence,
    plan: a.plan,
    recommendationId: a.recommendationId,
    approvedBy: a.approvedBy,
  };
  return [
    a.id,
    a.playbook,
    a.mode,
    a.decision,
    a.result,
    a.dryRun,
    a.why,
    a.anomalyId ?? null,
    a.anomalyType ?? null,
    a.severity ?? null,
    a.target ?? null,
    host,
    a.startedAt,
    a.finishedAt,
    JSON.stringify(details),
  ];
}

/**
 * Inserts action records and their exec/verify outcomes, two statements for the whole batch (see insertAnomalies
 * for why unnest). Returns the ids that were new; re-sent ids are left untouched.
 */
export async function insertActions(
  db: Queryable,
  origin: string,
  agentId: string | null,
  host: string | null,
  actions: readonly ActionReport[],
  now: number,
): Promise<Set<string>> {
  const { unique } = firstById(actions);
  const clean = unique.map((a) => (hasNul(JSON.stringify(a)) ? withoutNul(a) : a));
  const cols: unknown[][] = Array.from({ length: COLUMN_COUNT }, () => new Array(clean.length));
  clean.forEach((a, i) => {
    const values = columnsOf(a, host);
    for (let c = 0; c < COLUMN_COUNT; c++) cols[c][i] = values[c];
  });
  const { rows } = await db.query<{ seq: number; action_id: string }>(
    `INSERT INTO actions (origin, agent_id, received_at, action_id, playbook, mode, decision, result, dry_run, why,
       anomaly_id, anomaly_type, severity, target, host, started_at, finished_at, details)
     SELECT $1, $2, $3, u.id, u.playbook, u.mode, u.decision, u.result, u.dry_run, u.why, u.anomaly_id, u.anomaly_type,
       u.severity, u.target, u.host, round(u.started), round(u.finished), u.details::jsonb
     FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::boolean[], $10::text[], $11::text[],
       $12::text[], $13::text[], $14::text[], $15::text[], $16::float8[], $17::float8[], $18::text[])
       AS u(id, playbook, mode, decision, result, dry_run, why, anomaly_id, anomaly_type, severity, target, host,
            started, finished, details)
     ON CONFLICT (origin, action_id) DO NOTHING
     RETURNING seq, action_id`,
    [origin, agentId, now, ...cols],
  );
  await insertOutcomes(db, rows, clean, now);
  return new Set(rows.map((r) => r.action_id));
}

async function insertOutcomes(
  db: Queryable,
  inserted: { seq: number; action_id: string }[],
  actions: readonly ActionReport[],
  now: number,
): Promise<void> {
  const byId = new Map(actions.map((a) => [a.id, a]));
  const seqs: number[] = [];
  const stages: string[] = [];
  const oks: boolean[] = [];
  const details: string[] = [];
  const facts: (string | null)[] = [];
  for (const row of inserted) {
    const a = byId.get(row.action_id)!;
    for (const stage of ['exec', 'verify'] as const) {
      const r = a[stage];
      if (!r) continue;
      seqs.push(row.seq);
      stages.push(stage);
      oks.push(r.ok);
      details.push(r.detail);
      facts.push(r.facts ? JSON.stringify(r.facts) : null);
    }
  }
  if (seqs.length === 0) return;
  await db.query(
    `INSERT INTO action_outcomes (action_seq, stage, ok, detail, facts, recorded_at)
     SELECT u.seq, u.stage, u.ok, u.detail, u.facts::jsonb, $6
     FROM unnest($1::bigint[], $2::text[], $3::boolean[], $4::text[], $5::text[]) AS u(seq, stage, ok, detail, facts)`,
    [seqs, stages, oks, details, facts, now],
  );
}
