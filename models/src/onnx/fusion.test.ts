import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../train/nn/random.ts';
import { calibrateScore, compactCalibrator, type FusionDoc, fuseScores, validateFusionDoc } from './fusion.ts';

const rng = mulberry32(11);
const normals = Float64Array.from({ length: 20_000 }, () => rng() ** 3); // skewed, like P(anomaly) on normal rows

/** The exact empirical CDF the compact one approximates: rank / (n + 1). */
function exactCdf(sorted: Float64Array, s: number): number {
  let c = 0;
  while (c < sorted.length && sorted[c] <= s) c++;
  return c / (sorted.length + 1);
}

describe('compact calibrator', () => {
  const cal = compactCalibrator(normals);
  const sorted = Float64Array.from(normals).sort();

  it('stays small and matches the exact CDF, exactly over the top ranks', () => {
    expect(cal.values.length).toBeLessThan(600);
    for (const q of [0.1, 0.5, 0.9, 0.99]) {
      const s = sorted[Math.floor(q * (sorted.length - 1))];
      expect(Math.abs(calibrateScore(cal, s) - exactCdf(sorted, s))).toBeLessThan(0.01);
    }
    for (const d of [0, 1, 10, 200]) {
      const s = sorted[sorted.length - 1 - d];
      expect(calibrateScore(cal, s)).toBeCloseTo(exactCdf(sorted, s), 12);
    }
  });

  it('is monotone, maps NaN to 0 and keeps outliers beyond every normal ordered below 1', () => {
    let prev = -1;
    for (let s = -0.1; s < 1.5; s += 0.0007) {
      const p = calibrateScore(cal, s);
      expect(p).toBeGreaterThanOrEqual(prev);
      prev = p;
    }
    expect(calibrateScore(cal, Number.NaN)).toBe(0);
    const top = sorted[sorted.length - 1];
    const a = calibrateScore(cal, top + 0.01);
    const b = calibrateScore(cal, top + 0.1);
    expect(a).toBeGreaterThan(calibrateScore(cal, top));
    expect(b).toBeGreaterThan(a);
    expect(b).toBeLessThan(1);
  });

  it('handles ties (many identical normal scores) without a count going backwards', () => {
    const tied = compactCalibrator([...new Array(1000).fill(0.01), 0.2, 0.3]);
    expect(calibrateScore(tied, 0.01)).toBeCloseTo(1000 / 1003, 12);
    expect(calibrateScore(tied, 0.005)).toBe(0);
    expect(() => validateFusionDoc(docWith('max', [tied]), 'tied')).not.toThrow();
  });
});

function docWith(method: 'max' | 'stack', cals: ReturnType<typeof compactCalibrator>[]): FusionDoc {
  return {
    fusionVersion: 1,
    method,
    inputs: cals.map((calibrator, i) => ({ model: `m${i}`, calibrator })),
    ...(method === 'stack' ? { stacker: { weights: [2, 1, -3, 0], bias: -4, entityKinds: ['host', 'ip'] } } : {}),
    threshold: 0.5,
  };
}

describe('fuseScores', () => {
  const a = compactCalibrator(Float64Array.from({ length: 1000 }, (_, i) => i / 1000));
  const b = compactCalibrator(Float64Array.from({ length: 1000 }, (_, i) => i));

  it('calibrated max takes the most unusual model and names it', () => {
    const f = fuseScores(docWith('max', [a, b]), [Float64Array.of(0.9, 0.1), Float64Array.of(5, 999)], ['host', 'ip']);
    expect([...f.main]).toEqual([0, 1]);
    expect(f.score[0]).toBeCloseTo(calibrateScore(a, 0.9), 12);
    expect(f.score[1]).toBeCloseTo(calibrateScore(b, 999), 12);
  });

  it('stacking adds the entity-kind weight and names the largest positive term', () => {
    const doc = docWith('stack', [a, b]);
    const raw = [Float64Array.of(0.999, 0.999), Float64Array.of(0, 0)];
    const f = fuseScores(doc, raw, ['host', 'ip']);
    expect(f.main[0]).toBe(0);
    expect(f.score[0]).toBeLessThan(f.score[1]); // host weight -3, ip weight 0
    expect(f.score.every((s) => s > 0 && s < 1)).toBe(true);
  });

  it('refuses documents that do not add up, naming the key', () => {
    const bad = { ...docWith('stack', [a, b]), stacker: { weights: [1], bias: 0, entityKinds: ['host'] } };
    expect(() => validateFusionDoc(bad, 'fusion.json')).toThrow(/stacker\.weights/);
    const unsorted = docWith('max', [{ ...a, values: [...a.values].reverse() }]);
    expect(() => validateFusionDoc(unsorted, 'fusion.json')).toThrow(/inputs\.0\.calibrator/);
    expect(() => validateFusionDoc({ ...docWith('max', [a]), extra: 1 }, 'fusion.json')).toThrow(/extra/);
  });
});
