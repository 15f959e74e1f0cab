import { describe, expect, it } from 'vitest';
import type { EntityRef } from '../../schema/index.ts';
import { calibrate, calibrateAll, fitCalibrator, surprise } from './calibrate.ts';
import { applyStacker, calibratedMax, calibrateScores, fitStacker } from './fuse.ts';
import { fitLogistic, predictLogistic } from './logistic.ts';

/** Deterministic PRNG so the toy data is identical every run. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('calibration', () => {
  const r = rng(1);
  const normals = Array.from({ length: 500 }, () => r() * 10);
  const c = fitCalibrator(normals);

  it('is monotone, inside [0, 1], and orders scores beyond every normal', () => {
    const probe = [-5, 0, 1, 2.5, 5, 9.9, 10, 11, 20, 1e6, Number.POSITIVE_INFINITY];
    const p = probe.map((s) => calibrate(c, s));
    for (const v of p) expect(v).toBeGreaterThanOrEqual(0);
    for (const v of p) expect(v).toBeLessThanOrEqual(1);
    for (let i = 1; i < p.length; i++) expect(p[i]).toBeGreaterThanOrEqual(p[i - 1]);
    expect(calibrate(c, 11)).toBeLessThan(calibrate(c, 20)); // the tail keeps outliers apart
    expect(calibrate(c, -5)).toBe(0);
  });

  it('matches the empirical CDF of the normals', () => {
    const p = calibrate(c, 5);
    const frac = normals.filter((s) => s <= 5).length / (normals.length + 1);
    expect(p).toBeCloseTo(frac, 12);
    expect(calibrate(c, Number.NaN)).toBe(0);
    expect(surprise(c, calibrate(c, 1e6))).toBeGreaterThan(surprise(c, calibrate(c, 5)));
  });

  it('refuses an empty calibration set', () => {
    expect(() => fitCalibrator([Number.NaN])).toThrow(/at least one/);
  });
});

describe('logistic regression', () => {
  it('recovers a separable toy problem', () => {
    const r = rng(2);
    const n = 400;
    const X = new Float64Array(n * 2);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      X[i * 2] = r() * 2 - 1;
      X[i * 2 + 1] = r() * 2 - 1;
      y[i] = X[i * 2] + 0.5 * X[i * 2 + 1] > 0.2 ? 1 : 0;
    }
    const m = fitLogistic(X, y, 2, { iterations: 3000, learningRate: 2, l2: 1e-5 });
    const p = predictLogistic(m, X, n);
    let correct = 0;
    for (let i = 0; i < n; i++) correct += (p[i] >= 0.5 ? 1 : 0) === y[i] ? 1 : 0;
    expect(correct / n).toBeGreaterThan(0.97);
    expect(m.weights[0]).toBeGreaterThan(m.weights[1]); // x0 carries twice the weight of x1
    expect(m.weights[1]).toBeGreaterThan(0);
  });

  it('rejects a single-class target', () => {
    expect(() => fitLogistic(new Float64Array(4), [0, 0], 2)).toThrow(/both classes/);
  });
});

describe('fusion', () => {
  const r = rng(3);
  const normal = (k: number) => Array.from({ length: 300 }, () => r() * k);
  const calibrators = { a: fitCalibrator(normal(1)), b: fitCalibrator(normal(100)) };

  it('calibrated max follows the model that is most surprised, whatever its raw scale', () => {
    // Row 0: b is large in raw units but ordinary for b; a is beyond every normal of a.
    // Row 1: the reverse.
    const c = calibrateScores({ a: [1.5, 0.5], b: [50, 500] }, calibrators);
    const { score, source } = calibratedMax(c);
    expect(source).toEqual(['a', 'b']);
    expect(score[0]).toBeGreaterThan(0.99);
    expect(score[1]).toBeGreaterThan(0.99);
  });

  it('stacking learns which model carries the signal', () => {
    const n = 600;
    const a: number[] = [];
    const b: number[] = [];
    const y: number[] = [];
    const entities: EntityRef[] = [];
    for (let i = 0; i < n; i++) {
      const pos = i % 10 === 0;
      a.push(pos ? 1 + r() : r()); // only a separates the classes
      b.push(r() * 100);
      y.push(pos ? 1 : 0);
      entities.push({ kind: i % 2 ? 'host' : 'user', id: `e${i}` });
    }
    const c = calibrateScores({ a, b }, calibrators);
    const s = fitStacker(c, entities, y);
    expect(s.model.weights[0]).toBeGreaterThan(Math.abs(s.model.weights[1]) * 3);
    const p = applyStacker(s, c, entities);
    const minPos = Math.min(...y.map((v, i) => (v ? p[i] : 1)));
    const maxNeg = Math.max(...y.map((v, i) => (v ? 0 : p[i])));
    expect(minPos).toBeGreaterThan(maxNeg);
    expect(calibrateAll(calibrators.a, [0, 2]).length).toBe(2);
  });
});
