import { DEFAULT_FEATURE_CONFIG } from '../features/engine.ts';
import { featureSchema } from '../features/schema.ts';
import { loadBundle, type ModelBundle } from '../onnx/index.ts';
import type { AnomalyType } from '../schema/index.ts';
import type { Dataset } from '../train/dataset.ts';
import { datasetRows, labelsIn } from '../train/pipeline.ts';
import { gather, type RowSet, rowsIn } from '../train/rows.ts';
import { planSplits } from './folds.ts';
import { type EvalReport, evaluate, type ScoredRow } from './metrics.ts';

const BATCH = 1024;

/** Detector scores and typer guesses for the given rows, through ONNX Runtime exactly as the agent scores them. */
export async function scoreWithBundle(bundle: ModelBundle, rows: RowSet, idx: number[]) {
  const scores = new Float32Array(idx.length);
  const predTypes: (AnomalyType | 'unknown')[] = new Array(idx.length).fill('unknown');
  const labels = bundle.manifest.labelSet as AnomalyType[];
  const hasTyper = bundle.modelNames.includes('typer');
  for (let off = 0; off < idx.length; off += BATCH) {
    const part = idx.slice(off, off + BATCH);
    const X = gather(rows, part);
    scores.set(await bundle.score('detector', X, part.length), off);
    if (!hasTyper) continue;
    const p = await bundle.score('typer', X, part.length);
    const C = labels.length;
    for (let k = 0; k < part.length; k++) {
      let best = 0;
      for (let c = 1; c < C; c++) if (p[k * C + c] > p[k * C + best]) best = c;
      predTypes[off + k] = labels[best];
    }
  }
  return { scores, predTypes };
}

/**
 * Evaluates a bundle on a dataset. On the dataset it was trained on (same seed) only the held-out test span counts;
 * on any other dataset every window does.
 */
export async function evaluateBundle(
  bundleDir: string,
  ds: Dataset,
): Promise<{ report: EvalReport; heldOutOnly: boolean; span: [number, number] }> {
  const schema = featureSchema(DEFAULT_FEATURE_CONFIG.windowMs, DEFAULT_FEATURE_CONFIG.rollingMs);
  const bundle = await loadBundle(bundleDir, { expectedFeatureHash: schema.hash });
  try {
    const { rows, index, types } = await datasetRows(ds);
    const heldOutOnly = ds.seed !== undefined && ds.seed === bundle.manifest.trainingSeed;
    const span = heldOutOnly ? planSplits(ds.span[0], ds.span[1]).test : ds.span;
    const idx = rowsIn(rows, span);
    const { scores, predTypes } = await scoreWithBundle(bundle, rows, idx);
    const scored: ScoredRow[] = idx.map((i, k) => ({
      entity: rows.entities[i],
      start: rows.starts[i],
      end: rows.ends[i],
      score: scores[k],
      predType: predTypes[k],
      trueType: types[i],
    }));
    const threshold = bundle.manifest.thresholds.detector;
    return { report: evaluate(scored, labelsIn(ds.labels, span), index, threshold), heldOutOnly, span };
  } finally {
    await bundle.close();
  }
}
