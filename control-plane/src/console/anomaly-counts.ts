/**
 * Reads of anomaly_counts_hourly (migration 0006): anomalies per hour by type, source and host, kept exact by
 * triggers on the anomalies table. Whole hours come from the rollup; a partial hour at either edge of a window
 * comes from the anomalies themselves, so every count here equals a count(*) over anomalies.
 */
export const HOUR_MS = 3_600_000;

export const floorHour = (t: number) => t - (((t % HOUR_MS) + HOUR_MS) % HOUR_MS);
export const ceilHour = (t: number) => floorHour(t + HOUR_MS - 1);

/**
 * SQL for (host, n): anomalies per host with a window start at or after `since` (no upper bound, like the raw
 * count it replaces). `p` binds a value and returns its placeholder.
 */
export function hostCountsSince(since: number, p: (v: unknown) => string): string {
  const edge = ceilHour(since);
  const rollup = `SELECT name AS host, n FROM anomaly_counts_hourly WHERE dim = 'host' AND hour >= ${p(edge)}::bigint`;
  if (edge === since) return `SELECT host, sum(n)::int AS n FROM (${rollup}) r GROUP BY host`;
  return `SELECT host, sum(n)::int AS n FROM (
      ${rollup}
      UNION ALL
      SELECT host, count(*) AS n FROM anomalies
      WHERE ts >= ${p(since)}::bigint AND ts < ${p(edge)}::bigint AND host IS NOT NULL GROUP BY host
    ) r GROUP BY host`;
}
