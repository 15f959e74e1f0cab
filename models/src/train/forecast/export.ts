import { type Static, Type } from '@sinclair/typebox';
import { EntityRefSchema, LogSourceSchema } from '../../schema/index.ts';
import { compileValidator } from '../../schema/validate.ts';
import type { GuardedForecaster } from './guard.ts';
import { minAbsFor, type RuleConfig, scoreBucket } from './rule.ts';
import { type FitOptions, type ForecastRecord, type KeyedSeries, METRICS, SCOPES } from './types.ts';

const Num = Type.Number();
export const ExportedSeriesSchema = Type.Object(
  {
    key: Type.String({ maxLength: 600 }),
    scope: Type.Union(SCOPES.map((s) => Type.Literal(s))),
    metric: Type.Union(METRICS.map((m) => Type.Literal(m))),
    entity: EntityRefSchema,
    source: Type.Optional(LogSourceSchema),
    model: Type.Union([Type.Literal('prophet'), Type.Literal('seasonal_naive')]),
    /** Epoch ms of the first forecast bucket. */
    start: Num,
    stepMs: Type.Number({ minimum: 1000 }),
    yhat: Type.Array(Num),
    lower: Type.Array(Num),
    upper: Type.Array(Num),
    minAbsDeviation: Type.Number({ minimum: 0 }),
    direction: Type.Union([Type.Literal('up'), Type.Literal('both')]),
  },
  { additionalProperties: false },
);
export type ExportedSeries = Static<typeof ExportedSeriesSchema>;

export const ForecastExportSchema = Type.Object(
  {
    format: Type.Literal('vigil-forecast'),
    version: Type.Literal(1),
    /** Last bucket end the models were trained on (epoch ms); the forecast path starts here. */
    trainedThrough: Num,
    /** The forecast path is valid until here; serving must re-train (or reload) before. */
    validUntil: Num,
    intervalWidth: Num,
    series: Type.Array(ExportedSeriesSchema),
    guard: Type.Object({ fits: Num, fitFailures: Num, rejectedForecasts: Num }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
export type ForecastExport = Static<typeof ForecastExportSchema>;
const checkExport = compileValidator(ForecastExportSchema);

/**
 * Serving design: the export holds each series' *forecast path* (yhat and interval per bucket for the next horizon),
 * not model parameters. Serving then needs no wasm and no Stan: scoring is a table lookup plus the rule. The training
 * cadence (e.g. daily) re-fits and re-exports before `validUntil`; after it, scoreObservation refuses to score.
 */
export function buildForecastExport(
  series: KeyedSeries[],
  guard: GuardedForecaster,
  opts: { trainWindow: number; horizon: number; fit: FitOptions; rule: RuleConfig },
): ForecastExport {
  const out: ExportedSeries[] = [];
  let trainedThrough = Number.NEGATIVE_INFINITY;
  for (const s of series) {
    const n = s.values.length;
    const from = Math.max(0, n - opts.trainWindow);
    const values = Float64Array.from({ length: n - from }, (_, i) => s.values[from + i]);
    const model = guard.fit({ start: s.start + from * s.stepMs, stepMs: s.stepMs, values }, opts.fit, s.key);
    const fc = guard.predict(model, opts.horizon, s.key);
    guard.dispose(model);
    trainedThrough = Math.max(trainedThrough, s.start + n * s.stepMs);
    out.push({
      key: s.key,
      scope: s.scope,
      metric: s.metric,
      entity: s.entity,
      ...(s.source ? { source: s.source } : {}),
      model: fc.model,
      start: s.start + n * s.stepMs,
      stepMs: s.stepMs,
      yhat: fc.points.map((p) => p.yhat),
      lower: fc.points.map((p) => p.lower),
      upper: fc.points.map((p) => p.upper),
      minAbsDeviation: minAbsFor(opts.rule, s.scope, s.metric),
      direction: opts.rule.direction,
    });
  }
  const step = series[0]?.stepMs ?? 0;
  const { fits, fitFailures, rejectedForecasts } = guard.stats;
  return {
    format: 'vigil-forecast',
    version: 1,
    trainedThrough: Number.isFinite(trainedThrough) ? trainedThrough : 0,
    validUntil: (Number.isFinite(trainedThrough) ? trainedThrough : 0) + opts.horizon * step,
    intervalWidth: opts.fit.intervalWidth,
    series: out,
    guard: { fits, fitFailures, rejectedForecasts },
  };
}

/** Validates a loaded export (schema, array lengths, finiteness) and names the series at fault. */
export function parseForecastExport(value: unknown, where = 'forecast export'): ForecastExport {
  const x = checkExport(value, where);
  x.series.forEach((s, i) => {
    const n = s.yhat.length;
    if (s.lower.length !== n || s.upper.length !== n)
      throw new Error(`${where}: series[${i}] (${s.key}): lengths differ`);
    for (let h = 0; h < n; h++) {
      if (!(Number.isFinite(s.yhat[h]) && Number.isFinite(s.lower[h]) && Number.isFinite(s.upper[h]))) {
        throw new Error(`${where}: series[${i}] (${s.key}): non-finite value at bucket ${h}`);
      }
    }
  });
  return x;
}

/** Index of a loaded export by series key, for serving lookups. */
export function indexExport(x: ForecastExport): Map<string, ExportedSeries> {
  return new Map(x.series.map((s) => [s.key, s]));
}

/**
 * Scores one observed bucket value against the exported forecast path. Null when `ts` is outside the exported
 * horizon: a stale forecast must not decide anything.
 */
export function scoreObservation(s: ExportedSeries, ts: number, observed: number): ForecastRecord | null {
  const h = Math.floor((ts - s.start) / s.stepMs);
  if (!(h >= 0 && h < s.yhat.length)) return null;
  const p = { ts: s.start + h * s.stepMs, yhat: s.yhat[h], lower: s.lower[h], upper: s.upper[h] };
  return scoreBucket(s, p, observed, s.minAbsDeviation, s.direction, s.model);
}
