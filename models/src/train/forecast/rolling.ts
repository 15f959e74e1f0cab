import type { GuardedForecaster } from './guard.ts';
import { minAbsFor, type RuleConfig, scoreBucket } from './rule.ts';
import type { FitOptions, ForecastModelName, ForecastRecord, KeyedSeries } from './types.ts';

export interface WalkForwardConfig {
  /** Buckets each fit sees (the most recent ones): e.g. 4 weeks of hours = 672. */
  trainWindow: number;
  /** Buckets of history required before the first forecast. */
  minTrain: number;
  /** Retrain cadence in buckets; each fit forecasts exactly this far (24 = daily for hourly series). */
  retrainEvery: number;
  fit: FitOptions;
}

export interface SeriesCost {
  key: string;
  primary: ForecastModelName;
  fits: number;
  fitMs: number;
  predictMs: number;
  /** Forecast blocks served by the fallback because the primary failed the guard. */
  fallbacks: number;
}

function checkCfg(c: WalkForwardConfig) {
  for (const k of ['trainWindow', 'minTrain', 'retrainEvery'] as const) {
    if (!(Number.isInteger(c[k]) && c[k] >= 1)) throw new Error(`walkForward: ${k} must be a positive integer`);
  }
}

/**
 * Time-ordered walk-forward: at each retrain point t the model sees only [t − trainWindow, t), forecasts
 * [t, t + retrainEvery) and every bucket there is judged by the rule. Never looks ahead.
 */
export function walkForward(
  s: KeyedSeries,
  guard: GuardedForecaster,
  cfg: WalkForwardConfig,
  rule: RuleConfig,
  onRecord: (r: ForecastRecord) => void,
): SeriesCost {
  checkCfg(cfg);
  const cost: SeriesCost = { key: s.key, primary: guard.primary.name, fits: 0, fitMs: 0, predictMs: 0, fallbacks: 0 };
  const minAbs = minAbsFor(rule, s.scope, s.metric);
  const n = s.values.length;
  for (let t = cfg.minTrain; t < n; t += cfg.retrainEvery) {
    const from = Math.max(0, t - cfg.trainWindow);
    const train = { start: s.start + from * s.stepMs, stepMs: s.stepMs, values: sliceOf(s.values, from, t) };
    const horizon = Math.min(cfg.retrainEvery, n - t);
    let t0 = performance.now();
    const model = guard.fit(train, cfg.fit, s.key);
    cost.fitMs += performance.now() - t0;
    t0 = performance.now();
    const fc = guard.predict(model, horizon, s.key);
    cost.predictMs += performance.now() - t0;
    guard.dispose(model);
    cost.fits++;
    if (fc.model !== guard.primary.name) cost.fallbacks++;
    for (let h = 0; h < horizon; h++) {
      const p = fc.points[h];
      const observed = s.values[t + h];
      if (!Number.isFinite(observed)) continue;
      onRecord(scoreBucket(s, p, observed, minAbs, rule.direction, fc.model));
    }
  }
  return cost;
}

function sliceOf(values: ArrayLike<number>, from: number, to: number): Float64Array {
  return values instanceof Float64Array
    ? values.subarray(from, to)
    : Float64Array.from({ length: to - from }, (_, i) => values[from + i]);
}

export interface CostSummary {
  model: ForecastModelName;
  series: number;
  fits: number;
  fitMsPerFit: number;
  predictMsPerFit: number;
  /** Wall time one series costs per year at this cadence (fit + predict), in ms. */
  msPerSeriesYear: number;
  fallbacks: number;
}

export function summarizeCost(costs: SeriesCost[], bucketsPerYear: number, retrainEvery: number): CostSummary {
  const fits = costs.reduce((a, c) => a + c.fits, 0);
  const fitMs = costs.reduce((a, c) => a + c.fitMs, 0);
  const predictMs = costs.reduce((a, c) => a + c.predictMs, 0);
  const perFit = fits ? (fitMs + predictMs) / fits : 0;
  return {
    model: costs[0]?.primary ?? 'seasonal_naive',
    series: costs.length,
    fits,
    fitMsPerFit: fits ? fitMs / fits : 0,
    predictMsPerFit: fits ? predictMs / fits : 0,
    msPerSeriesYear: perFit * (bucketsPerYear / retrainEvery),
    fallbacks: costs.reduce((a, c) => a + c.fallbacks, 0),
  };
}
