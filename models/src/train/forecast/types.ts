import type { EntityRef, LogSource } from '../../schema/index.ts';

export const METRICS = ['count', 'errors', 'bytes', 'durationMean', 'memRatioMax'] as const;
export type Metric = (typeof METRICS)[number];
export const SCOPES = ['account', 'service', 'user'] as const;
export type Scope = (typeof SCOPES)[number];
export type ForecastModelName = 'prophet' | 'seasonal_naive';

/** A regular series. NaN marks a bucket with no observation (e.g. Lambda duration in an hour without invocations). */
export interface Series {
  /** Epoch ms of bucket 0. */
  start: number;
  stepMs: number;
  values: ArrayLike<number>;
}

/** A series with its identity: which entity and metric it measures. */
export interface KeyedSeries extends Series {
  key: string;
  scope: Scope;
  metric: Metric;
  entity: EntityRef;
  /** Set for per-service series: the log source the counts come from. */
  source?: LogSource;
}

export interface ForecastPoint {
  /** Epoch ms of the bucket start. */
  ts: number;
  yhat: number;
  lower: number;
  upper: number;
}

export interface FitOptions {
  seasonality: { daily: boolean; weekly: boolean };
  /** Central coverage of the prediction interval, e.g. 0.99. */
  intervalWidth: number;
}

/** fit → opaque model; predict continues the series right after its last training bucket. */
export interface Forecaster<M = unknown> {
  readonly name: ForecastModelName;
  fit(series: Series, opts: FitOptions): M;
  predict(model: M, horizon: number): ForecastPoint[];
}

/** One scored bucket of one series. */
export interface ForecastRecord {
  seriesKey: string;
  entity: EntityRef;
  source?: LogSource;
  metric: Metric;
  start: number;
  end: number;
  observed: number;
  yhat: number;
  lower: number;
  upper: number;
  score: number;
  anomalous: boolean;
  model: ForecastModelName;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
