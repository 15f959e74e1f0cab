import type { Queryable } from '../db/db.ts';
import type { KeyCount, KpiReport, KpiWindow, PlaybookRow } from './kpi-types.ts';
import { byCountDesc, durationStats, tally } from './sql-helpers.ts';

/** Autonomous = the agent acted on its own: mode auto and no person's approval on the record (actions/stats.ts). */
export const AUTONOMOUS = `x.mode = 'auto' AND x.details->>'approvedBy' IS NULL`;

/** Successful autonomous executions joined to the anomaly they answered (unique (origin, anomaly_id) lookup). */
export const AUTONOMOUS_FIXES = `
  SELECT x.playbook, a.type AS anomaly_type, x.finished_at, a.ts AS evidence_at, x.finished_at - a.ts AS ttf
  FROM actions x JOIN anomalies a ON a.origin = x.agent_id AND a.anomaly_id = x.anomaly_id
  WHERE x.started_at >= $1::bigint AND x.started_at < $2::bigint AND x.decision = 'executed' AND NOT x.dry_run
    AND x.result = 'success' AND ${AUTONOMOUS}`;

interface Group {
  playbook: string;
  decision: string;
  kind: 'auto' | 'approved' | 'other';
  dry_run: boolean;
  ok: number;
  bad: number;
  n: number;
}

export async function actionKpis(db: Queryable, w: KpiWindow): Promise<KpiReport['actions']> {
  const { rows } = await db.query<Group>(
    `SELECT x.playbook, x.decision, x.dry_run,
       CASE WHEN ${AUTONOMOUS} THEN 'auto' WHEN x.details->>'approvedBy' IS NOT NULL THEN 'approved' ELSE 'other' END
         AS kind,
       count(*) FILTER (WHERE x.result = 'success')::int AS ok, count(*) FILTER (WHERE x.result = 'failure')::int AS bad,
       count(*)::int AS n
     FROM actions x WHERE x.started_at >= $1::bigint AND x.started_at < $2::bigint
     GROUP BY 1, 2, 3, 4`,
    [w.from, w.to],
  );
  // SSM runs of approvals have no agent record; their outcome lives on the approval (decided in the window).
  const ssm = await db.query<{ playbook: string; ok: number; bad: number }>(
    `SELECT x.playbook, count(*) FILTER (WHERE a.outcome = 'success')::int AS ok,
       count(*) FILTER (WHERE a.outcome = 'failure')::int AS bad
     FROM action_approvals a JOIN actions x ON x.seq = a.action_seq
     WHERE a.via = 'ssm' AND a.outcome IS NOT NULL AND a.decided_at >= $1::bigint AND a.decided_at < $2::bigint
     GROUP BY 1`,
    [w.from, w.to],
  );
  const books = new Map<string, { recommended: number; auto: [number, number]; approved: [number, number] }>();
  const book = (p: string) => {
    const b = books.get(p) ?? {
      recommended: 0,
      auto: [0, 0] as [number, number],
      approved: [0, 0] as [number, number],
    };
    books.set(p, b);
    return b;
  };
  const decisions = new Map<string, number>();
  let total = 0;
  let dryRuns = 0;
  for (const r of rows) {
    total += r.n;
    decisions.set(r.decision, (decisions.get(r.decision) ?? 0) + r.n);
    if (r.dry_run) dryRuns += r.n;
    const b = book(r.playbook);
    if (r.decision === 'recommended') b.recommended += r.n;
    if (r.decision !== 'executed' || r.dry_run || r.kind === 'other') continue;
    b[r.kind][0] += r.ok;
    b[r.kind][1] += r.bad;
  }
  for (const r of ssm.rows) {
    const b = book(r.playbook);
    b.approved[0] += r.ok;
    b.approved[1] += r.bad;
  }
  const byPlaybook: PlaybookRow[] = [...books]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([playbook, b]) => ({
      playbook,
      recommended: b.recommended,
      auto: tally(...b.auto),
      approved: tally(...b.approved),
    }));
  const sum = (k: 'auto' | 'approved', i: 0 | 1) =>
    byPlaybook.reduce((s, p) => s + p[k][i === 0 ? 'success' : 'failure'], 0);
  const byDecision: KeyCount[] = [...decisions].map(([key, count]) => ({ key, count })).sort(byCountDesc);
  return {
    total,
    byDecision,
    dryRuns,
    executed: tally(sum('auto', 0) + sum('approved', 0), sum('auto', 1) + sum('approved', 1)),
    autonomous: {
      ...tally(sum('auto', 0), sum('auto', 1)),
      timeToFix: await durationStats(db, `SELECT GREATEST(ttf, 0) AS d FROM (${AUTONOMOUS_FIXES}) f`, [w.from, w.to]),
    },
    approved: tally(sum('approved', 0), sum('approved', 1)),
    byPlaybook,
  };
}
