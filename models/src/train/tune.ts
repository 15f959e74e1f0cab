import type { TimeSplit } from '../eval/folds.ts';
import { averagePrecision } from '../eval/metrics.ts';
import type { AnomalyType } from '../schema/index.ts';
import { mulberry32 } from '../util/mulberry32.ts';
import { DEFAULT_DETECTOR_PARAMS, type DetectorParams, scoreRows, trainDetector } from './detector.ts';
import { type RowSet, rowsIn } from './rows.ts';

export { mulberry32 };

export interface TrialResult {
  trial: number;
  params: DetectorParams;
  /** Mean window-level PR-AUC over the folds (the selection criterion). */
  meanPrAuc: number;
  foldPrAuc: number[];
  meanRounds: number;
  seconds: number;
}

function propose(rand: () => number, trial: number): DetectorParams {
  if (trial === 0) return { ...DEFAULT_DETECTOR_PARAMS };
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  return {
    max_depth: pick([3, 4, 5, 6]),
    eta: +Math.exp(Math.log(0.05) + rand() * (Math.log(0.4) - Math.log(0.05))).toFixed(3),
    min_child_weight: pick([1, 2, 4, 8]),
    subsample: +(0.6 + rand() * 0.4).toFixed(2),
    colsample_bytree: +(0.5 + rand() * 0.5).toFixed(2),
    lambda: pick([0.5, 1, 2, 5]),
    pos_weight_scale: pick([0.5, 1, 2]),
    rounds: 60,
  };
}

/**
 * Random search over detector parameters, scored only on the expanding-window folds of the development span. The
 * held-out test span is never touched here. Trial 0 is the default configuration, so the search can only help.
 */
export async function tuneDetector(
  rows: RowSet,
  types: (AnomalyType | null | undefined)[],
  folds: TimeSplit[],
  budget: number,
  seed: number,
  onTrial?: (r: TrialResult) => void,
): Promise<TrialResult[]> {
  const rand = mulberry32(seed ^ 0x9e3779b9);
  const usable = (idx: number[]) => idx.filter((i) => types[i] !== undefined);
  const foldIdx = folds.map((f) => ({ train: usable(rowsIn(rows, f.train)), test: usable(rowsIn(rows, f.test)) }));
  const results: TrialResult[] = [];
  for (let trial = 0; trial < budget; trial++) {
    const params = propose(rand, trial);
    const t0 = performance.now();
    const foldPrAuc: number[] = [];
    let rounds = 0;
    for (const { train, test } of foldIdx) {
      if (!train.some((i) => types[i]) || !test.some((i) => types[i])) continue;
      // Fixed rounds inside folds: early stopping on the fold's test rows would let them pick the model they score.
      const model = await trainDetector(rows, types, train, [], params, seed, { typer: false });
      const { scores } = scoreRows(model, rows, test);
      foldPrAuc.push(
        averagePrecision(
          scores,
          test.map((i) => types[i] !== null),
        ),
      );
      rounds += model.detector.bestRound;
    }
    const r: TrialResult = {
      trial,
      params,
      meanPrAuc: foldPrAuc.reduce((a, b) => a + b, 0) / Math.max(1, foldPrAuc.length),
      foldPrAuc,
      meanRounds: rounds / Math.max(1, foldPrAuc.length),
      seconds: (performance.now() - t0) / 1000,
    };
    results.push(r);
    onTrial?.(r);
  }
  return results;
}
