import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { predictProba } from '../train/xgboost/evaluate.ts';
import { sliceRows, syntheticBinary, syntheticMulticlass } from '../train/xgboost/test-data.ts';
import { type TrainResult, trainXGBoost } from '../train/xgboost/train.ts';
import { treeEnsembleToOnnx } from './tree-ensemble.ts';

/*
 * Parity: the exported ONNX model, run by onnxruntime-node, must reproduce XGBoost's own predictions
 * (ml-xgboost's public predict()) on every validation row, missing values included.
 */

interface MlXGBoost {
  predict(rows: number[][]): number[] | number[][];
  free(): void;
}
interface MlXGBoostClass {
  load(model: { name: string; model: number[]; options: object }): MlXGBoost;
}

/** ml-xgboost's own predict(). Its DMatrix treats -1 as missing and aborts on NaN, so encode rows like training. */
async function mlXGBoostPredict(modelBytes: Uint8Array, X: Float32Array, nRows: number, nFeatures: number) {
  // The package's CommonJS entry exports a promise of the class (its "module" entry is not valid ESM).
  const XGBoost = (await createRequire(import.meta.url)('ml-xgboost')) as MlXGBoostClass;
  const booster = XGBoost.load({ name: 'ml-xgboost', model: Array.from(new Int8Array(modelBytes)), options: {} });
  const rows: number[][] = [];
  for (let r = 0; r < nRows; r++) {
    const row = Array.from(X.subarray(r * nFeatures, (r + 1) * nFeatures));
    rows.push(row.map((v) => (Number.isNaN(v) ? -1 : v === -1 ? Math.fround(-1 - 2 ** -23) : v)));
  }
  try {
    return booster.predict(rows).flat();
  } finally {
    booster.free();
  }
}

async function ortProbabilities(onnx: Uint8Array, X: Float32Array, nRows: number, nFeatures: number) {
  const session = await ort.InferenceSession.create(onnx, { intraOpNumThreads: 1 });
  try {
    const out = await session.run({ input: new ort.Tensor('float32', X, [nRows, nFeatures]) });
    return { probabilities: out.probabilities, label: out.label };
  } finally {
    await session.release();
  }
}

describe('XGBoost → ONNX TreeEnsembleClassifier parity (binary:logistic)', () => {
  const data = syntheticBinary(700, 8, 1234, 0.1);
  const train = sliceRows(data, 0, 500);
  const valid = sliceRows(data, 500, 700);
  let res: TrainResult;
  let onnx: Uint8Array;

  beforeAll(async () => {
    const params = {
      objective: 'binary:logistic',
      rounds: 60,
      max_depth: 5,
      eta: 0.2,
      subsample: 0.8,
      colsample_bytree: 0.9,
      scale_pos_weight: 4,
      base_score: 0.3,
      seed: 7,
    };
    res = await trainXGBoost({ X: train.X, y: train.y, nFeatures: 8, params });
    onnx = treeEnsembleToOnnx(res.ensemble);
  });

  it('uses a realistic fixture: imbalanced, with missing values', () => {
    const positives = data.y.reduce((a, b) => a + b, 0);
    expect(positives / data.nRows).toBeCloseTo(0.1, 2);
    expect(valid.X.some(Number.isNaN)).toBe(true);
    expect(res.ensemble.trees).toHaveLength(60);
  });

  it('ONNX Runtime matches ml-xgboost predict() on every validation row within 1e-5', async () => {
    const xgb = await mlXGBoostPredict(res.modelBytes, valid.X, valid.nRows, 8);
    const { probabilities, label } = await ortProbabilities(onnx, valid.X, valid.nRows, 8);
    expect(probabilities.dims).toEqual([valid.nRows, 2]);
    expect(label.dims).toEqual([valid.nRows]);
    expect(xgb).toHaveLength(valid.nRows);
    const p = probabilities.data as Float32Array;
    const labels = label.data as BigInt64Array;
    let worst = 0;
    for (let r = 0; r < valid.nRows; r++) {
      worst = Math.max(worst, Math.abs(p[2 * r + 1] - xgb[r]), Math.abs(p[2 * r] - (1 - xgb[r])));
      expect(labels[r]).toBe(xgb[r] > 0.5 ? 1n : 0n);
    }
    expect(worst).toBeLessThanOrEqual(1e-5);
    const spread = Math.max(...xgb) - Math.min(...xgb);
    expect(spread).toBeGreaterThan(0.5);
    expect(labels.some((l) => l === 1n)).toBe(true);
  });

  it('the TS evaluator matches ONNX Runtime too', async () => {
    const ours = predictProba(res.ensemble, valid.X, valid.nRows);
    const p = (await ortProbabilities(onnx, valid.X, valid.nRows, 8)).probabilities.data as Float32Array;
    let worst = 0;
    for (let r = 0; r < valid.nRows; r++) worst = Math.max(worst, Math.abs(p[2 * r + 1] - ours[r]));
    expect(worst).toBeLessThanOrEqual(1e-5);
  });

  it('sends an all-missing row down the default branches exactly like XGBoost', async () => {
    const X = new Float32Array(8).fill(Number.NaN);
    const xgb = await mlXGBoostPredict(res.modelBytes, X, 1, 8);
    const p = (await ortProbabilities(onnx, X, 1, 8)).probabilities.data as Float32Array;
    expect(Math.abs(p[1] - xgb[0])).toBeLessThanOrEqual(1e-5);
  });
});

describe('XGBoost → ONNX parity (multi:softprob)', () => {
  let res: TrainResult;
  const m = syntheticMulticlass(400, 5, 77);
  beforeAll(async () => {
    const params = {
      objective: 'multi:softprob',
      num_class: 3,
      rounds: 20,
      max_depth: 4,
      subsample: 0.9,
      seed: 1,
      tree_method: 'exact', // the binary case above uses the default 'hist'
    };
    res = await trainXGBoost({ X: m.X, y: m.y, nFeatures: 5, params });
  });

  it('matches class probabilities on every row', async () => {
    const xgb = await mlXGBoostPredict(res.modelBytes, m.X, m.nRows, 5);
    const { probabilities, label } = await ortProbabilities(treeEnsembleToOnnx(res.ensemble), m.X, m.nRows, 5);
    expect(probabilities.dims).toEqual([m.nRows, 3]);
    const p = probabilities.data as Float32Array;
    expect(xgb).toHaveLength(p.length);
    let worst = 0;
    for (let i = 0; i < p.length; i++) worst = Math.max(worst, Math.abs(p[i] - xgb[i]));
    expect(worst).toBeLessThanOrEqual(1e-5);
    expect(new Set(label.data as BigInt64Array).size).toBe(3);
  });
});

describe('XGBoost → ONNX parity (multi:softprob with two classes)', () => {
  it('matches both class probabilities on every row (ONNX Runtime treats two labels as binary)', async () => {
    const m = syntheticMulticlass(300, 5, 91);
    const y = Array.from(m.y, (v) => (v > 0 ? 1 : 0));
    const params = { objective: 'multi:softprob', num_class: 2, rounds: 15, max_depth: 3, seed: 2 };
    const res = await trainXGBoost({ X: m.X, y, nFeatures: 5, params });
    const xgb = await mlXGBoostPredict(res.modelBytes, m.X, m.nRows, 5);
    const { probabilities } = await ortProbabilities(treeEnsembleToOnnx(res.ensemble), m.X, m.nRows, 5);
    expect(probabilities.dims).toEqual([m.nRows, 2]);
    const p = probabilities.data as Float32Array;
    let worst = 0;
    for (let i = 0; i < p.length; i++) worst = Math.max(worst, Math.abs(p[i] - xgb[i]));
    expect(worst).toBeLessThanOrEqual(1e-5);
    expect(new Set(Array.from({ length: m.nRows }, (_, i) => p[i * 2 + 1].toFixed(3))).size).toBeGreaterThan(5);
  });
});
