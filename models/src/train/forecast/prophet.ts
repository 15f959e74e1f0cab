import { readFileSync } from 'node:fs';
import { initSync, Prophet, type ProphetOptimizeOptions, type ProphetOptions } from '@bsull/augurs/prophet';
import { optimizer } from '@bsull/augurs-prophet-wasmstan';
import type { FitOptions, Forecaster, ForecastPoint, Series } from './types.ts';

let ready = false;

/**
 * The augurs bindings are wasm-bindgen output: under Node they need the .wasm bytes handed in. The package's exports
 * map hides the file, so it is located next to the resolved JS entry point.
 */
export function initProphetWasm(): void {
  if (ready) return;
  const url = new URL('./prophet_bg.wasm', import.meta.resolve('@bsull/augurs/prophet'));
  initSync({ module: readFileSync(url) });
  ready = true;
}

export interface ProphetModel {
  kind: 'prophet';
  prophet: Prophet;
  next: number;
  stepMs: number;
  maxAbs: number;
}

export interface ProphetForecasterOptions {
  /** Draws for the uncertainty interval; Prophet's default 1000. Fewer is faster and noisier. */
  uncertaintySamples: number;
  /** Optimizer seed; the interval draws are not seedable through augurs 0.10 (see prophet.test.ts). */
  seed: number;
  changepointPriorScale: number;
  optimize: ProphetOptimizeOptions;
}

const DEFAULTS: ProphetForecasterOptions = {
  uncertaintySamples: 300,
  seed: 1,
  changepointPriorScale: 0.05,
  optimize: {},
};

/** Prophet (its own Stan model, via wasmstan) on the series' finite points; NaN buckets are simply left out. */
export class ProphetForecaster implements Forecaster<ProphetModel> {
  readonly name = 'prophet' as const;
  private readonly opts: ProphetForecasterOptions;

  constructor(opts: Partial<ProphetForecasterOptions> = {}) {
    this.opts = { ...DEFAULTS, ...opts };
    initProphetWasm();
  }

  fit(series: Series, fo: FitOptions): ProphetModel {
    const ds: number[] = [];
    const y: number[] = [];
    let maxAbs = 0;
    for (let i = 0; i < series.values.length; i++) {
      const v = series.values[i];
      if (!Number.isFinite(v)) continue;
      ds.push(Math.round((series.start + i * series.stepMs) / 1000));
      y.push(v);
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    if (y.length < 2) throw new Error(`prophet: ${y.length} finite points, need at least 2`);
    const options: ProphetOptions = {
      optimizer,
      intervalWidth: fo.intervalWidth,
      uncertaintySamples: this.opts.uncertaintySamples,
      changepointPriorScale: this.opts.changepointPriorScale,
      dailySeasonality: { type: 'manual', enabled: fo.seasonality.daily },
      weeklySeasonality: { type: 'manual', enabled: fo.seasonality.weekly },
      yearlySeasonality: { type: 'manual', enabled: false },
    };
    const prophet = new Prophet(options);
    try {
      prophet.fit({ ds, y }, { seed: this.opts.seed, ...this.opts.optimize });
    } catch (e) {
      prophet.free();
      throw e;
    }
    return {
      kind: 'prophet',
      prophet,
      next: series.start + series.values.length * series.stepMs,
      stepMs: series.stepMs,
      maxAbs,
    };
  }

  predict(m: ProphetModel, horizon: number): ForecastPoint[] {
    const ds = Array.from({ length: horizon }, (_, h) => Math.round((m.next + h * m.stepMs) / 1000));
    const p = m.prophet.predict({ ds });
    const point = p.yhat.point;
    const lower = p.yhat.intervals?.lower;
    const upper = p.yhat.intervals?.upper;
    return ds.map((_, h) => ({
      ts: m.next + h * m.stepMs,
      yhat: point[h],
      // Without intervals (uncertaintySamples 0) the guard sees NaN and falls back: no interval, no decision.
      lower: lower ? lower[h] : Number.NaN,
      upper: upper ? upper[h] : Number.NaN,
    }));
  }

  /** Prophet models hold wasm memory: release them when a newer fit replaces them. */
  dispose(m: ProphetModel): void {
    m.prophet.free();
  }
}
