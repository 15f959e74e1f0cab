import { describe, expect, it } from 'vitest';
import { SynthRun } from '../../synth/index.ts';
import { DEFAULT_EVAL, evaluateForecastDetector, type ForecastEvalOptions } from './evaluate.ts';
import { DEFAULT_RULE } from './rule.ts';

describe('evaluateForecastDetector on a generated year (20k events)', () => {
  const run = new SynthRun({ samples: 20_000 });
  const events = [...run.records()].map((r) => r.event);
  const labels = run.labels();
  // Weekly retrain on the count series keeps this file fast; the full daily run is evaluate-main.ts.
  const opts: Partial<ForecastEvalOptions> = {
    metrics: ['count'],
    topUsers: 12,
    walk: { ...DEFAULT_EVAL.walk, retrainEvery: 168 },
    // minAbsDeviation is absolute: at a fifth of data/default's volume the spikes are a fifth as tall.
    rule: {
      ...DEFAULT_RULE,
      minAbsDeviation: { ...DEFAULT_RULE.minAbsDeviation, count: 6, errors: 4 },
      scopeOverrides: { service: { count: 4 }, user: { count: 3, errors: 3 } },
    },
  };
  const honest = evaluateForecastDetector(events, labels, opts);

  it('reports recall for account_spike and behavior_change and false alarms per series-week', () => {
    const r = honest;
    console.info(
      `forecast eval 20k: account_spike ${r.accountSpike.caught}/${r.accountSpike.incidents}, behavior_change ${r.behaviorChange.caught}/${r.behaviorChange.incidents}, FA/series-week ${r.falseAlarmsPerSeriesWeek.toFixed(3)}`,
    );
    expect(r.series).toBeGreaterThan(10);
    expect(r.accountSpike.incidents).toBeGreaterThan(0);
    expect(r.behaviorChange.incidents).toBeGreaterThan(0);
    // At 20k events an hourly account count is ~2/h; the injected spikes add tens of events in an hour or two.
    expect(r.accountSpike.incidentRecall).toBeGreaterThanOrEqual(0.7);
    expect(r.falseAlarmsPerSeriesWeek).toBeLessThan(0.2);
    expect(r.guard.rejectedForecasts).toBe(0);
    expect(r.cost[0].model).toBe('seasonal_naive');
  });

  it('finds nothing to catch when the labels are moved away from the injected events', () => {
    const shifted = labels.map((l) => ({ ...l, start: l.start + 3 * 86_400_000, end: l.end + 3 * 86_400_000 }));
    const r = evaluateForecastDetector(events, shifted, opts);
    expect(r.accountSpike.incidentRecall).toBeLessThan(honest.accountSpike.incidentRecall);
  });
});
