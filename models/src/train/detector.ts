import type { AnomalyType } from '../schema/index.ts';
import { gather, type RowSet } from './rows.ts';
import { predictProba, type TrainResult, trainXGBoost } from './xgboost/index.ts';

/** The knobs the tuner searches. Rounds are capped so the ONNX ensemble meets the on-host latency budget. */
export interface DetectorParams {
  max_depth: number;
  eta: number;
  min_child_weight: number;
  subsample: number;
  colsample_bytree: number;
  lambda: number;
  /** Multiplier on sqrt(neg/pos), the imbalance correction. */
  pos_weight_scale: number;
  rounds: number;
}

export const DEFAULT_DETECTOR_PARAMS: DetectorParams = {
  max_depth: 5,
  eta: 0.2,
  min_child_weight: 2,
  subsample: 0.8,
  colsample_bytree: 0.8,
  lambda: 1,
  pos_weight_scale: 1,
  rounds: 60,
};

/**
 * Two models: a binary detector (anomaly or not) that scores every window, and a type classifier trained only on
 * anomalous windows that names what the detector found. Splitting them keeps the always-on model small (latency) and
 * lets the typer use many classes without slowing the hot path.
 */
export interface TrainedDetector {
  detector: TrainResult;
  typer: TrainResult | null;
  typeLabels: AnomalyType[];
  params: DetectorParams;
}

/**
 * Repeats the positive rows of rare types so that every type weighs about as much as the average type in the binary
 * detector (ml-xgboost has no sample-weight API; duplication is the equivalent for integer weights). Capped at 20×.
 */
export function balanceTypes(types: Targets, idx: number[]): number[] {
  const byType = new Map<string, number[]>();
  for (const i of idx) {
    const t = types[i];
    if (t) {
      let list = byType.get(t);
      if (!list) byType.set(t, (list = []));
      list.push(i);
    }
  }
  if (byType.size === 0) return idx;
  const mean = [...byType.values()].reduce((s, l) => s + l.length, 0) / byType.size;
  const out = idx.slice();
  for (const list of byType.values()) {
    const factor = Math.min(20, Math.round(mean / list.length));
    for (let k = 1; k < factor; k++) out.push(...list);
  }
  return out;
}

/** Per-row target: a type (positive), null (normal) or undefined (ambiguous: not used for training). */
export type Targets = readonly (AnomalyType | null | undefined)[];

export async function trainDetector(
  rows: RowSet,
  types: Targets,
  trainIdx: number[],
  valIdx: number[],
  params: DetectorParams,
  seed: number,
  opts: { typer?: boolean } = {},
): Promise<TrainedDetector> {
  const F = rows.nFeatures;
  const y = (idx: number[]) => Float32Array.from(idx, (i) => (types[i] ? 1 : 0));
  trainIdx = balanceTypes(types, trainIdx);
  const yTrain = y(trainIdx);
  const pos = yTrain.reduce((a, b) => a + b, 0);
  const neg = yTrain.length - pos;
  if (pos === 0) throw new Error('training span holds no anomalous windows: nothing to learn from');
  const yVal = y(valIdx);
  const hasValBoth = yVal.some((v) => v === 1) && yVal.some((v) => v === 0);
  const detector = await trainXGBoost({
    X: gather(rows, trainIdx),
    y: yTrain,
    nFeatures: F,
    params: {
      objective: 'binary:logistic',
      rounds: params.rounds,
      max_depth: params.max_depth,
      eta: params.eta,
      min_child_weight: params.min_child_weight,
      subsample: params.subsample,
      colsample_bytree: params.colsample_bytree,
      lambda: params.lambda,
      scale_pos_weight: Math.max(1, Math.sqrt(neg / pos) * params.pos_weight_scale),
      tree_method: 'hist',
      seed,
    },
    ...(hasValBoth ? { validation: { X: gather(rows, valIdx), y: yVal }, earlyStoppingRounds: 10 } : {}),
  });
  const { typer, typeLabels } =
    opts.typer === false ? { typer: null, typeLabels: [] } : await trainTyper(rows, types, trainIdx, valIdx, seed);
  return { detector, typer, typeLabels, params };
}

async function trainTyper(rows: RowSet, types: Targets, trainIdx: number[], valIdx: number[], seed: number) {
  const posTrain = trainIdx.filter((i) => types[i]);
  const typeLabels = [...new Set(posTrain.map((i) => types[i] as AnomalyType))].sort();
  if (typeLabels.length < 2) return { typer: null, typeLabels };
  const cls = (i: number) => typeLabels.indexOf(types[i] as AnomalyType);
  const posVal = valIdx.filter((i) => types[i] && typeLabels.includes(types[i] as AnomalyType));
  const valClasses = new Set(posVal.map(cls));
  const typer = await trainXGBoost({
    X: gather(rows, posTrain),
    y: posTrain.map(cls),
    nFeatures: rows.nFeatures,
    params: {
      objective: 'multi:softprob',
      num_class: typeLabels.length,
      rounds: 40,
      max_depth: 4,
      eta: 0.3,
      subsample: 0.9,
      tree_method: 'hist',
      seed,
    },
    ...(valClasses.size >= 2
      ? { validation: { X: gather(rows, posVal), y: posVal.map(cls) }, earlyStoppingRounds: 8 }
      : {}),
  });
  return { typer, typeLabels };
}

/** Scores rows with the trained ensembles (the pure-TS evaluator, which matches ONNX Runtime to 1e-6). */
export function scoreRows(model: TrainedDetector, rows: RowSet, idx: number[]) {
  const X = gather(rows, idx);
  const scores = predictProba(model.detector.ensemble, X, idx.length); // binary: P(anomaly) per row
  const predTypes = predictTypes(model, X, idx.length);
  return { scores, predTypes };
}

export function predictTypes(model: TrainedDetector, X: Float32Array, n: number): (AnomalyType | 'unknown')[] {
  if (!model.typer) return new Array(n).fill(model.typeLabels[0] ?? 'unknown');
  const C = model.typeLabels.length;
  const p = predictProba(model.typer.ensemble, X, n);
  const out: (AnomalyType | 'unknown')[] = new Array(n);
  for (let k = 0; k < n; k++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (p[k * C + c] > p[k * C + best]) best = c;
    out[k] = model.typeLabels[best];
  }
  return out;
}
