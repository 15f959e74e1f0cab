import type { Queryable } from '../db/db.ts';
import type { DurationStats, KeyCount, KpiReport, KpiWindow } from './kpi-types.ts';
import { bucketCount, byCountDesc, durationStats } from './sql-helpers.ts';

type AnomalyKpis = Pick<KpiReport, 'anomalies' | 'top'>;

// GROUPING() bit masks of the sets below (bits, left to right: b, type, source, severity, host, usr; 1 = not grouped)
const SET_BUCKET_TYPE = 0b001111;
const SET_SOURCE = 0b110111;
const SET_SEVERITY = 0b111011;
const SET_HOST = 0b111101;
const SET_USER = 0b111110;

/**
 * One scan of the window's anomalies (range on anomalies_ts) aggregated five ways with GROUPING SETS; the host and
 * user sets are cut to the top N inside the database so a fleet of 100k users returns N rows, not 100k.
 */
export async function anomalyKpis(db: Queryable, w: KpiWindow, topN: number): Promise<AnomalyKpis> {
  const { rows } = await db.query<{ gs: number; b: number | null; k: string | null; n: number }>(
    `WITH a AS (
       SELECT (ts - $1::bigint) / $3::bigint AS b, type, source, severity, host,
         CASE WHEN entity_kind = 'user' THEN entity_id END AS usr
       FROM anomalies WHERE ts >= $1::bigint AND ts < $2::bigint),
     g AS (
       SELECT GROUPING(b, type, source, severity, host, usr) AS gs, b,
         coalesce(type, source, severity, host, usr) AS k, count(*)::int AS n
       FROM a GROUP BY GROUPING SETS ((b, type), (source), (severity), (host), (usr)))
     SELECT gs, b, k, n FROM (
       SELECT g.*, row_number() OVER (PARTITION BY gs ORDER BY n DESC, k) AS rk FROM g
       WHERE k IS NOT NULL) r
     WHERE gs NOT IN (${SET_HOST}, ${SET_USER}) OR rk <= $4`,
    [w.from, w.to, w.bucketMs, topN],
  );
  const nb = bucketCount(w);
  const seriesByType: Record<string, number[]> = {};
  const typeTotals = new Map<string, number>();
  const lists = new Map<number, KeyCount[]>([
    [SET_SOURCE, []],
    [SET_SEVERITY, []],
    [SET_HOST, []],
    [SET_USER, []],
  ]);
  let total = 0;
  for (const r of rows) {
    if (r.gs === SET_BUCKET_TYPE && r.k !== null && r.b !== null) {
      seriesByType[r.k] ??= new Array(nb).fill(0);
      seriesByType[r.k][r.b] += r.n;
      typeTotals.set(r.k, (typeTotals.get(r.k) ?? 0) + r.n);
      total += r.n;
    } else {
      lists.get(r.gs)?.push({ key: r.k as string, count: r.n });
    }
  }
  const sorted = (gs: number) => (lists.get(gs) ?? []).sort(byCountDesc);
  return {
    anomalies: {
      total,
      byType: [...typeTotals].map(([key, count]) => ({ key, count })).sort(byCountDesc),
      bySource: sorted(SET_SOURCE),
      bySeverity: sorted(SET_SEVERITY),
      seriesByType,
      detectionLatency: await detectionLatency(db, w),
    },
    top: { hosts: sorted(SET_HOST), users: sorted(SET_USER) },
  };
}

/** detected_at − ts per anomaly in the window; negative values (sender clock skew) are clamped to 0. */
async function detectionLatency(db: Queryable, w: KpiWindow): Promise<DurationStats> {
  return durationStats(
    db,
    `SELECT GREATEST(detected_at - ts, 0) AS d FROM anomalies WHERE ts >= $1::bigint AND ts < $2::bigint`,
    [w.from, w.to],
  );
}
