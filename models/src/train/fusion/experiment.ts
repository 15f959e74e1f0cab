import { chooseThreshold, type EvalReport, evaluate, type ScoredRow } from '../../eval/metrics.ts';
import type { AnomalyType, Label } from '../../schema/index.ts';
import { DEFAULT_DETECTOR_PARAMS, scoreRows, type Targets, trainDetector } from '../detector.ts';
import { labelsIn } from '../pipeline.ts';
import { rowsIn } from '../rows.ts';
import { type Calibrator, fitCalibrator } from './calibrate.ts';
import {
  applyStacker,
  type Calibrated,
  calibratedMax,
  calibrateScores,
  fitStacker,
  type Stacker,
  stackerContributors,
} from './fuse.ts';
import type { Prepared } from './prepare.ts';

export const BASE_MODELS = ['xgboost', 'autoencoder', 'forecast'] as const;
export type BaseModel = (typeof BASE_MODELS)[number];
export type Column = BaseModel | 'fused_max' | 'fused_stack';
/** Raw scores of each base model for every row of one dataset. */
export type RawScores = Record<BaseModel, Float64Array>;

export interface Fusion {
  calibrators: Record<BaseModel, Calibrator>;
  stacker: Stacker;
}

const noType = (p: Prepared, t?: AnomalyType) => (i: number) => t === undefined || p.types[i] !== t;

/** Calibrators on validation-normal rows; the stacker on labelled validation rows (minus a left-out type). */
export function fitFusion(dev: Prepared, raw: RawScores, leftOut?: AnomalyType): Fusion {
  const val = rowsIn(dev.rows, dev.plan.validation);
  const normals = val.filter((i) => dev.types[i] === null);
  const calibrators = Object.fromEntries(
    BASE_MODELS.map((m) => [m, fitCalibrator(normals.map((i) => raw[m][i]))]),
  ) as Record<BaseModel, Calibrator>;
  const usable = val.filter((i) => dev.targets[i] !== undefined && dev.targets[i] !== leftOut);
  const c = calibrateScores(pick(raw, usable), calibrators);
  const y = usable.map((i) => (dev.targets[i] ? 1 : 0));
  const stacker = fitStacker(
    c,
    usable.map((i) => dev.rows.entities[i]),
    y,
  );
  return { calibrators, stacker };
}

function pick(raw: RawScores, idx: number[]): Record<BaseModel, Float64Array> {
  return Object.fromEntries(BASE_MODELS.map((m) => [m, Float64Array.from(idx, (i) => raw[m][i])])) as RawScores;
}

/** Every column's score for the given rows of one dataset. */
export function columnScores(p: Prepared, raw: RawScores, f: Fusion, idx: number[]): Record<Column, Float64Array> {
  const sub = pick(raw, idx);
  const c: Calibrated = calibrateScores(sub, f.calibrators);
  const entities = idx.map((i) => p.rows.entities[i]);
  return { ...sub, fused_max: calibratedMax(c).score, fused_stack: applyStacker(f.stacker, c, entities) };
}

export function scored(p: Prepared, idx: number[], score: ArrayLike<number>, predTypes: PredTypes): ScoredRow[] {
  return idx.map((i, k) => ({
    entity: p.rows.entities[i],
    start: p.rows.starts[i],
    end: p.rows.ends[i],
    score: score[k],
    predType: predTypes[i],
    trueType: p.types[i],
  }));
}
export type PredTypes = (AnomalyType | 'unknown')[];

/** Thresholds chosen on the validation fold (a left-out type's rows and labels removed), then frozen. */
export function chooseThresholds(
  dev: Prepared,
  raw: RawScores,
  f: Fusion,
  predTypes: PredTypes,
  cols: readonly Column[],
  leftOut?: AnomalyType,
): Record<string, number> {
  const val = rowsIn(dev.rows, dev.plan.validation).filter(noType(dev, leftOut));
  const labels = labelsIn(dev.labels, dev.plan.validation).filter((l) => l.type !== leftOut);
  const s = columnScores(dev, raw, f, val);
  const out: Record<string, number> = {};
  for (const col of cols)
    out[col] = chooseThreshold(scored(dev, val, s[col], predTypes), labels, dev.index, 0.5).threshold;
  return out;
}

export function evaluateColumns(
  p: Prepared,
  idx: number[],
  labels: Label[],
  raw: RawScores,
  f: Fusion,
  thresholds: Record<string, number>,
  predTypes: PredTypes,
  cols: readonly Column[],
): Partial<Record<Column, EvalReport>> {
  const s = columnScores(p, raw, f, idx);
  const out: Partial<Record<Column, EvalReport>> = {};
  for (const col of cols) out[col] = evaluate(scored(p, idx, s[col], predTypes), labels, p.index, thresholds[col]);
  return out;
}

/** Alert-level F1: incident recall against alert-episode precision, the trade an operator feels. */
export const alertF1 = (r: EvalReport) => {
  const { incidentRecall: R, alertPrecision: P } = r.overall;
  return P + R > 0 ? (2 * P * R) / (P + R) : 0;
};

/** XGBoost trained with one type's windows removed from fitting and early stopping (the type is never seen). */
export async function trainWithout(dev: Prepared, leftOut: AnomalyType | undefined, seed: number, typer: boolean) {
  const targets: Targets = leftOut ? dev.targets.map((t) => (t === leftOut ? undefined : t)) : dev.targets;
  const usable = (idx: number[]) => idx.filter((i) => targets[i] !== undefined);
  return trainDetector(
    dev.rows,
    targets,
    usable(rowsIn(dev.rows, dev.plan.fit)),
    usable(rowsIn(dev.rows, dev.plan.validation)),
    DEFAULT_DETECTOR_PARAMS,
    seed,
    { typer },
  );
}

export function xgbScores(model: Awaited<ReturnType<typeof trainWithout>>, p: Prepared) {
  const { scores, predTypes } = scoreRows(model, p.rows, p.all);
  return { scores: Float64Array.from(scores), predTypes };
}

/** Firing windows of the fused column counted by the model named as their main contributor. */
export function firingByContributor(
  p: Prepared,
  raw: RawScores,
  f: Fusion,
  idx: number[],
  fused: 'fused_max' | 'fused_stack',
  threshold: number,
): Record<string, { windows: number; anomalous: number }> {
  const c = calibrateScores(pick(raw, idx), f.calibrators);
  const score = columnScores(p, raw, f, idx)[fused];
  const names = fused === 'fused_max' ? calibratedMax(c).source : stackerContributors(f.stacker, c);
  const out: Record<string, { windows: number; anomalous: number }> = {};
  idx.forEach((i, k) => {
    if (score[k] < threshold) return;
    const o = (out[names[k]] ??= { windows: 0, anomalous: 0 });
    o.windows++;
    if (p.types[i] !== null) o.anomalous++;
  });
  return out;
}
