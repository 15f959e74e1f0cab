import { createHash } from 'node:crypto';
import type { Anomaly, LogSource } from '../../../models/src/schema/index.ts';
import type { ForecastRecord, Scope } from '../../../models/src/train/forecast/types.ts';

/** The stream name forecast anomalies are stored under (origin `cloud:forecast`, like the other cloud streams). */
export const FORECAST_STREAM = 'forecast';

export interface SpikeContext {
  account: string;
  scope: Scope;
  /** The service for a service series; for the account series, the source that contributed most in the bucket. */
  source: LogSource;
  /** Per-source counts in the bucket (account series evidence). */
  bySource: Record<string, number>;
  now: number;
}

/** Deterministic per (series, bucket): a re-run of the job or a second replica stores it once. */
export function spikeAnomalyId(seriesKey: string, bucketStart: number): string {
  return `fc_${createHash('sha256').update(`${seriesKey}\u0000${bucketStart}`).digest('hex').slice(0, 40)}`;
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toString() : x.toFixed(1));

/**
 * The contract's Anomaly for a bucket the forecast rule flagged. Score is the rule's (0.5 at the interval edge, so
 * the threshold is 0.5); three interval half-widths or more (score ≥ 0.875) is high severity, less is medium.
 */
export function spikeAnomaly(r: ForecastRecord, c: SpikeContext): Anomaly {
  const where = c.scope === 'account' ? `account ${c.account}` : `${c.source} in account ${c.account}`;
  const hour = new Date(r.start).toISOString().slice(0, 16);
  const line =
    `${where}: ${fmt(r.observed)} events in the hour from ${hour}Z; forecast ${fmt(r.yhat)} ` +
    `(interval ${fmt(r.lower)}..${fmt(r.upper)}, ${r.model})`;
  const sources = Object.entries(c.bySource).sort((a, b) => b[1] - a[1]);
  return {
    id: spikeAnomalyId(r.seriesKey, r.start),
    type: 'account_spike',
    entity: { kind: 'account', id: c.account },
    source: c.source,
    window: { start: r.start, end: r.end },
    score: r.score,
    threshold: 0.5,
    model: 'forecast',
    modelVersion: r.model,
    severity: r.score >= 0.875 ? 'high' : 'medium',
    evidence: {
      topFeatures: [
        { name: `${c.scope}.count`, value: r.observed, contribution: r.observed - r.yhat },
        { name: 'forecast.yhat', value: r.yhat, contribution: 0 },
        { name: 'forecast.upper', value: r.upper, contribution: 0 },
        ...sources.slice(0, 8).map(([s, n]) => ({ name: `source.${s}.count`, value: n, contribution: 0 })),
      ],
      lines: [line],
      targets: {
        account: c.account,
        scope: c.scope,
        series: r.seriesKey,
        ...(c.scope === 'service' ? { service: c.source } : {}),
      },
    },
    detectedAt: c.now,
  };
}
