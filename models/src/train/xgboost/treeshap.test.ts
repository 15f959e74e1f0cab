import { beforeAll, describe, expect, it } from 'vitest';
import type { Tree, TreeEnsemble } from './ensemble.ts';
import { predictMargin } from './evaluate.ts';
import { syntheticBinary, syntheticMulticlass } from './test-data.ts';
import { trainXGBoost } from './train.ts';
import { explain, shapValues } from './treeshap.ts';

/** E[tree(x) | x_S]: features in S follow x, others split by training cover (TreeSHAP's value function). */
function conditional(tree: Tree, x: Float32Array, inS: (f: number) => boolean, node = 0): number {
  if (tree.left[node] === -1) return tree.leafValue[node];
  const f = tree.feature[node];
  const l = tree.left[node];
  const r = tree.right[node];
  if (inS(f)) {
    const v = x[f];
    const left = Number.isNaN(v) ? tree.defaultLeft[node] === 1 : v < tree.threshold[node];
    return conditional(tree, x, inS, left ? l : r);
  }
  return (
    (conditional(tree, x, inS, l) * tree.cover[l] + conditional(tree, x, inS, r) * tree.cover[r]) / tree.cover[node]
  );
}

/** Shapley values by enumerating all 2^F coalitions. */
function bruteForceShap(model: TreeEnsemble, x: Float32Array): number[] {
  const F = model.numFeature;
  const value = (mask: number) =>
    model.trees.reduce((sum, t) => sum + conditional(t, x, (f) => ((mask >> f) & 1) === 1), 0);
  const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));
  const phi = new Array<number>(F).fill(0);
  for (let mask = 0; mask < 1 << F; mask++) {
    const size = [...Array(F).keys()].filter((f) => (mask >> f) & 1).length;
    for (let f = 0; f < F; f++) {
      if ((mask >> f) & 1) continue;
      const weight = (fact(size) * fact(F - size - 1)) / fact(F);
      phi[f] += weight * (value(mask | (1 << f)) - value(mask));
    }
  }
  return phi;
}

describe('TreeSHAP', () => {
  const data = syntheticBinary(500, 5, 21);
  let model: TreeEnsemble;
  beforeAll(async () => {
    const params = { objective: 'binary:logistic', rounds: 12, max_depth: 4, subsample: 0.9, seed: 5 };
    model = (await trainXGBoost({ X: data.X, y: data.y, nFeatures: 5, params })).ensemble;
  });

  it('equals exact Shapley values computed by brute force', () => {
    for (const r of [0, 3, 17, 42]) {
      const x = data.X.subarray(r * 5, r * 5 + 5);
      const { phi } = shapValues(model, x);
      const expected = bruteForceShap(model, x);
      for (let f = 0; f < 5; f++) expect(phi[f]).toBeCloseTo(expected[f], 5);
    }
  });

  it('is locally accurate on every row, missing values included', () => {
    const margins = predictMargin(model, data.X, data.nRows);
    let worst = 0;
    let nonZero = 0;
    for (let r = 0; r < data.nRows; r++) {
      const { phi, expectedValue } = shapValues(model, data.X.subarray(r * 5, r * 5 + 5));
      worst = Math.max(worst, Math.abs(expectedValue + phi.reduce((a, b) => a + b, 0) - margins[r]));
      if (phi.some((p) => Math.abs(p) > 1e-3)) nonZero++;
    }
    expect(worst).toBeLessThan(1e-4);
    expect(nonZero).toBeGreaterThan(data.nRows * 0.9);
  });

  it('returns the topK contributions by magnitude, with names and values', () => {
    const x = data.X.subarray(0, 5);
    const names = ['a', 'b', 'c', 'd', 'e'];
    const top = explain(model, x, 2, { featureNames: names });
    expect(top).toHaveLength(2);
    expect(Math.abs(top[0].contribution)).toBeGreaterThanOrEqual(Math.abs(top[1].contribution));
    expect(top[0].name).toBe(names[top[0].feature]);
    expect(Object.is(top[0].value, x[top[0].feature])).toBe(true);
    expect(() => explain(model, data.X.subarray(0, 4), 2)).toThrow(/expects 5/);
  });

  it('explains each class of a multi-class model separately', async () => {
    const m = syntheticMulticlass(300, 4, 9);
    const params = { objective: 'multi:softprob', num_class: 3, rounds: 6, max_depth: 3 };
    const ens = (await trainXGBoost({ X: m.X, y: m.y, nFeatures: 4, params })).ensemble;
    const margins = predictMargin(ens, m.X, m.nRows);
    for (let g = 0; g < 3; g++) {
      const { phi, expectedValue } = shapValues(ens, m.X.subarray(0, 4), g);
      expect(expectedValue + phi.reduce((a, b) => a + b, 0)).toBeCloseTo(margins[g], 4);
    }
    expect(() => shapValues(ens, m.X.subarray(0, 4), 3)).toThrow(/group 3/);
  });
});
