import type { Queryable } from '../db/db.ts';
import { ApiError } from '../http/errors.ts';
import { floorHour, HOUR_MS } from './anomaly-counts.ts';

export const MAX_BUCKETS = 500;
/** Groups beyond this many are summed into "other" so a chart stays legible. */
export const MAX_SERIES = 8;

export interface TimelineQuery {
  from: number;
  to: number;
  bucketMs: number;
  by: 'type' | 'source';
  host?: string;
}

export interface Timeline {
  from: number;
  to: number;
  bucketMs: number;
  by: 'type' | 'source';
  /** Start of each bucket (epoch ms). */
  buckets: number[];
  series: { name: string; total: number; counts: number[] }[];
}

type Cell = { b: number; g: string; n: number };

/** Whole hours of the rollup can answer when buckets are whole hours starting on an hour, for the whole fleet. */
export const rollupAnswers = (q: TimelineQuery) => !q.host && q.from % HOUR_MS === 0 && q.bucketMs % HOUR_MS === 0;

/** Counts per (bucket, group) from the anomalies in [lo, hi): an index range scan of anomalies_ts (or host_ts). */
async function rawCells(db: Queryable, q: TimelineQuery, lo: number, hi: number): Promise<Cell[]> {
  const column = q.by === 'type' ? 'type' : 'source';
  const params: unknown[] = [q.from, q.bucketMs, lo, hi];
  const hostClause = q.host ? `AND host = $${params.push(q.host)}` : '';
  const { rows } = await db.query<Cell>(
    `SELECT ((ts - $1::bigint) / $2::bigint)::int AS b, ${column} AS g, count(*)::int AS n
     FROM anomalies WHERE ts >= $3::bigint AND ts < $4::bigint ${hostClause} GROUP BY 1, 2`,
    params,
  );
  return rows;
}

/** Counts per (bucket, group) from the hourly rollup: one row per hour and series in [from, hi). */
async function rollupCells(db: Queryable, q: TimelineQuery, hi: number): Promise<Cell[]> {
  const { rows } = await db.query<Cell>(
    `SELECT ((hour - $1::bigint) / $2::bigint)::int AS b, name AS g, sum(n)::int AS n
     FROM anomaly_counts_hourly WHERE dim = $3 AND hour >= $1::bigint AND hour < $4::bigint GROUP BY 1, 2`,
    [q.from, q.bucketMs, q.by, hi],
  );
  return rows;
}

/**
 * Anomaly counts per time bucket and type (or source), by window start. When the buckets are whole hours the
 * hourly rollup answers (at most one row per hour and series) and only a partial last hour is counted from the
 * anomalies; otherwise, or for one host, one grouped range scan of the anomalies. The largest groups get their
 * own series, the rest are summed into "other".
 */
export async function anomalyTimeline(db: Queryable, q: TimelineQuery): Promise<Timeline> {
  if (q.to <= q.from) throw new ApiError(400, 'invalid_request', 'to must be after from', 'to');
  const n = Math.ceil((q.to - q.from) / q.bucketMs);
  if (n > MAX_BUCKETS) {
    throw new ApiError(400, 'invalid_request', `${n} buckets requested; at most ${MAX_BUCKETS}`, 'bucket');
  }
  let rows: Cell[];
  if (rollupAnswers(q)) {
    const whole = floorHour(q.to);
    rows = await rollupCells(db, q, whole);
    if (whole < q.to) rows = rows.concat(await rawCells(db, q, whole, q.to));
  } else rows = await rawCells(db, q, q.from, q.to);
  const byGroup = new Map<string, number[]>();
  for (const r of rows) {
    let counts = byGroup.get(r.g);
    if (!counts) byGroup.set(r.g, (counts = new Array(n).fill(0)));
    counts[r.b] += r.n;
  }
  const ranked = [...byGroup]
    .map(([name, counts]) => ({ name, counts, total: counts.reduce((s, v) => s + v, 0) }))
    .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
  const series = ranked.slice(0, MAX_SERIES);
  const rest = ranked.slice(MAX_SERIES);
  if (rest.length > 0) {
    const counts = new Array(n).fill(0);
    for (const s of rest) for (let i = 0; i < n; i++) counts[i] += s.counts[i];
    series.push({ name: 'other', counts, total: rest.reduce((s, r) => s + r.total, 0) });
  }
  return {
    from: q.from,
    to: q.to,
    bucketMs: q.bucketMs,
    by: q.by,
    buckets: Array.from({ length: n }, (_, i) => q.from + i * q.bucketMs),
    series,
  };
}
