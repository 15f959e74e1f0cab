import type { Queryable } from '../db/db.ts';
import { ApiError } from '../http/errors.ts';

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

/**
 * Anomaly counts per time bucket and type (or source), by window start. One grouped scan of the (ts, seq) index
 * range; the largest groups get their own series, the rest are summed into "other".
 */
export async function anomalyTimeline(db: Queryable, q: TimelineQuery): Promise<Timeline> {
  if (q.to <= q.from) throw new ApiError(400, 'invalid_request', 'to must be after from', 'to');
  const n = Math.ceil((q.to - q.from) / q.bucketMs);
  if (n > MAX_BUCKETS) {
    throw new ApiError(400, 'invalid_request', `${n} buckets requested; at most ${MAX_BUCKETS}`, 'bucket');
  }
  const column = q.by === 'type' ? 'type' : 'source';
  const params: unknown[] = [q.from, q.to, q.bucketMs];
  const hostClause = q.host ? `AND host = $${params.push(q.host)}` : '';
  const { rows } = await db.query<{ b: number; g: string; n: number }>(
    `SELECT ((ts - $1::bigint) / $3::bigint)::int AS b, ${column} AS g, count(*)::int AS n
     FROM anomalies WHERE ts >= $1::bigint AND ts < $2::bigint ${hostClause} GROUP BY 1, 2`,
    params,
  );
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
