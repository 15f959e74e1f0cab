import type { LabelIndex } from '../eval/align.ts';
import { planSplits, type SplitPlan } from '../eval/folds.ts';
import { chooseThreshold, type EvalReport, evaluate, type ScoredRow } from '../eval/metrics.ts';
import { entityKey } from '../features/entities.ts';
import type { AnomalyType, Label } from '../schema/index.ts';
import type { Dataset } from './dataset.ts';
import { iterate } from './dataset.ts';
import { type DetectorParams, scoreRows, type TrainedDetector, trainDetector } from './detector.ts';
import { evidenceWindows } from './evidence.ts';
import { rowTruth } from './labels.ts';
import { buildRows, type RowSet, rowsIn } from './rows.ts';
import { type TrialResult, tuneDetector } from './tune.ts';

export interface TrainConfig {
  /** Random-search candidates (each is trained on every fold). */
  budget: number;
  seed: number;
  /** False-alarm episodes per active entity-week allowed on validation when choosing the threshold. */
  falseAlarmBudget: number;
  log: (msg: string) => void;
}

export interface TrainOutcome {
  model: TrainedDetector;
  threshold: number;
  plan: SplitPlan;
  search: TrialResult[];
  validation: EvalReport;
  test: EvalReport;
  rows: RowSet;
  types: (AnomalyType | null)[];
  /** Training targets per row (see trainingTargets) and the label index of the dataset. */
  targets: (AnomalyType | null | undefined)[];
  index: LabelIndex;
}

export type DatasetRows = Awaited<ReturnType<typeof datasetRows>>;

/** Feature rows and their ground truth for a whole dataset, replayed through the serving feature engine. */
export async function datasetRows(ds: Dataset) {
  const { rows, engine } = await buildRows(iterate(ds.events), { hostTypes: ds.hostTypes });
  const { index, types } = rowTruth(rows, ds.labels);
  return { rows, index, types, windowMs: engine.config.windowMs };
}

/**
 * Training targets: windows holding an injected event are positives of that event's type, windows outside every
 * label are negatives, and windows inside a label span without attack evidence are left out (undefined). Without
 * record-level truth (real logs), the label spans are the targets.
 */
export function trainingTargets(ds: Dataset, rows: RowSet, spanTypes: (AnomalyType | null)[], windowMs: number) {
  if (!ds.eventLabels) return spanTypes as (AnomalyType | null | undefined)[];
  const evidence = evidenceWindows(ds.events, ds.eventLabels, ds.labels, windowMs);
  return spanTypes.map((t, i) => {
    const e = evidence.get(
      `${entityKey(rows.entities[i].kind, rows.entities[i].id)}|${Math.floor(rows.starts[i] / windowMs)}`,
    );
    return e ?? (t === null ? null : undefined);
  });
}

export function scoredRows(
  model: TrainedDetector,
  rows: RowSet,
  types: (AnomalyType | null)[],
  idx: number[],
): ScoredRow[] {
  const { scores, predTypes } = scoreRows(model, rows, idx);
  return idx.map((i, k) => ({
    entity: rows.entities[i],
    start: rows.starts[i],
    end: rows.ends[i],
    score: scores[k],
    predType: predTypes[k],
    trueType: types[i],
  }));
}

export const labelsIn = (labels: readonly Label[], span: [number, number]) =>
  labels.filter((l) => l.start < span[1] && l.end > span[0]);

/**
 * The honest training procedure: tune on expanding folds of the development span, fit on everything before the
 * validation fold with early stopping on it, choose the threshold on it for the false-alarm budget, freeze, and only
 * then score the held-out test span once.
 */
export async function trainOnDataset(ds: Dataset, cfg: TrainConfig): Promise<TrainOutcome> {
  cfg.log(`features: replaying ${ds.events.length} events`);
  const { rows, index, types, windowMs } = await datasetRows(ds);
  const targets = trainingTargets(ds, rows, types, windowMs);
  const positives = targets.filter((t) => t !== null && t !== undefined).length;
  const ambiguous = targets.filter((t) => t === undefined).length;
  cfg.log(
    `features: ${rows.length} entity-windows, ${positives} with attack evidence, ${ambiguous} ambiguous (left out of training)`,
  );
  const plan = planSplits(ds.span[0], ds.span[1]);
  const search = await tuneDetector(rows, targets, plan.folds, cfg.budget, cfg.seed, (r) =>
    cfg.log(`search: trial ${r.trial + 1}/${cfg.budget} PR-AUC ${r.meanPrAuc.toFixed(4)} (${r.seconds.toFixed(1)} s)`),
  );
  const best = search.reduce((a, b) => (b.meanPrAuc > a.meanPrAuc ? b : a));
  const params: DetectorParams = best.params;
  cfg.log(`fit: best trial ${best.trial + 1}, training on the development span with early stopping on validation`);
  const usable = (idx: number[]) => idx.filter((i) => targets[i] !== undefined);
  const fitIdx = usable(rowsIn(rows, plan.fit));
  const valIdx = rowsIn(rows, plan.validation);
  const model = await trainDetector(rows, targets, fitIdx, usable(valIdx), params, cfg.seed);
  const valRows = scoredRows(model, rows, types, valIdx);
  const valLabels = labelsIn(ds.labels, plan.validation);
  const { threshold, floor } = chooseThreshold(valRows, valLabels, index, cfg.falseAlarmBudget);
  const validation = evaluate(valRows, valLabels, index, threshold);
  cfg.log(
    `threshold ${threshold.toFixed(4)} frozen (budget floor ${floor.toFixed(4)}; validation: incident recall ${validation.overall.incidentRecall.toFixed(3)}, alert precision ${validation.overall.alertPrecision.toFixed(3)})`,
  );
  const testIdx = rowsIn(rows, plan.test);
  const test = evaluate(scoredRows(model, rows, types, testIdx), labelsIn(ds.labels, plan.test), index, threshold);
  return { model, threshold, plan, search, validation, test, rows, types, targets, index };
}

/** Scores a whole other dataset (different seed and intensities) with the frozen model and threshold. */
export async function evaluateElsewhere(
  model: TrainedDetector,
  threshold: number,
  ds: Dataset,
  replayed?: DatasetRows,
): Promise<EvalReport> {
  const { rows, index, types } = replayed ?? (await datasetRows(ds));
  const all = Array.from({ length: rows.length }, (_, i) => i);
  return evaluate(scoredRows(model, rows, types, all), ds.labels, index, threshold);
}
