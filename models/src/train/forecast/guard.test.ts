import { describe, expect, it } from 'vitest';
import { forecastProblem, GuardedForecaster } from './guard.ts';
import { asSeries, seasonalCounts } from './test-data.ts';
import type { FitOptions, Forecaster, ForecastPoint, Series } from './types.ts';

const FIT: FitOptions = { seasonality: { daily: true, weekly: true }, intervalWidth: 0.99 };

/** A primary whose forecasts are whatever `value` says: stands in for a diverged SARIMA or a broken wasm fit. */
function broken(value: number | (() => never), width = 10): Forecaster<Series> {
  return {
    name: 'prophet',
    fit: (s) => {
      if (typeof value === 'function') value();
      return s;
    },
    predict: (s, horizon) =>
      Array.from({ length: horizon }, (_, h) => {
        const y = value as number;
        return { ts: s.start + (s.values.length + h) * s.stepMs, yhat: y, lower: y - width, upper: y + width };
      }),
  };
}

describe('GuardedForecaster', () => {
  const history = asSeries(seasonalCounts(3));

  for (const [name, value] of [
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['1e212 (the diverged SARIMA seen here)', 1e212],
  ] as const) {
    it(`replaces a ${name} forecast by seasonal-naive and counts it`, () => {
      const logs: string[] = [];
      const g = new GuardedForecaster(broken(value), (m) => logs.push(m));
      const fc = g.predict(g.fit(history, FIT, 'acct'), 24, 'acct');
      expect(fc.model).toBe('seasonal_naive');
      expect(fc.reason).toBeTruthy();
      expect(fc.points).toHaveLength(24);
      for (const p of fc.points) expect(Number.isFinite(p.yhat) && Math.abs(p.yhat) < 1000).toBe(true);
      expect(g.stats.rejectedForecasts).toBe(1);
      expect(logs[0]).toMatch(/^forecast guard acct: .*using seasonal_naive$/);
    });
  }

  it('falls back when the fit itself throws, and when the interval is inverted', () => {
    const g = new GuardedForecaster(
      broken(() => {
        throw new Error('optimizer failed');
      }),
    );
    expect(g.predict(g.fit(history, FIT), 5).model).toBe('seasonal_naive');
    expect(g.stats.fitFailures).toBe(1);
    const inverted = new GuardedForecaster(broken(50, -5));
    expect(inverted.predict(inverted.fit(history, FIT), 5).reason).toBe('invalid interval');
  });

  it('passes a sane forecast through untouched', () => {
    const g = new GuardedForecaster(broken(100));
    const fc = g.predict(g.fit(history, FIT), 3);
    expect(fc).toEqual({ model: 'prophet', points: expect.any(Array) });
    expect(fc.points[0].yhat).toBe(100);
    expect(g.stats.rejectedForecasts).toBe(0);
  });

  it('bounds explosions relative to the history', () => {
    const pt = (y: number): ForecastPoint => ({ ts: 0, yhat: y, lower: y - 1, upper: y + 1 });
    expect(forecastProblem([pt(1000)], 1, 100)).toBeNull();
    expect(forecastProblem([pt(1002)], 1, 100)).toMatch(/exploding/);
    expect(forecastProblem([pt(1)], 2, 100)).toMatch(/returned 1 points/);
  });
});
