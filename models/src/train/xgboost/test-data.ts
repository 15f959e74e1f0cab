import { mulberry32 } from '../../util/mulberry32.ts';
/**
 * Deterministic synthetic tabular data for the XGBoost/ONNX tests: nonlinear signal, ~8% missing values,
 * a few exact -1.0 values (this XGBoost build's missing marker), and an imbalanced positive class.
 */
export interface SyntheticSet {
  X: Float32Array;
  y: Float32Array;
  nRows: number;
  nFeatures: number;
}

/** Seeded PRNG (mulberry32). */
export const seededRandom = mulberry32;

function fillFeatures(rand: () => number, nRows: number, nFeatures: number): Float32Array {
  const X = new Float32Array(nRows * nFeatures);
  for (let i = 0; i < X.length; i++) {
    const r = rand();
    X[i] = r < 0.08 ? Number.NaN : r < 0.1 ? -1 : rand() * 6 - 3;
  }
  return X;
}

/** Binary labels with roughly `positiveRate` positives, driven by an interaction and a threshold on missing. */
export function syntheticBinary(nRows: number, nFeatures: number, seed: number, positiveRate = 0.12): SyntheticSet {
  const rand = seededRandom(seed);
  const X = fillFeatures(rand, nRows, nFeatures);
  const score = new Float64Array(nRows);
  for (let r = 0; r < nRows; r++) {
    const f = (j: number) => X[r * nFeatures + j];
    const a = Number.isNaN(f(0)) ? 2 : f(0);
    const b = Number.isNaN(f(1)) ? 0 : f(1);
    score[r] = a * b + 1.5 * Math.sin(f(2) || 0) + (Number.isNaN(f(3)) ? 1 : 0) + rand() * 1.5;
  }
  const cut = [...score].sort((p, q) => q - p)[Math.floor(nRows * positiveRate)];
  const y = new Float32Array(nRows);
  for (let r = 0; r < nRows; r++) y[r] = score[r] > cut ? 1 : 0;
  return { X, y, nRows, nFeatures };
}

/** Three classes separated by the sign/magnitude of a noisy linear score. */
export function syntheticMulticlass(nRows: number, nFeatures: number, seed: number): SyntheticSet {
  const rand = seededRandom(seed);
  const X = fillFeatures(rand, nRows, nFeatures);
  const y = new Float32Array(nRows);
  for (let r = 0; r < nRows; r++) {
    const s = (X[r * nFeatures] || 0) - 0.7 * (X[r * nFeatures + 1] || 0) + rand();
    y[r] = s < -1 ? 0 : s < 1.2 ? 1 : 2;
  }
  return { X, y, nRows, nFeatures };
}

/** Rows [from, to) of a set, as a new set (for time-ordered train/validation splits). */
export function sliceRows(set: SyntheticSet, from: number, to: number): SyntheticSet {
  return {
    X: set.X.slice(from * set.nFeatures, to * set.nFeatures),
    y: set.y.slice(from, to),
    nRows: to - from,
    nFeatures: set.nFeatures,
  };
}
