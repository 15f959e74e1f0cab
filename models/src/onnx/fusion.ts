import { type Static, Type } from '@sinclair/typebox';
import { compileValidator, ValidationError } from '../schema/validate.ts';

/*
 * Score fusion at serving time: the bundle's `fusion` document (kind fusion, format json) turns the detector's and
 * each contributor's raw score into one calibrated anomaly score per row, and names the model that drove it.
 *
 * Calibration: each model's raw score becomes the share of validation-normal scores at or below it ("how unusual
 * compared with normal traffic"), so probabilities and reconstruction errors share one scale. The document carries
 * a compact CDF: knots (value, count of validation-normal scores ≤ value) at the ranks that matter, dense in the
 * upper tail where thresholds live, interpolated linearly between knots; above the largest normal score an
 * exponential tail keeps outliers ordered. Training evaluates with this very function, so the fused threshold is
 * chosen on exactly what serving computes.
 *
 * Methods: `max` = the largest calibrated score (its model is the contributor); `stack` = logistic regression over
 * each model's surprise −ln(1−p)/ln(n+2) plus a one-hot of the entity kind, fitted on validation folds only (the
 * contributor is the model whose term adds most to the logit).
 */

const Finite = Type.Number();

export const CalibratorDocSchema = Type.Object(
  {
    /** Validation-normal scores the CDF was built from. */
    n: Type.Integer({ minimum: 1 }),
    /** Increasing score values. */
    values: Type.Array(Finite, { minItems: 1, maxItems: 4096 }),
    /** counts[k] = number of validation-normal scores ≤ values[k] (non-decreasing, last = n). */
    counts: Type.Array(Type.Integer({ minimum: 0 }), { minItems: 1, maxItems: 4096 }),
    tailScale: Type.Number({ exclusiveMinimum: 0 }),
  },
  { additionalProperties: false },
);
export type CalibratorDoc = Static<typeof CalibratorDocSchema>;

export const FusionInputSchema = Type.Object(
  {
    /** The bundle model whose row score feeds the fusion. */
    model: Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]{0,63}$' }),
    calibrator: CalibratorDocSchema,
  },
  { additionalProperties: false },
);

export const FusionDocSchema = Type.Object(
  {
    fusionVersion: Type.Literal(1),
    method: Type.Union([Type.Literal('max'), Type.Literal('stack')]),
    inputs: Type.Array(FusionInputSchema, { minItems: 1, maxItems: 16 }),
    /** stack only: one weight per input, then one per entity kind in `entityKinds`. */
    stacker: Type.Optional(
      Type.Object(
        {
          weights: Type.Array(Finite),
          bias: Finite,
          entityKinds: Type.Array(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Alert when fused score ≥ threshold (chosen on validation, frozen). */
    threshold: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
  },
  { additionalProperties: false },
);
export type FusionDoc = Static<typeof FusionDocSchema>;

const checkShape = compileValidator(FusionDocSchema);

export function validateFusionDoc(value: unknown, where: string): FusionDoc {
  const doc = checkShape(value, where);
  const problems: { path: string; message: string }[] = [];
  doc.inputs.forEach((input, i) => {
    const c = input.calibrator;
    const at = `inputs.${i}.calibrator`;
    if (c.values.length !== c.counts.length) problems.push({ path: at, message: 'values and counts differ in length' });
    for (let k = 1; k < c.values.length; k++) {
      if (!(c.values[k] > c.values[k - 1]) || c.counts[k] < c.counts[k - 1]) {
        problems.push({ path: `${at}.values.${k}`, message: 'values must increase and counts must not decrease' });
        break;
      }
    }
    if (c.counts.at(-1) !== c.n) problems.push({ path: `${at}.counts`, message: `last count must equal n (${c.n})` });
  });
  if (doc.method === 'stack') {
    const s = doc.stacker;
    if (!s) problems.push({ path: 'stacker', message: 'required when method is stack' });
    else if (s.weights.length !== doc.inputs.length + s.entityKinds.length) {
      problems.push({
        path: 'stacker.weights',
        message: `${s.weights.length} weights for ${doc.inputs.length} inputs + ${s.entityKinds.length} kinds`,
      });
    }
  }
  if (problems.length > 0) throw new ValidationError(where, problems);
  return doc;
}

/** Calibrated score in [0, 1]: monotone in s; NaN (no evidence) → 0. */
export function calibrateScore(c: CalibratorDoc, s: number): number {
  if (Number.isNaN(s)) return 0;
  const { values, counts, n } = c;
  const last = values.length - 1;
  const top = values[last];
  if (s >= top) {
    if (s === top) return n / (n + 1);
    if (s === Number.POSITIVE_INFINITY) return 1;
    return (n + 1 - Math.exp(-(s - top) / c.tailScale)) / (n + 1);
  }
  if (s < values[0]) return 0;
  let lo = 0; // largest k with values[k] ≤ s
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (values[mid] <= s) lo = mid;
    else hi = mid;
  }
  const f = (s - values[lo]) / (values[hi] - values[lo]);
  // Between knots the count grows from counts[lo] towards the scores strictly below values[hi].
  const below = Math.max(counts[lo], counts[hi] - 1);
  return (counts[lo] + f * (below - counts[lo])) / (n + 1);
}

/** −ln(1−p)/ln(n+2): ≈ 1 at the largest normal score, linear in tail-scale units beyond it. */
export function surpriseOf(c: CalibratorDoc, p: number): number {
  return -Math.log(Math.max(1e-12, 1 - p)) / Math.log(c.n + 2);
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export interface FusedScores {
  /** Fused score per row, in [0, 1]. */
  score: Float64Array;
  /** Index into doc.inputs of the model that drove each row's score. */
  main: Uint8Array;
  /** Calibrated score per input, row-major [n, inputs]. */
  calibrated: Float64Array;
}

/**
 * Fuses raw scores (`raw[m][i]` = input m's score of row i) for rows of the given entity kinds. Allocation is per
 * call, not per row.
 */
export function fuseScores(doc: FusionDoc, raw: readonly ArrayLike<number>[], kinds: readonly string[]): FusedScores {
  const M = doc.inputs.length;
  const n = kinds.length;
  if (raw.length !== M) throw new RangeError(`fusion expects ${M} score arrays, got ${raw.length}`);
  const score = new Float64Array(n);
  const main = new Uint8Array(n);
  const calibrated = new Float64Array(n * M);
  const s = doc.stacker;
  const kindIndex = s ? new Map(s.entityKinds.map((k, j) => [k, M + j])) : undefined;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestV = Number.NEGATIVE_INFINITY;
    let z = s?.bias ?? 0;
    for (let m = 0; m < M; m++) {
      const c = doc.inputs[m].calibrator;
      const p = calibrateScore(c, raw[m][i]);
      calibrated[i * M + m] = p;
      const v = s ? s.weights[m] * surpriseOf(c, p) : p;
      z += v;
      if (v > bestV) {
        bestV = v;
        best = m;
      }
    }
    if (s && kindIndex) {
      const j = kindIndex.get(kinds[i]);
      if (j !== undefined) z += s.weights[j];
      score[i] = sigmoid(z);
    } else score[i] = bestV;
    main[i] = best;
  }
  return { score, main, calibrated };
}

/**
 * A compact calibrator from validation-normal scores: every one of the top `exactTop` ranks, geometrically spaced
 * ranks below them, and `coarse` evenly spaced ranks over the rest. Non-finite scores are ignored.
 */
export function compactCalibrator(scores: ArrayLike<number>, exactTop = 256, coarse = 128): CalibratorDoc {
  const sorted = Float64Array.from(Array.from(scores).filter(Number.isFinite)).sort();
  const n = sorted.length;
  if (n === 0) throw new RangeError('calibration needs at least one finite validation-normal score');
  const ranks = new Set<number>();
  for (let k = 0; k <= coarse; k++) ranks.add(Math.round((k * (n - 1)) / coarse));
  for (let d = 0; d < Math.min(n, exactTop); d++) ranks.add(n - 1 - d);
  for (let d = exactTop; d < n; d = Math.ceil(d * 1.05)) ranks.add(n - 1 - d);
  const values: number[] = [];
  const counts: number[] = [];
  for (const r of [...ranks].sort((a, b) => a - b)) {
    const v = sorted[r];
    let c = r + 1; // count of scores ≤ v: extend over ties
    while (c < n && sorted[c] === v) c++;
    if (values.length > 0 && values[values.length - 1] === v) counts[counts.length - 1] = c;
    else {
      values.push(v);
      counts.push(c);
    }
  }
  const q99 = sorted[Math.floor((n - 1) * 0.99)];
  const top = sorted[n - 1];
  const spread = top - q99 > 0 ? top - q99 : Math.abs(top) * 0.1;
  return { n, values, counts, tailScale: spread > 0 ? spread : 1e-6 };
}
