import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../schema/validate.ts';
import { predictProba } from './evaluate.ts';
import { sliceRows, syntheticBinary, syntheticMulticlass } from './test-data.ts';
import { trainXGBoost } from './train.ts';
import { loadXGBoostWasm, WasmBooster } from './wasm.ts';

const data = syntheticBinary(800, 6, 7);
const train = sliceRows(data, 0, 600);
const valid = sliceRows(data, 600, 800);
const params = {
  objective: 'binary:logistic',
  rounds: 30,
  max_depth: 4,
  eta: 0.3,
  subsample: 0.8,
  colsample_bytree: 0.8,
  scale_pos_weight: 3,
  seed: 42,
};

async function wasmPredict(bytes: Uint8Array, X: Float32Array, nRows: number, nFeatures: number) {
  const booster = WasmBooster.load(await loadXGBoostWasm(), bytes);
  try {
    return booster.predict(X, nRows, nFeatures);
  } finally {
    booster.free();
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('trainXGBoost (binary:logistic)', () => {
  it('trains with NaNs and -1 values, and the TS evaluator matches XGBoost on every row', async () => {
    const res = await trainXGBoost({ X: train.X, y: train.y, nFeatures: 6, params });
    expect(res.ensemble.trees).toHaveLength(30);
    expect(res.nudgedMinusOnes).toBeGreaterThan(0);
    const ours = predictProba(res.ensemble, valid.X, valid.nRows);
    const theirs = await wasmPredict(res.modelBytes, valid.X, valid.nRows, 6);
    expect(theirs.width).toBe(1);
    expect(maxAbsDiff(ours, theirs.values)).toBeLessThanOrEqual(1e-6);
    expect(Math.max(...ours) - Math.min(...ours)).toBeGreaterThan(0.5);
  });

  it('keeps XGBoost log lines off the terminal and the wasm glue off process handlers', async () => {
    const before = process.listeners('uncaughtException').length;
    await loadXGBoostWasm();
    expect(process.listeners('uncaughtException').length).toBeLessThanOrEqual(before);
    const res = await trainXGBoost({ X: train.X, y: train.y, nFeatures: 6, params: { ...params, rounds: 1 } });
    expect(res.log.some((line) => line.includes("Tree method is selected to be 'hist'"))).toBe(true);
  });

  it('is deterministic for a seed, and the seed matters when sampling', async () => {
    const a = await trainXGBoost({ X: train.X, y: train.y, nFeatures: 6, params });
    const progress: number[] = [];
    const b = await trainXGBoost({
      X: train.X,
      y: train.y,
      nFeatures: 6,
      params,
      evalEvery: 7,
      onProgress: (done) => progress.push(done),
    });
    expect(progress).toEqual([7, 14, 21, 28, 30]);
    const c = await trainXGBoost({ X: train.X, y: train.y, nFeatures: 6, params: { ...params, seed: 43 } });
    expect(Buffer.from(b.modelBytes).equals(Buffer.from(a.modelBytes))).toBe(true);
    expect(Buffer.from(c.modelBytes).equals(Buffer.from(a.modelBytes))).toBe(false);
  });

  it('early-stops on validation log loss and keeps the best round', async () => {
    const res = await trainXGBoost({
      X: train.X,
      y: train.y,
      nFeatures: 6,
      params: { ...params, rounds: 300, max_depth: 6 },
      validation: valid,
      earlyStoppingRounds: 10,
      evalEvery: 5,
    });
    const log = res.validationLogLoss;
    expect(res.roundsTrained).toBeLessThan(300);
    expect(log).toHaveLength(res.bestRound + 10);
    expect(Math.min(...log)).toBe(log[res.bestRound - 1]);
    expect(log[0]).toBeGreaterThan(log[res.bestRound - 1]);
    expect(res.ensemble.trees).toHaveLength(res.bestRound);
    // The truncated model file is what XGBoost itself would predict with best_ntree_limit.
    const theirs = await wasmPredict(res.modelBytes, valid.X, valid.nRows, 6);
    expect(maxAbsDiff(predictProba(res.ensemble, valid.X, valid.nRows), theirs.values)).toBeLessThanOrEqual(1e-6);
  });
});

describe('trainXGBoost (multi:softprob)', () => {
  it('trains one tree per class per round and matches XGBoost probabilities', async () => {
    const m = syntheticMulticlass(600, 5, 3);
    const res = await trainXGBoost({
      X: m.X,
      y: m.y,
      nFeatures: 5,
      params: { objective: 'multi:softprob', num_class: 3, rounds: 15, max_depth: 4 },
    });
    expect(res.ensemble.numGroup).toBe(3);
    expect(res.ensemble.trees.map((t) => t.group).slice(0, 6)).toEqual([0, 1, 2, 0, 1, 2]);
    const theirs = await wasmPredict(res.modelBytes, m.X, 600, 5);
    expect(theirs.width).toBe(3);
    expect(maxAbsDiff(predictProba(res.ensemble, m.X, 600), theirs.values)).toBeLessThanOrEqual(1e-6);
  });
});

describe('trainXGBoost input checks (a bad value would abort the wasm instance)', () => {
  const base = { X: train.X, y: train.y, nFeatures: 6 };
  it('names an unknown or out-of-range parameter', async () => {
    await expect(trainXGBoost({ ...base, params: { ...params, maxdepth: 3 } })).rejects.toThrow(/maxdepth/);
    await expect(trainXGBoost({ ...base, params: { ...params, subsample: 0 } })).rejects.toThrow(ValidationError);
    await expect(trainXGBoost({ ...base, params: { objective: 'multi:softprob' } })).rejects.toThrow(/num_class/);
  });
  it('names the bad label, shape and infinite value', async () => {
    const y = train.y.slice();
    y[5] = 2;
    await expect(trainXGBoost({ ...base, y, params })).rejects.toThrow(/training labels\[5\] = 2/);
    await expect(trainXGBoost({ ...base, nFeatures: 5, params })).rejects.toThrow(/600 rows × 5 features/);
    const X = train.X.slice();
    X[6 * 3 + 2] = Number.POSITIVE_INFINITY;
    await expect(trainXGBoost({ ...base, X, params })).rejects.toThrow(/row 3, feature 2/);
    await expect(trainXGBoost({ ...base, params, earlyStoppingRounds: 5 })).rejects.toThrow(/validation/);
  });
  it('still trains after rejected input (the wasm instance survived)', async () => {
    const res = await trainXGBoost({ ...base, params: { ...params, rounds: 2 } });
    expect(res.ensemble.trees).toHaveLength(2);
  });
});
