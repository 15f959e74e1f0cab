import type { LabelIndex } from '../../eval/align.ts';
import { chooseThreshold, type EvalReport, evaluate, type ScoredRow } from '../../eval/metrics.ts';
import {
  type CalibratorDoc,
  calibrateScore,
  compactCalibrator,
  type FusionDoc,
  fuseScores,
  surpriseOf,
} from '../../onnx/fusion.ts';
import { type AnomalyType, ENTITY_KINDS, type Label } from '../../schema/index.ts';
import type { Targets } from '../detector.ts';
import type { RowSet } from '../rows.ts';
import { alertF1 } from './experiment.ts';
import { fitLogistic } from './logistic.ts';

/*
 * The bundle's fusion, fitted on the validation fold only: calibrators on its normal windows (outside every label),
 * the stacker on its windows with a defined training target, and each variant's threshold by the detector's rule
 * (highest threshold keeping 95% of validation incidents, bounded by the false-alarm budget). Validation alert-level
 * F1 picks calibrated max or stacking, as in the fusion experiment (./run.ts). Scores are the shipped models' own
 * (int8 ONNX autoencoder, the exported tree ensemble), and fusion is applied with the serving function.
 */

export interface FusionInputScores {
  /** Bundle model name. */
  model: string;
  /** Raw score of every row of the dataset (index = row). */
  scores: ArrayLike<number>;
}

export interface RowTruth {
  rows: RowSet;
  types: (AnomalyType | null)[];
  index: LabelIndex;
  predTypes: (AnomalyType | 'unknown')[];
}

export interface FittedFusion {
  doc: FusionDoc;
  /** Validation alert-level F1 of each variant at its own validation threshold. */
  validationAlertF1: { max: number; stack: number };
  validation: { max: EvalReport; stack: EvalReport };
}

export function scoredAt(t: RowTruth, idx: readonly number[], score: ArrayLike<number>): ScoredRow[] {
  return idx.map((i, k) => ({
    entity: t.rows.entities[i],
    start: t.rows.starts[i],
    end: t.rows.ends[i],
    score: score[k],
    predType: t.predTypes[i],
    trueType: t.types[i],
  }));
}

const pick = (a: ArrayLike<number>, idx: readonly number[]) => Float64Array.from(idx, (i) => a[i]);

/** The fused score of the given rows under a fusion document. */
export function fusedAt(doc: FusionDoc, t: RowTruth, inputs: FusionInputScores[], idx: readonly number[]) {
  const raw = doc.inputs.map((d) => {
    const input = inputs.find((x) => x.model === d.model);
    if (!input) throw new Error(`no scores for fusion input '${d.model}'`);
    return pick(input.scores, idx);
  });
  return fuseScores(
    doc,
    raw,
    idx.map((i) => t.rows.entities[i].kind),
  ).score;
}

function fitStack(t: RowTruth, targets: Targets, inputs: FusionInputScores[], cals: CalibratorDoc[], val: number[]) {
  const usable = val.filter((i) => targets[i] !== undefined);
  const M = inputs.length;
  const d = M + ENTITY_KINDS.length;
  const X = new Float64Array(usable.length * d);
  usable.forEach((i, r) => {
    for (let m = 0; m < M; m++) X[r * d + m] = surpriseOf(cals[m], calibrateScore(cals[m], inputs[m].scores[i]));
    X[r * d + M + ENTITY_KINDS.indexOf(t.rows.entities[i].kind)] = 1;
  });
  const y = usable.map((i) => (targets[i] ? 1 : 0));
  const model = fitLogistic(X, y, d, { l2: 1e-3, learningRate: 1, iterations: 1500 });
  return { weights: [...model.weights], bias: model.bias, entityKinds: [...ENTITY_KINDS] };
}

export function fitBundleFusion(
  t: RowTruth,
  targets: Targets,
  inputs: FusionInputScores[],
  validation: { idx: number[]; labels: readonly Label[] },
  faBudget: number,
): FittedFusion {
  const val = validation.idx;
  const normals = val.filter((i) => t.types[i] === null);
  const cals = inputs.map((x) => compactCalibrator(Float64Array.from(normals, (i) => x.scores[i])));
  const base = { fusionVersion: 1 as const, inputs: inputs.map((x, m) => ({ model: x.model, calibrator: cals[m] })) };
  const variants: Record<'max' | 'stack', FusionDoc> = {
    max: { ...base, method: 'max', threshold: 1 },
    stack: { ...base, method: 'stack', stacker: fitStack(t, targets, inputs, cals, val), threshold: 1 },
  };
  const reports = {} as Record<'max' | 'stack', EvalReport>;
  for (const method of ['max', 'stack'] as const) {
    const doc = variants[method];
    const rows = scoredAt(t, val, fusedAt(doc, t, inputs, val));
    const { threshold } = chooseThreshold(rows, validation.labels, t.index, faBudget);
    doc.threshold = Math.min(1, Math.max(Number.MIN_VALUE, threshold));
    reports[method] = evaluate(rows, validation.labels, t.index, doc.threshold);
  }
  const validationAlertF1 = { max: alertF1(reports.max), stack: alertF1(reports.stack) };
  const method = validationAlertF1.stack > validationAlertF1.max ? 'stack' : 'max';
  return { doc: variants[method], validationAlertF1, validation: reports };
}
