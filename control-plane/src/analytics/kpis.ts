import type { Db } from '../db/db.ts';
import { actionKpis } from './action-kpis.ts';
import { anomalyKpis } from './anomaly-kpis.ts';
import { incidentKpis, labelPrecision } from './incident-kpis.ts';
import { KPI_LIMITS, type KpiOptions, type KpiReport, type KpiWindow } from './kpi-types.ts';
import { bucketStarts } from './sql-helpers.ts';
import { uptimeKpis } from './uptime-kpis.ts';

export type * from './kpi-types.ts';
export { KPI_LIMITS } from './kpi-types.ts';

export class KpiWindowError extends Error {
  constructor(
    message: string,
    readonly field: 'from' | 'to' | 'bucket',
  ) {
    super(message);
  }
}

/** Rejects windows the queries must not run on; the message names the field at fault. */
export function checkWindow(w: KpiWindow): void {
  if (!Number.isSafeInteger(w.from) || w.from < 0) throw new KpiWindowError('from must be epoch ms >= 0', 'from');
  if (!Number.isSafeInteger(w.to) || w.to <= w.from) throw new KpiWindowError('to must be after from', 'to');
  if (w.to - w.from > KPI_LIMITS.maxWindowMs) throw new KpiWindowError('window is longer than 366 days', 'from');
  if (!Number.isSafeInteger(w.bucketMs) || w.bucketMs < KPI_LIMITS.minBucketMs) {
    throw new KpiWindowError(`bucket must be at least ${KPI_LIMITS.minBucketMs} ms`, 'bucket');
  }
  if (Math.ceil((w.to - w.from) / w.bucketMs) > KPI_LIMITS.maxBuckets) {
    throw new KpiWindowError(`window / bucket exceeds ${KPI_LIMITS.maxBuckets} buckets`, 'bucket');
  }
}

const NICE_BUCKETS = [60_000, 300_000, 900_000, 3_600_000, 6 * 3_600_000, 86_400_000, 7 * 86_400_000];

/** The smallest round bucket (1 min … 1 week) that gives at most `target` buckets for the window. */
export function defaultBucketMs(from: number, to: number, target = 60): number {
  const span = Math.max(1, to - from);
  return NICE_BUCKETS.find((b) => span / b <= target) ?? Math.ceil(span / target / 86_400_000) * 86_400_000;
}

/**
 * All KPIs of one window, aggregated in SQL (GROUP BY, percentile_cont, window functions): the number of rows that
 * come back depends on buckets × types and top-N, not on how many anomalies, incidents or heartbeats there are.
 * The queries run one after another on purpose: PGlite has one connection, and on PostgreSQL they stay cheap.
 */
export async function computeKpis(db: Db, window: KpiWindow, opts: KpiOptions = {}): Promise<KpiReport> {
  checkWindow(window);
  const staleAfterMs = opts.staleAfterMs ?? 180_000;
  const topN = opts.topN ?? 10;
  const { anomalies, top } = await anomalyKpis(db, window, topN);
  const { incidents, mttd, mttr, incidentPrecision } = await incidentKpis(db, window);
  return {
    window: { ...window },
    buckets: bucketStarts(window),
    anomalies,
    incidents,
    precision: { incidents: incidentPrecision, labels: await labelPrecision(db, window) },
    mttd,
    mttr,
    actions: await actionKpis(db, window),
    uptime: await uptimeKpis(db, window, staleAfterMs),
    top,
  };
}
