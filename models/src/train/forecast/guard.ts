import { SeasonalNaiveForecaster, type SeasonalNaiveModel } from './seasonal-naive.ts';
import type { FitOptions, Forecaster, ForecastModelName, ForecastPoint, Series } from './types.ts';

export interface GuardedModel {
  primary: unknown;
  /** Fitted lazily only when the primary fails, so the healthy path pays nothing extra. */
  fallback: SeasonalNaiveModel | null;
  series: Series;
  opts: FitOptions;
  maxAbs: number;
}

export interface GuardedForecast {
  points: ForecastPoint[];
  model: ForecastModelName;
  /** Why the primary was rejected, when it was. */
  reason?: string;
}

export interface GuardStats {
  fits: number;
  fitFailures: number;
  predicts: number;
  rejectedForecasts: number;
  reasons: Map<string, number>;
}

/** Explosion bound: the brief saw a SARIMA forecast of 1e212 on counts in the hundreds. */
const EXPLODE_FACTOR = 10;

/** Why a forecast must not reach a decision, or null when it is sane. */
export function forecastProblem(points: ForecastPoint[], horizon: number, maxAbs: number): string | null {
  if (points.length !== horizon) return `returned ${points.length} points for horizon ${horizon}`;
  const bound = EXPLODE_FACTOR * maxAbs + 1;
  for (const p of points) {
    if (!Number.isFinite(p.yhat) || !Number.isFinite(p.lower) || !Number.isFinite(p.upper)) return 'non-finite value';
    if (Math.abs(p.yhat) > bound) return `exploding forecast |yhat| ${p.yhat.toExponential(2)} > ${bound}`;
    if (p.upper - p.lower < 0 || !Number.isFinite(p.upper - p.lower)) return 'invalid interval';
    if (Math.abs(p.upper) > 2 * bound || Math.abs(p.lower) > 2 * bound) return 'exploding interval';
  }
  return null;
}

/**
 * Wraps any forecaster: a fit that throws, or a forecast with NaN/Inf, an exploding value or a broken interval, is
 * replaced by the seasonal-naive forecast, counted and logged. A bad forecast never reaches the anomaly rule.
 */
export class GuardedForecaster {
  readonly stats: GuardStats = { fits: 0, fitFailures: 0, predicts: 0, rejectedForecasts: 0, reasons: new Map() };
  private readonly fallback = new SeasonalNaiveForecaster();

  constructor(
    readonly primary: Forecaster,
    private readonly log: (msg: string) => void = () => {},
  ) {}

  fit(series: Series, opts: FitOptions, label = ''): GuardedModel {
    this.stats.fits++;
    let maxAbs = 0;
    for (let i = 0; i < series.values.length; i++) {
      const v = series.values[i];
      if (Number.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    const m: GuardedModel = { primary: null, fallback: null, series, opts, maxAbs };
    if (this.primary.name === 'seasonal_naive') return { ...m, fallback: this.fallback.fit(series, opts) };
    try {
      m.primary = this.primary.fit(series, opts);
    } catch (e) {
      this.stats.fitFailures++;
      this.note(`fit failed: ${(e as Error).message}`, label);
    }
    return m;
  }

  predict(m: GuardedModel, horizon: number, label = ''): GuardedForecast {
    this.stats.predicts++;
    if (m.primary !== null) {
      let reason: string;
      try {
        const pts = this.primary.predict(m.primary, horizon);
        const problem = forecastProblem(pts, horizon, m.maxAbs);
        if (problem === null) return { points: pts, model: this.primary.name };
        reason = problem;
      } catch (e) {
        reason = `predict failed: ${(e as Error).message}`;
      }
      this.stats.rejectedForecasts++;
      this.note(reason, label);
      return { points: this.fallbackPredict(m, horizon), model: 'seasonal_naive', reason };
    }
    return { points: this.fallbackPredict(m, horizon), model: 'seasonal_naive' };
  }

  private fallbackPredict(m: GuardedModel, horizon: number): ForecastPoint[] {
    m.fallback ??= this.fallback.fit(m.series, m.opts);
    return this.fallback.predict(m.fallback, horizon);
  }

  private note(reason: string, label: string) {
    const kind = reason.replace(/\d[\d.e+-]*/g, '#').slice(0, 80);
    this.stats.reasons.set(kind, (this.stats.reasons.get(kind) ?? 0) + 1);
    this.log(`forecast guard${label ? ` ${label}` : ''}: ${reason}; using seasonal_naive`);
  }

  /** Frees primary resources (Prophet wasm memory) held by a model that is being replaced. */
  dispose(m: GuardedModel): void {
    const p = this.primary as Forecaster & { dispose?: (x: unknown) => void };
    if (m.primary !== null && p.dispose) p.dispose(m.primary);
  }
}
