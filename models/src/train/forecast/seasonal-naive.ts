import { DAY_MS, type FitOptions, type Forecaster, type ForecastPoint, type Series, WEEK_MS } from './types.ts';

export interface SeasonalNaiveModel {
  kind: 'seasonal_naive';
  /** Epoch ms of the first forecast bucket (just after the training data). */
  next: number;
  stepMs: number;
  /** Buckets per season (one week, or one day when weekly seasonality is off). */
  period: number;
  /** Per phase of the season: median of the last `seasons` observed values (NaN if none). */
  profile: number[];
  /** Residual quantiles of the in-sample seasonal forecast: the interval is yhat + [lo, hi]. */
  residLo: number;
  residHi: number;
  /** Largest |value| seen in training, for the guard's explosion check. */
  maxAbs: number;
}

function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function quantileOf(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  return sorted[lo] + (sorted[Math.ceil(pos)] - sorted[lo]) * (pos - lo);
}

/**
 * Same-phase-last-season baseline and the guard's fallback. With `seasons` = 1 it is the classic seasonal-naive
 * forecast (same hour last week); with more it is the median of the same hour of the week over the last `seasons`
 * weeks, which one odd week cannot drag. Pure arithmetic: it cannot diverge.
 */
export class SeasonalNaiveForecaster implements Forecaster<SeasonalNaiveModel> {
  readonly name = 'seasonal_naive' as const;
  constructor(private readonly seasons = 4) {
    if (!(Number.isInteger(seasons) && seasons >= 1)) throw new Error(`seasonal_naive: seasons must be >= 1`);
  }

  fit(series: Series, opts: FitOptions): SeasonalNaiveModel {
    const { values, stepMs } = series;
    const n = values.length;
    const seasonMs = opts.seasonality.weekly ? WEEK_MS : opts.seasonality.daily ? DAY_MS : stepMs;
    const period = Math.max(1, Math.round(seasonMs / stepMs));
    const phase0 = Math.round(series.start / stepMs) % period;
    const profile: number[] = [];
    const resid: number[] = [];
    let maxAbs = 0;
    for (let i = 0; i < n; i++) if (Number.isFinite(values[i])) maxAbs = Math.max(maxAbs, Math.abs(values[i]));
    // In-sample residuals of the same estimator (median of the previous seasons), so the interval is honest.
    for (let i = period; i < n; i++) {
      if (!Number.isFinite(values[i])) continue;
      const past = this.samePhase(values, i, period);
      if (past.length > 0) resid.push(values[i] - median(past));
    }
    for (let p = 0; p < period; p++) {
      // Index of the next forecast bucket with phase p, then look back from there.
      const idx = n + ((((p - phase0 - n) % period) + period) % period);
      profile.push(median(this.samePhase(values, idx, period)));
    }
    resid.sort((a, b) => a - b);
    const alpha = (1 - opts.intervalWidth) / 2;
    return {
      kind: 'seasonal_naive',
      next: series.start + n * stepMs,
      stepMs,
      period,
      profile: profile.map((v) => (Number.isFinite(v) ? v : 0)),
      residLo: Math.min(0, quantileOf(resid, alpha)),
      residHi: Math.max(0, quantileOf(resid, 1 - alpha)),
      maxAbs,
    };
  }

  private samePhase(values: ArrayLike<number>, i: number, period: number): number[] {
    const out: number[] = [];
    for (let k = 1, j = i - period; k <= this.seasons && j >= 0; k++, j -= period) {
      if (j < values.length && Number.isFinite(values[j])) out.push(values[j]);
    }
    return out;
  }

  predict(m: SeasonalNaiveModel, horizon: number): ForecastPoint[] {
    const out: ForecastPoint[] = [];
    const phase0 = Math.round(m.next / m.stepMs) % m.period;
    for (let h = 0; h < horizon; h++) {
      // Beyond one season ahead the profile repeats: that is what seasonal-naive means.
      const yhat = m.profile[(phase0 + h) % m.period];
      out.push({ ts: m.next + h * m.stepMs, yhat, lower: yhat + m.residLo, upper: yhat + m.residHi });
    }
    return out;
  }
}
