import { describe, expect, it } from 'vitest';
import type { Label } from '../schema/index.ts';
import { LabelIndex } from './align.ts';
import { planSplits } from './folds.ts';
import {
  alertPrecision,
  averagePrecision,
  chooseThreshold,
  countEpisodes,
  evaluate,
  type ScoredRow,
  thresholdForBudget,
} from './metrics.ts';

const W = 300_000;
const row = (id: string, k: number, score: number, trueType: ScoredRow['trueType'] = null): ScoredRow => ({
  entity: { kind: 'ip', id },
  start: k * W,
  end: (k + 1) * W,
  score,
  predType: score > 0.5 ? 'ssh_brute_force' : 'unknown',
  trueType,
});
const label = (id: string, ip: string, start: number, end: number): Label => ({
  id,
  incident: id,
  type: 'ssh_brute_force',
  source: 'ec2.auth',
  entity: { kind: 'ip', id: ip },
  start,
  end,
  intensity: 1,
  variant: 'standard',
  events: 10,
  targets: { ip, host: 'web-1' },
});

describe('metrics', () => {
  it('computes average precision', () => {
    expect(averagePrecision([0.9, 0.8, 0.7], [true, false, true])).toBeCloseTo((1 + 2 / 3) / 2);
    expect(averagePrecision([0.9, 0.8], [true, true])).toBe(1);
  });

  it('merges consecutive firing windows of one entity into one alert episode', () => {
    const eps = countEpisodes([row('a', 1, 0.9), row('a', 2, 0.9), row('a', 5, 0.9), row('b', 1, 0.9)]);
    expect(eps.get('ssh_brute_force')).toBe(3);
  });

  it('counts alert precision over episodes, not windows', () => {
    const rows = [
      row('a', 1, 0.9, 'ssh_brute_force'),
      row('a', 2, 0.9),
      row('a', 3, 0.9),
      row('a', 9, 0.9),
      row('b', 1, 0.9),
      row('c', 1, 0.1, 'ddos'),
    ];
    // episodes: a[1-3] (has a true window), a[9], b[1] → 1 of 3 is a real alert
    expect(alertPrecision(rows, 0.5)).toEqual({ alerts: 3, precision: 1 / 3 });
  });

  it('catches an incident when any overlapping window of a related entity fires', () => {
    const labels = [label('L1', '203.0.113.9', 2 * W + 10, 4 * W), label('L2', '203.0.113.10', 8 * W, 9 * W)];
    const idx = new LabelIndex(labels);
    const rows = [
      row('203.0.113.9', 2, 0.2, 'ssh_brute_force'),
      row('203.0.113.9', 3, 0.95, 'ssh_brute_force'),
      row('203.0.113.10', 8, 0.1, 'ssh_brute_force'),
      row('198.51.100.1', 3, 0.9),
      row('198.51.100.1', 4, 0.1),
    ];
    expect(idx.typeOf({ entity: { kind: 'host', id: 'web-1' }, start: 3 * W, end: 4 * W })).toBe('ssh_brute_force');
    const rep = evaluate(rows, labels, idx, 0.5);
    const bf = rep.byType.ssh_brute_force;
    expect(bf?.incidentRecall).toBe(0.5);
    expect(bf?.precision).toBe(0.5);
    expect(bf?.delayMedianS).toBeCloseTo((4 * W - (2 * W + 10)) / 1000);
    expect(rep.overall.falseAlarms).toBe(1);
  });

  it('picks the lowest threshold within a false-alarm budget', () => {
    const rows = [row('a', 0, 0.9), row('b', 0, 0.8), row('c', 0, 0.3), row('d', 0, 0.2), row('e', 0, 0.95, 'ddos')];
    // 5 entity-weeks: a budget of 0.2 per entity-week allows one episode
    expect(thresholdForBudget(rows, 0.2)).toBe(0.9);
    expect(thresholdForBudget(rows, 0)).toBeGreaterThan(0.9);
  });

  it('chooses the highest threshold that keeps the incident-recall target, within the budget', () => {
    const labels = [label('L1', '203.0.113.1', 0, W), label('L2', '203.0.113.2', 0, W)];
    const idx = new LabelIndex(labels);
    const rows = [
      row('203.0.113.1', 0, 0.9, 'ssh_brute_force'),
      row('203.0.113.2', 0, 0.6, 'ssh_brute_force'),
      row('n1', 0, 0.7),
      row('n2', 0, 0.2),
    ];
    // both incidents need t <= 0.6; the normal window at 0.7 is the one false alarm the budget must allow
    expect(chooseThreshold(rows, labels, idx, 1).threshold).toBe(0.6);
    expect(chooseThreshold(rows, labels, idx, 1, 0.5).threshold).toBe(0.9);
  });

  it('plans folds strictly ordered in time with gaps', () => {
    const p = planSplits(0, 365 * 86_400_000);
    for (const f of p.folds) expect(f.train[1]).toBeLessThan(f.test[0]);
    expect(p.fit[1]).toBeLessThan(p.validation[0]);
    expect(p.validation[1]).toBeLessThan(p.test[0]);
    expect(p.folds.at(-1)?.test[1]).toBeLessThanOrEqual(p.test[0]);
  });
});
