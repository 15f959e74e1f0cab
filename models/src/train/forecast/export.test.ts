import { describe, expect, it } from 'vitest';
import { buildForecastExport, indexExport, parseForecastExport, scoreObservation } from './export.ts';
import { GuardedForecaster } from './guard.ts';
import { DEFAULT_RULE } from './rule.ts';
import { SeasonalNaiveForecaster } from './seasonal-naive.ts';
import { asSeries, seasonalCounts, T0 } from './test-data.ts';
import { HOUR_MS, type KeyedSeries } from './types.ts';

const values = seasonalCounts(5);
const series: KeyedSeries = {
  ...asSeries(values.slice(0, 4 * 168)),
  key: 'account:1:count',
  scope: 'account',
  metric: 'count',
  entity: { kind: 'account', id: '1' },
};
const opts = {
  trainWindow: 4 * 168,
  horizon: 24,
  fit: { seasonality: { daily: true, weekly: true }, intervalWidth: 0.99 },
  rule: DEFAULT_RULE,
};

describe('forecast export for serving', () => {
  const exported = buildForecastExport([series], new GuardedForecaster(new SeasonalNaiveForecaster()), opts);
  // What a serving process does: JSON text in, validated object out, no wasm anywhere.
  const loaded = parseForecastExport(JSON.parse(JSON.stringify(exported)));
  const s = indexExport(loaded).get('account:1:count');
  const next = T0 + 4 * 168 * HOUR_MS;

  it('carries the forecast path for the next horizon and the rule settings', () => {
    expect(loaded.trainedThrough).toBe(next);
    expect(loaded.validUntil).toBe(next + 24 * HOUR_MS);
    expect(s?.yhat).toHaveLength(24);
    expect(s?.minAbsDeviation).toBe(20);
    expect(s?.model).toBe('seasonal_naive');
  });

  it('scores a normal hour as normal and a spike as anomalous, by lookup', () => {
    if (!s) throw new Error('series missing from export');
    const h = 10;
    const normal = scoreObservation(s, next + h * HOUR_MS + 59_000, values[4 * 168 + h]);
    expect(normal?.anomalous).toBe(false);
    expect(normal?.start).toBe(next + h * HOUR_MS);
    expect(scoreObservation(s, next + h * HOUR_MS, values[4 * 168 + h] + 200)?.anomalous).toBe(true);
  });

  it('refuses to score outside the exported horizon (a stale forecast decides nothing)', () => {
    if (!s) throw new Error('series missing from export');
    expect(scoreObservation(s, next - 1, 1000)).toBeNull();
    expect(scoreObservation(s, next + 24 * HOUR_MS, 1000)).toBeNull();
  });

  it('rejects a corrupt export naming the key or series at fault', () => {
    const bad = JSON.parse(JSON.stringify(exported));
    bad.series[0].metric = 'cpu';
    expect(() => parseForecastExport(bad, 'bundle/forecast.json')).toThrow(/bundle\/forecast.json: series.0.metric/);
    const short = JSON.parse(JSON.stringify(exported));
    short.series[0].upper.pop();
    expect(() => parseForecastExport(short)).toThrow(/series\[0\] \(account:1:count\): lengths differ/);
  });
});
