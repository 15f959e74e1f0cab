import type { Queryable } from '../db/db.ts';
import { AUTONOMOUS_FIXES } from './action-kpis.ts';
import type { KpiWindow } from './kpi-types.ts';

/** Anomaly types whose harm lasts until someone acts: a full disk stops writes, a miner starves the host's CPU. */
export const DEFAULT_OUTAGE_TYPES = ['disk_fill', 'crypto_miner', 'ddos'] as const;

export interface DowntimeEstimate {
  humanResponseMs: number;
  outageTypes: string[];
  /** Successful autonomous fixes of an outage type, started in the window. */
  fixes: number;
  /** Σ max(0, humanResponseMs − time to fix) over those fixes. */
  avoidedMs: number;
  /** Median time to fix (first evidence → playbook finished) of those fixes; null when none. */
  p50TimeToFixMs: number | null;
  byType: { type: string; fixes: number; avoidedMs: number }[];
}

/**
 * Estimated downtime avoided by autonomous fixes. Assumption (stated in the report): without the agent, the harm of
 * an outage-type anomaly would have lasted from its first evidence until a person responded, `humanResponseMs`
 * later; with the agent it lasted until the playbook finished. A fix slower than the assumed human response avoids
 * nothing (never negative). Time to fix = action finished_at − the linked anomaly's window start.
 */
export async function estimateDowntimeAvoided(
  db: Queryable,
  w: KpiWindow,
  humanResponseMs: number,
  outageTypes: readonly string[] = DEFAULT_OUTAGE_TYPES,
): Promise<DowntimeEstimate> {
  const { rows } = await db.query<{ type: string; n: number; avoided: number; p50: number | null }>(
    `SELECT anomaly_type AS type, count(*)::int AS n,
       coalesce(sum(GREATEST($3::bigint - GREATEST(ttf, 0), 0)), 0)::float8 AS avoided,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY GREATEST(ttf, 0)) AS p50
     FROM (${AUTONOMOUS_FIXES}) f WHERE anomaly_type = ANY($4::text[])
     GROUP BY ROLLUP (anomaly_type)`,
    [w.from, w.to, humanResponseMs, [...outageTypes]],
  );
  const all = rows.find((r) => r.type === null);
  return {
    humanResponseMs,
    outageTypes: [...outageTypes],
    fixes: all?.n ?? 0,
    avoidedMs: Math.round(all?.avoided ?? 0),
    p50TimeToFixMs: all?.p50 == null ? null : Math.round(all.p50),
    byType: rows
      .filter((r) => r.type !== null)
      .map((r) => ({ type: r.type, fixes: r.n, avoidedMs: Math.round(r.avoided) }))
      .sort((a, b) => b.avoidedMs - a.avoidedMs || a.type.localeCompare(b.type)),
  };
}
