/**
 * Empirical-CDF calibration: a raw model score becomes the fraction of validation-normal scores at or below it, so
 * scores of different models (probabilities, reconstruction errors, forecast deviations) share one scale: "how
 * unusual is this compared with normal traffic". The rank is divided by n + 1 and the region above the largest
 * normal score gets an exponential tail, so scores beyond everything normal stay ordered (a plain CDF would tie them
 * all at 1 and leave no threshold between a slight and an extreme outlier).
 */
export interface Calibrator {
  /** Sorted validation-normal scores. */
  readonly sorted: Float64Array;
  /** Scale of the tail above the largest normal score. */
  readonly tailScale: number;
}

export function fitCalibrator(normalScores: ArrayLike<number>): Calibrator {
  const finite = Array.from(normalScores).filter(Number.isFinite);
  if (finite.length === 0) throw new RangeError('calibration needs at least one finite validation-normal score');
  const sorted = Float64Array.from(finite).sort();
  const n = sorted.length;
  const top = sorted[n - 1];
  const q99 = sorted[Math.floor((n - 1) * 0.99)];
  const spread = top - q99 > 0 ? top - q99 : Math.abs(top) * 0.1;
  return { sorted, tailScale: spread > 0 ? spread : 1e-6 };
}

/** Number of sorted values ≤ s (upper bound by binary search). */
function countAtOrBelow(sorted: Float64Array, s: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Monotone non-decreasing map to [0, 1]; NaN scores map to 0 (no evidence). */
export function calibrate(c: Calibrator, s: number): number {
  if (Number.isNaN(s)) return 0;
  const n = c.sorted.length;
  const top = c.sorted[n - 1];
  if (s <= top) return countAtOrBelow(c.sorted, s) / (n + 1);
  if (s === Number.POSITIVE_INFINITY) return 1;
  return (n + 1 - Math.exp(-(s - top) / c.tailScale)) / (n + 1);
}

export function calibrateAll(c: Calibrator, scores: ArrayLike<number>): Float64Array {
  const out = new Float64Array(scores.length);
  for (let i = 0; i < scores.length; i++) out[i] = calibrate(c, scores[i]);
  return out;
}

/**
 * How surprising a calibrated score is: −ln(1 − p) / ln(n + 2), ≈ 1 at the largest normal score and growing linearly
 * (in tail-scale units) beyond it, capped at ln(1e12) / ln(n + 2). Linear models need this; p itself crowds every
 * outlier into the last hundredth.
 */
export function surprise(c: Calibrator, p: number): number {
  const n = c.sorted.length;
  return -Math.log(Math.max(1e-12, 1 - p)) / Math.log(n + 2);
}
