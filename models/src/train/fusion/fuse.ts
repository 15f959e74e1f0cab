import { ENTITY_KINDS, type EntityRef } from '../../schema/index.ts';
import { type Calibrator, calibrateAll, surprise } from './calibrate.ts';
import { fitLogistic, type LogisticModel, predictLogistic } from './logistic.ts';

/** Raw scores of every base model, one array per model, aligned with a list of rows. */
export type ModelScores = Record<string, ArrayLike<number>>;

export interface Calibrated {
  names: string[];
  /** Calibrated score per model, each aligned with the rows. */
  p: Float64Array[];
  calibrators: Calibrator[];
}

export function calibrateScores(raw: ModelScores, calibrators: Record<string, Calibrator>): Calibrated {
  const names = Object.keys(raw);
  return {
    names,
    p: names.map((n) => calibrateAll(calibrators[n], raw[n])),
    calibrators: names.map((n) => calibrators[n]),
  };
}

/** Calibrated max: the fused score and the model that supplied it. */
export function calibratedMax(c: Calibrated): { score: Float64Array; source: string[] } {
  const n = c.p[0]?.length ?? 0;
  const score = new Float64Array(n);
  const source: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let m = 1; m < c.p.length; m++) if (c.p[m][i] > c.p[best][i]) best = m;
    score[i] = c.p[best][i];
    source[i] = c.names[best];
  }
  return { score, source };
}

/** Stacking design matrix: each model's surprise, then a one-hot of the entity kind (the models differ by kind). */
export function stackingFeatures(c: Calibrated, entities: readonly EntityRef[]): { X: Float64Array; d: number } {
  const M = c.names.length;
  const d = M + ENTITY_KINDS.length;
  const n = entities.length;
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let m = 0; m < M; m++) X[i * d + m] = surprise(c.calibrators[m], c.p[m][i]);
    const k = ENTITY_KINDS.indexOf(entities[i].kind);
    if (k >= 0) X[i * d + M + k] = 1;
  }
  return { X, d };
}

export interface Stacker {
  names: string[];
  model: LogisticModel;
}

export function fitStacker(c: Calibrated, entities: readonly EntityRef[], y: ArrayLike<number>): Stacker {
  const { X, d } = stackingFeatures(c, entities);
  return { names: c.names, model: fitLogistic(X, y, d, { l2: 1e-3, learningRate: 1, iterations: 1500 }) };
}

export function applyStacker(s: Stacker, c: Calibrated, entities: readonly EntityRef[]): Float64Array {
  if (s.names.join() !== c.names.join()) throw new Error(`stacker expects models ${s.names}, got ${c.names}`);
  const { X } = stackingFeatures(c, entities);
  return predictLogistic(s.model, X, entities.length);
}

/** The model whose term adds most to the stacker's logit for each row: the "contributing model" an alert names. */
export function stackerContributors(s: Stacker, c: Calibrated): string[] {
  const M = c.names.length;
  const n = c.p[0]?.length ?? 0;
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestTerm = Number.NEGATIVE_INFINITY;
    for (let m = 0; m < M; m++) {
      const term = s.model.weights[m] * surprise(c.calibrators[m], c.p[m][i]);
      if (term > bestTerm) {
        bestTerm = term;
        best = m;
      }
    }
    out[i] = c.names[best];
  }
  return out;
}
