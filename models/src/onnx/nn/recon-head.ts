import { attr } from '../graph.ts';
import type { GraphBuilder } from './graph-builder.ts';
import { type ReconScoring, type ScalerParams, scaledWidth } from './types.ts';

export function checkScoring(scoring: ReconScoring, scaler: ScalerParams): void {
  const D = scaledWidth(scaler);
  const v = scoring.errorVariance;
  if (v.length !== D) throw new RangeError(`errorVariance has ${v.length} values, the scaled input has ${D} columns`);
  const bad = v.findIndex((x) => !(x > 0) || !Number.isFinite(x));
  if (bad >= 0) throw new RangeError(`errorVariance[${bad}] = ${v[bad]} must be finite and > 0`);
}

/**
 * pred, target [N, D] → score [N] (mean normalized squared error) and feature_error [N, F] (each feature's
 * normalized error plus its missing-indicator column's, if it has one).
 */
export function reconScoringNodes(
  g: GraphBuilder,
  pred: string,
  target: string,
  scoring: ReconScoring,
  scaler: ScalerParams,
): { score: string; featureError: string } {
  checkScoring(scoring, scaler);
  const F = scaler.nFeatures;
  const D = scaledWidth(scaler);
  const diff = g.op('Sub', [pred, target]);
  const normalized = g.op('Div', [g.op('Mul', [diff, diff]), g.f32('err_var', [D], scoring.errorVariance)]);
  const score = g.op('ReduceMean', [normalized, g.i64([1])], { keepdims: attr.int(0) });
  if (D === F) return { score, featureError: normalized };
  const M = D - F;
  const main = g.op('Slice', [normalized, g.i64([0]), g.i64([F]), g.i64([1])]);
  const ind = g.op('Slice', [normalized, g.i64([F]), g.i64([D]), g.i64([1])]);
  const fold = new Float32Array(M * F); // [M, F]: indicator column m belongs to feature indicators[m]
  scaler.indicators.forEach((j, m) => {
    fold[m * F + j] = 1;
  });
  const featureError = g.op('Add', [main, g.op('MatMul', [ind, g.f32('indicator_fold', [M, F], fold)])]);
  return { score, featureError };
}
