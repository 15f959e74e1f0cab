import type { LabelIndex } from '../../eval/align.ts';
import { planSplits, type SplitPlan } from '../../eval/folds.ts';
import { FEATURE_DEFS } from '../../features/feature-defs.ts';
import type { AnomalyType, Label } from '../../schema/index.ts';
import type { Dataset } from '../dataset.ts';
import type { Targets } from '../detector.ts';
import type { TrainedAutoencoder } from '../nn/autoencoder.ts';
import { trainAutoencoder } from '../nn/autoencoder.ts';
import { datasetRows, trainingTargets } from '../pipeline.ts';
import { type RowSet, rowsIn } from '../rows.ts';
import { forecastRowScores } from './forecast-scores.ts';

/** Everything the experiment needs from one dataset: rows, truth, targets and the label-free forecast scores. */
export interface Prepared {
  name: string;
  ds: Dataset;
  rows: RowSet;
  index: LabelIndex;
  types: (AnomalyType | null)[];
  targets: Targets;
  labels: Label[];
  forecast: Float64Array;
  plan: SplitPlan;
  all: number[];
}

export async function prepare(name: string, ds: Dataset, log: (m: string) => void): Promise<Prepared> {
  const { rows, index, types, windowMs } = await datasetRows(ds);
  const targets = trainingTargets(ds, rows, types, windowMs);
  const t = performance.now();
  const fc = forecastRowScores(ds.events, rows);
  log(
    `${name}: ${rows.length} rows; forecast walk-forward over ${fc.series} series, ${fc.records} records in ${Math.round(performance.now() - t)} ms`,
  );
  const plan = planSplits(ds.span[0], ds.span[1]);
  const all = Array.from({ length: rows.length }, (_, i) => i);
  return { name, ds, rows, index, types, targets, labels: ds.labels, forecast: fc.scores, plan, all };
}

/** Rows as a Matrix for the autoencoder. */
export function matrixOf(rows: RowSet, idx: number[]) {
  const F = rows.nFeatures;
  const data = new Float32Array(idx.length * F);
  for (let k = 0; k < idx.length; k++) data.set(rows.X.subarray(idx[k] * F, (idx[k] + 1) * F), k * F);
  return { data, rows: idx.length, cols: F };
}

const CATEGORICAL = ['entity_kind', 'instance_family'];

/**
 * The autoencoder sees only normal rows (target null) from the fit span; its early stopping uses the normal rows of
 * the validation fold. No anomaly label is used. Categorical codes are kept un-logged (`linear`).
 */
export async function trainNormalAutoencoder(p: Prepared, epochs: number, seed: number, log: (m: string) => void) {
  const normal = (span: [number, number]) => rowsIn(p.rows, span).filter((i) => p.targets[i] === null);
  const names = FEATURE_DEFS.map((d) => d.name);
  const linear = CATEGORICAL.map((c) => names.indexOf(c)).filter((j) => j >= 0);
  const ae: TrainedAutoencoder = await trainAutoencoder(matrixOf(p.rows, normal(p.plan.fit)), {
    validation: matrixOf(p.rows, normal(p.plan.validation)),
    config: { epochs, patience: 3, seed, scaler: { linear } },
    featureNames: names,
    log,
  });
  return ae;
}

export function autoencoderScores(ae: TrainedAutoencoder, rows: RowSet): Float64Array {
  const out = new Float64Array(rows.length);
  const chunk = 8192;
  for (let s = 0; s < rows.length; s += chunk) {
    const idx = Array.from({ length: Math.min(chunk, rows.length - s) }, (_, k) => s + k);
    out.set(ae.score(matrixOf(rows, idx)).score, s);
  }
  return out;
}
