import { type EvalReport, evaluate } from '../eval/metrics.ts';
import type { Label } from '../schema/index.ts';
import { scoreRows } from './detector.ts';
import {
  type FittedFusion,
  type FusionInputScores,
  fitBundleFusion,
  fusedAt,
  scoredAt,
} from './fusion/bundle-fusion.ts';
import { type HostAutoencoder, onnxReconScores, trainHostAutoencoder } from './host-autoencoder.ts';
import { type DatasetRows, labelsIn, type TrainOutcome } from './pipeline.ts';
import { rowsIn } from './rows.ts';

/*
 * The models the host runs beside the XGBoost detector: the int8 autoencoder and the fusion of the two. Trained
 * after the detector (its scores feed the fusion), on the same time splits: autoencoder on the fit span's normal
 * windows, fusion and every threshold on the validation fold, then frozen and scored once on the held-out test span
 * and the different-seed dataset.
 */

export const HOST_MODEL_NAMES = { detector: 'detector', autoencoder: 'autoencoder', fusion: 'fusion' } as const;

/** Per-model reports on one span: each base model alone at its own frozen threshold, and the fused score. */
export interface ByModel {
  xgboost: EvalReport;
  autoencoder: EvalReport;
  fused: EvalReport;
}

export interface HostModels {
  autoencoder: HostAutoencoder;
  fusion: FittedFusion;
  test: ByModel;
  generalization: ByModel;
}

export const HOST_DEFAULTS = { aeEpochs: 20, aeQuantile: 0.999 };

export interface HostConfig {
  seed: number;
  falseAlarmBudget: number;
  aeEpochs: number;
  aeQuantile: number;
  log: (m: string) => void;
}

function byModel(
  t: Parameters<typeof scoredAt>[0],
  inputs: FusionInputScores[],
  fused: FittedFusion,
  idx: number[],
  labels: readonly Label[],
  thresholds: { xgboost: number; autoencoder: number },
): ByModel {
  const at = (score: ArrayLike<number>, thr: number) => evaluate(scoredAt(t, idx, score), labels, t.index, thr);
  const pick = (a: ArrayLike<number>) => Float64Array.from(idx, (i) => a[i]);
  return {
    xgboost: at(pick(inputs[0].scores), thresholds.xgboost),
    autoencoder: at(pick(inputs[1].scores), thresholds.autoencoder),
    fused: at(fusedAt(fused.doc, t, inputs, idx), fused.doc.threshold),
  };
}

export async function trainHostModels(
  o: TrainOutcome,
  labels: readonly Label[],
  gen: DatasetRows & { labels: readonly Label[] },
  cfg: HostConfig,
): Promise<HostModels> {
  const ae = await trainHostAutoencoder(
    o.rows,
    o.targets,
    o.plan,
    { epochs: cfg.aeEpochs, seed: cfg.seed, quantile: cfg.aeQuantile },
    cfg.log,
  );
  const all = Array.from({ length: o.rows.length }, (_, i) => i);
  const det = scoreRows(o.model, o.rows, all);
  const dev = { rows: o.rows, types: o.types, index: o.index, predTypes: det.predTypes };
  const inputs: FusionInputScores[] = [
    { model: HOST_MODEL_NAMES.detector, scores: det.scores },
    { model: HOST_MODEL_NAMES.autoencoder, scores: ae.scores },
  ];
  const valIdx = rowsIn(o.rows, o.plan.validation);
  const fusion = fitBundleFusion(
    dev,
    o.targets,
    inputs,
    { idx: valIdx, labels: labelsIn(labels, o.plan.validation) },
    cfg.falseAlarmBudget,
  );
  const f1 = fusion.validationAlertF1;
  cfg.log(
    `fusion: validation alert F1 max ${f1.max.toFixed(3)}, stack ${f1.stack.toFixed(3)}; chose ${fusion.doc.method}, threshold ${fusion.doc.threshold.toPrecision(6)}`,
  );
  const thresholds = { xgboost: o.threshold, autoencoder: ae.threshold };
  const testIdx = rowsIn(o.rows, o.plan.test);
  const test = byModel(dev, inputs, fusion, testIdx, labelsIn(labels, o.plan.test), thresholds);

  const genAll = Array.from({ length: gen.rows.length }, (_, i) => i);
  const genDet = scoreRows(o.model, gen.rows, genAll);
  const genAe = await onnxReconScores(ae.int8, gen.rows.X, gen.rows.length, gen.rows.nFeatures);
  const g = { rows: gen.rows, types: gen.types, index: gen.index, predTypes: genDet.predTypes };
  const genInputs: FusionInputScores[] = [
    { model: HOST_MODEL_NAMES.detector, scores: genDet.scores },
    { model: HOST_MODEL_NAMES.autoencoder, scores: genAe },
  ];
  const generalization = byModel(g, genInputs, fusion, genAll, gen.labels, thresholds);
  return { autoencoder: ae, fusion, test, generalization };
}
