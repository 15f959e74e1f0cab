import type { Queryable } from '../db/db.ts';
import type { DurationStats, KeyCount, KpiWindow, SuccessTally } from './kpi-types.ts';

export const bucketCount = (w: KpiWindow) => Math.max(1, Math.ceil((w.to - w.from) / w.bucketMs));

export const bucketStarts = (w: KpiWindow) => Array.from({ length: bucketCount(w) }, (_, i) => w.from + i * w.bucketMs);

export const byCountDesc = (a: KeyCount, b: KeyCount) =>
  b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);

export const tally = (success: number, failure: number): SuccessTally => ({
  success,
  failure,
  rate: ratio(success, success + failure),
});

/**
 * Distribution of the column `d` (ms) of a subquery, aggregated in the database. `inner` is constant SQL text from
 * this module's callers; values travel in `params`.
 */
export async function durationStats(db: Queryable, inner: string, params: unknown[]): Promise<DurationStats> {
  const { rows } = await db.query<{ n: number; p50: number | null; p90: number | null; mean: number | null }>(
    `SELECT count(d)::int AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS p50,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY d) AS p90, avg(d)::float8 AS mean
     FROM (${inner}) s`,
    params,
  );
  const r = rows[0];
  const round = (v: number | null) => (v === null ? null : Math.round(Number(v)));
  return { n: r?.n ?? 0, p50Ms: round(r?.p50 ?? null), p90Ms: round(r?.p90 ?? null), meanMs: round(r?.mean ?? null) };
}
