import type { EntityRef, LogSource } from '../../../models/src/schema/index.ts';
import type { Scope } from '../../../models/src/train/forecast/types.ts';
import type { Queryable } from '../db/db.ts';

/** The buckets [from, to) of one run, `stepMs` wide. */
export interface SeriesWindow {
  from: number;
  to: number;
  stepMs: number;
}

export interface WindowSeries {
  key: string;
  scope: Scope;
  entity: EntityRef;
  source?: LogSource;
  /** Dense counts over the window; hours without events are 0. */
  values: Float64Array;
  /** Index of the series' first ever bucket inside the window (0 when its history starts earlier). */
  first: number;
}

export interface AccountSeries {
  account: string;
  /** The account series first, then one per service (source). */
  series: WindowSeries[];
  bySource: Map<string, Float64Array>;
  badRows: number;
}

/**
 * Loads one account's hourly counts for the window as dense arrays: one series per service and their sum as the
 * account series. Memory: 8 bytes × window buckets per series (5 weeks hourly = 6.7 kB).
 */
export async function loadAccountSeries(db: Queryable, account: string, w: SeriesWindow): Promise<AccountSeries> {
  const n = Math.round((w.to - w.from) / w.stepMs);
  const { rows } = await db.query<{ source: string; bucket_start: number; count: number }>(
    `SELECT source, bucket_start, count FROM cloud_event_counts
     WHERE account = $1 AND bucket_start >= $2 AND bucket_start < $3`,
    [account, w.from, w.to],
  );
  const firsts = await db.query<{ source: string; first: number }>(
    'SELECT source, min(bucket_start) AS first FROM cloud_event_counts WHERE account = $1 GROUP BY source',
    [account],
  );
  const firstOf = new Map(
    firsts.rows.map((r) => [r.source, Math.max(0, Math.floor((Number(r.first) - w.from) / w.stepMs))]),
  );
  const bySource = new Map<string, Float64Array>();
  const total = new Float64Array(n);
  let badRows = 0;
  for (const r of rows) {
    const i = Math.floor((Number(r.bucket_start) - w.from) / w.stepMs);
    const c = Number(r.count);
    if (!(Number.isFinite(c) && c >= 0) || !(i >= 0 && i < n)) {
      badRows++;
      continue;
    }
    let v = bySource.get(r.source);
    if (!v) bySource.set(r.source, (v = new Float64Array(n)));
    v[i] += c;
    total[i] += c;
  }
  const entity: EntityRef = { kind: 'account', id: account };
  const sources = [...bySource.keys()].sort();
  const series: WindowSeries[] = [
    {
      key: `account:${account}:count`,
      scope: 'account',
      entity,
      values: total,
      first: Math.min(...sources.map((s) => firstOf.get(s) ?? 0)),
    },
    ...sources.map((s) => ({
      key: `service:${account}:${s}:count`,
      scope: 'service' as const,
      entity,
      source: s as LogSource,
      values: bySource.get(s)!,
      first: firstOf.get(s) ?? 0,
    })),
  ];
  return { account, series, bySource, badRows };
}
