import { type ScalerParams, scaledWidth } from '../../onnx/nn/types.ts';

/*
 * Reconstruction scoring, the TypeScript twin of models/src/onnx/nn/recon-head.ts:
 *   e_d = (pred_d - target_d)² / v_d,  score = mean_d e_d,  feature_error_j = e_j + e_(indicator of j).
 * v_d is the per-column mean squared error on the training normals, so a training normal scores ≈ 1 and the
 * score reads as "times the usual error". Columns the model reconstructs almost perfectly (constant features)
 * would get v ≈ 0 and dominate every score; v is floored at a fraction of the median column's v.
 */

export interface ReconResult {
  /** [N] */
  score: Float32Array;
  /** [N, F] row-major */
  featureError: Float32Array;
}

export function errorVariance(
  pred: Float32Array,
  target: Float32Array,
  n: number,
  D: number,
  floorFraction = 0.05,
): Float32Array {
  if (n === 0) throw new RangeError('errorVariance: no rows');
  const mse = new Float64Array(D);
  for (let r = 0; r < n; r++) {
    for (let d = 0; d < D; d++) mse[d] += (pred[r * D + d] - target[r * D + d]) ** 2;
  }
  for (let d = 0; d < D; d++) mse[d] /= n;
  const sorted = Float64Array.from(mse).sort();
  const floor = Math.max(1e-6, floorFraction * sorted[Math.floor((D - 1) / 2)]);
  return Float32Array.from(mse, (v) => Math.max(v, floor));
}

export function reconScores(
  pred: Float32Array,
  target: Float32Array,
  n: number,
  scaler: ScalerParams,
  variance: Float32Array,
): ReconResult {
  const F = scaler.nFeatures;
  const D = scaledWidth(scaler);
  if (pred.length !== n * D || target.length !== n * D || variance.length !== D) {
    throw new RangeError(`reconScores: expected ${n}×${D} predictions/targets and ${D} variances`);
  }
  const score = new Float32Array(n);
  const featureError = new Float32Array(n * F);
  for (let r = 0; r < n; r++) {
    let sum = 0;
    for (let d = 0; d < D; d++) {
      const diff = Math.fround(pred[r * D + d] - target[r * D + d]);
      const e = Math.fround(Math.fround(diff * diff) / variance[d]);
      sum += e;
      const j = d < F ? d : scaler.indicators[d - F];
      featureError[r * F + j] += e;
    }
    score[r] = sum / D;
  }
  return { score, featureError };
}

/** The q-quantile (linear interpolation) of scores, e.g. of validation normals for an alert threshold. */
export function thresholdAtQuantile(scores: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} must be in [0, 1]`);
  const sorted = Float64Array.from(scores).filter((v) => !Number.isNaN(v));
  if (sorted.length === 0) throw new RangeError('thresholdAtQuantile: no scores');
  sorted.sort();
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Indices of the k largest feature errors of one row, for explanations. */
export function topFeatures(
  featureError: Float32Array,
  row: number,
  F: number,
  k: number,
  names?: string[],
): { feature: number; name?: string; error: number }[] {
  const base = row * F;
  const idx = Array.from({ length: F }, (_, j) => j).sort((a, b) => featureError[base + b] - featureError[base + a]);
  return idx
    .slice(0, k)
    .map((j) => ({ feature: j, ...(names ? { name: names[j] } : {}), error: featureError[base + j] }));
}
