import { describe, expect, it } from 'vitest';
import { GuardedForecaster } from './guard.ts';
import { walkForward } from './rolling.ts';
import { DEFAULT_RULE, judge, type RuleConfig } from './rule.ts';
import { SeasonalNaiveForecaster } from './seasonal-naive.ts';
import { asSeries, seasonalCounts, T0 } from './test-data.ts';
import { type FitOptions, type ForecastRecord, HOUR_MS, type KeyedSeries } from './types.ts';

const FIT: FitOptions = { seasonality: { daily: true, weekly: true }, intervalWidth: 0.99 };
const RULE: RuleConfig = { ...DEFAULT_RULE, minAbsDeviation: { ...DEFAULT_RULE.minAbsDeviation, count: 20 } };
const keyed = (values: number[]): KeyedSeries => ({
  ...asSeries(values),
  key: 'account:1:count',
  scope: 'account',
  metric: 'count',
  entity: { kind: 'account', id: '1' },
});

function run(values: number[], rule = RULE): ForecastRecord[] {
  const out: ForecastRecord[] = [];
  const g = new GuardedForecaster(new SeasonalNaiveForecaster());
  walkForward(keyed(values), g, { trainWindow: 4 * 168, minTrain: 4 * 168, retrainEvery: 24, fit: FIT }, rule, (r) =>
    out.push(r),
  );
  return out;
}

describe('seasonal-naive forecaster', () => {
  it('forecasts the same hour of the week and brackets a normal week', () => {
    const values = seasonalCounts(5);
    const f = new SeasonalNaiveForecaster(4);
    const m = f.fit(asSeries(values.slice(0, 4 * 168)), FIT);
    const pts = f.predict(m, 168);
    expect(pts[0].ts).toBe(T0 + 4 * 168 * HOUR_MS);
    const inside = pts.filter((p, h) => values[4 * 168 + h] >= p.lower && values[4 * 168 + h] <= p.upper).length;
    expect(inside / 168).toBeGreaterThan(0.95);
    // Saturday 12h is forecast far below Monday 12h: the weekly cycle was learned.
    expect(pts[5 * 24 + 12].yhat).toBeLessThan(0.5 * pts[12].yhat);
  });
});

describe('anomaly rule on a walk-forward', () => {
  it('flags an injected spike and nothing on the normal days', () => {
    const values = seasonalCounts(6);
    const spikeAt = 5 * 168 + 2 * 24 + 14; // Wednesday 14h of week 6
    values[spikeAt] += 150;
    const recs = run(values);
    const flagged = recs.filter((r) => r.anomalous);
    expect(flagged.map((r) => r.start)).toEqual([T0 + spikeAt * HOUR_MS]);
    expect(flagged[0].score).toBeGreaterThan(0.8);
    expect(flagged[0].model).toBe('seasonal_naive');
    // Two whole normal weeks were scored, hour by hour, without a single alarm.
    expect(recs.length).toBe(2 * 168);
  });

  it('does not page on a tiny-count blip that leaves a zero-width interval', () => {
    const values = new Array(6 * 168).fill(0);
    values[5 * 168 + 3] = 2; // two events where there are never any
    const recs = run(values);
    const blip = recs.find((r) => r.start === T0 + (5 * 168 + 3) * HOUR_MS);
    expect(blip?.observed).toBe(2);
    expect(blip && blip.observed > blip.upper).toBe(true); // outside the interval ...
    expect(blip?.anomalous).toBe(false); // ... but under the minimum absolute deviation
    const loose: RuleConfig = { ...RULE, minAbsDeviation: { ...RULE.minAbsDeviation, count: 1 } };
    expect(run(values, loose).filter((r) => r.anomalous)).toHaveLength(1);
  });

  it('scores 0.5 at the interval edge, more beyond, 0 for a drop under direction up', () => {
    const p = { ts: 0, yhat: 100, lower: 80, upper: 120 };
    expect(judge(p, 120, 10, 'up').score).toBeCloseTo(0.5);
    expect(judge(p, 160, 10, 'up')).toEqual({ score: 0.875, anomalous: true });
    expect(judge(p, 10, 10, 'up')).toEqual({ score: 0, anomalous: false });
    expect(judge(p, 10, 10, 'both').anomalous).toBe(true);
    expect(judge(p, Number.NaN, 10, 'both').anomalous).toBe(false);
  });
});
