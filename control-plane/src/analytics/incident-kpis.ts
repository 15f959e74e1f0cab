import type { Queryable } from '../db/db.ts';
import type { IncidentCounts, IncidentTypeRow, KpiReport, KpiWindow, PrecisionCounts } from './kpi-types.ts';
import { bucketCount, durationStats, ratio } from './sql-helpers.ts';

/**
 * Incidents opened in the window with their type: the correlation rule's kind, or for a single-model incident the
 * type of its first member anomaly (a primary-key lookup on incident_anomalies, then on anomalies).
 */
const TYPED_INCIDENTS = `
  SELECT i.id, i.status, i.opened_at, i.closed_at, i.first_seen_at,
    coalesce(NULLIF(i.kind, 'model'), m.type, 'unknown') AS type
  FROM incidents i
  LEFT JOIN LATERAL (
    SELECT a.type FROM incident_anomalies ia JOIN anomalies a ON a.seq = ia.anomaly_seq
    WHERE ia.incident_id = i.id AND i.kind = 'model' ORDER BY ia.anomaly_seq LIMIT 1) m ON true
  WHERE i.opened_at >= $1::bigint AND i.opened_at < $2::bigint`;

const emptyCounts = (): IncidentCounts => ({ total: 0, open: 0, acknowledged: 0, resolved: 0, falsePositive: 0 });

function add(c: IncidentCounts, status: string, n: number) {
  c.total += n;
  if (status === 'open') c.open += n;
  else if (status === 'acknowledged') c.acknowledged += n;
  else if (status === 'resolved') c.resolved += n;
  else if (status === 'false_positive') c.falsePositive += n;
}

const precisionOf = (confirmed: number, falsePositive: number): PrecisionCounts => ({
  confirmed,
  falsePositive,
  precision: ratio(confirmed, confirmed + falsePositive),
});

export async function incidentKpis(
  db: Queryable,
  w: KpiWindow,
): Promise<
  Pick<KpiReport, 'incidents' | 'mttd' | 'mttr'> & { incidentPrecision: KpiReport['precision']['incidents'] }
> {
  const { rows } = await db.query<{ type: string | null; status: string | null; b: number | null; n: number }>(
    `WITH t AS (${TYPED_INCIDENTS})
     SELECT type, status, (opened_at - $1::bigint) / $3::bigint AS b, count(*)::int AS n
     FROM t GROUP BY GROUPING SETS ((type, status), ((opened_at - $1::bigint) / $3::bigint))`,
    [w.from, w.to, w.bucketMs],
  );
  const totals = emptyCounts();
  const byType = new Map<string, IncidentTypeRow>();
  const openedSeries = new Array(bucketCount(w)).fill(0);
  for (const r of rows) {
    if (r.type === null || r.status === null) {
      if (r.b !== null) openedSeries[r.b] += r.n;
      continue;
    }
    const row = byType.get(r.type) ?? { type: r.type, ...emptyCounts() };
    add(row, r.status, r.n);
    add(totals, r.status, r.n);
    byType.set(r.type, row);
  }
  const types = [...byType.values()].sort((a, b) => b.total - a.total || a.type.localeCompare(b.type));
  const closedByType = types
    .filter((t) => t.resolved + t.falsePositive > 0)
    .map((t) => ({ type: t.type, ...precisionOf(t.resolved, t.falsePositive) }));
  return {
    incidents: { ...totals, byType: types, openedSeries },
    incidentPrecision: { ...precisionOf(totals.resolved, totals.falsePositive), byType: closedByType },
    mttd: await durationStats(
      db,
      `SELECT GREATEST(opened_at - first_seen_at, 0) AS d FROM incidents
       WHERE opened_at >= $1::bigint AND opened_at < $2::bigint AND status <> 'false_positive'
         AND first_seen_at IS NOT NULL`,
      [w.from, w.to],
    ),
    mttr: await durationStats(
      db,
      `SELECT closed_at - opened_at AS d FROM incidents
       WHERE status = 'resolved' AND closed_at >= $1::bigint AND closed_at < $2::bigint`,
      [w.from, w.to],
    ),
  };
}

/** Feedback labels created in the window (feedback_labels_created index). */
export async function labelPrecision(db: Queryable, w: KpiWindow): Promise<KpiReport['precision']['labels']> {
  const { rows } = await db.query<{ label: string; n: number }>(
    `SELECT label, count(*)::int AS n FROM feedback_labels
     WHERE created_at >= $1::bigint AND created_at < $2::bigint GROUP BY label`,
    [w.from, w.to],
  );
  const n = (label: string) => rows.find((r) => r.label === label)?.n ?? 0;
  return { ...precisionOf(n('true_positive'), n('false_positive')), benign: n('benign'), unsure: n('unsure') };
}
