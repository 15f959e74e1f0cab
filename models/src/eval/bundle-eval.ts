import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_FEATURE_CONFIG, type WindowRow } from '../features/engine.ts';
import { featureSchema } from '../features/schema.ts';
import { BundleScorer } from '../onnx/row-scorer.ts';
import type { AnomalyType } from '../schema/index.ts';
import type { Dataset } from '../train/dataset.ts';
import { forecastRowScores } from '../train/fusion/forecast-scores.ts';
import { datasetRows, labelsIn } from '../train/pipeline.ts';
import { gather, type RowSet, rowsIn } from '../train/rows.ts';
import { planSplits } from './folds.ts';
import { type EvalReport, evaluate, type ScoredRow } from './metrics.ts';

const BATCH = 1024;

/** A forecast record the rule alarmed on scores in (0.5, 1] (train/fusion/forecast-scores.ts). */
export const FORECAST_ALARM = 0.5;

export interface BundleEvaluation {
  /** The bundle's own score (fused when it has a fusion) at its threshold: what the agent alerts on. */
  report: EvalReport;
  /** Each model alone at its own frozen threshold, plus the forecast detector and the fused score. */
  byModel: Record<string, EvalReport>;
  /** External figures from the bundle's model card, when it has them. */
  external: unknown;
  heldOutOnly: boolean;
  span: [number, number];
}

function windowRows(rows: RowSet, idx: number[]): WindowRow[] {
  const F = rows.nFeatures;
  return idx.map((i) => ({
    entity: rows.entities[i],
    start: rows.starts[i],
    end: rows.ends[i],
    features: rows.X.subarray(i * F, (i + 1) * F),
    lines: [],
    targets: rows.targets[i],
    final: true,
  }));
}

/**
 * Scores rows through BundleScorer exactly as the agent does (the typer on every row, so each model's alone
 * column can name types too), and each detector/contributor model's raw score.
 */
export async function scoreWithBundle(scorer: BundleScorer, rows: RowSet, idx: number[]) {
  const scores = new Float32Array(idx.length);
  const predTypes: (AnomalyType | 'unknown')[] = new Array(idx.length).fill('unknown');
  const scored = scorer.roles.filter((r) => r.role === 'detector' || r.role === 'contributor');
  const raw = new Map(scored.map((r) => [r.name, new Float32Array(idx.length)]));
  for (let off = 0; off < idx.length; off += BATCH) {
    const part = idx.slice(off, off + BATCH);
    const out = await scorer.score(windowRows(rows, part));
    out.forEach((s, k) => {
      scores[off + k] = s.score;
      predTypes[off + k] = s.type;
    });
    const X = gather(rows, part);
    for (const r of scored) raw.get(r.name)?.set(await scorer.bundle.score(r.name, X, part.length), off);
  }
  return { scores, predTypes, raw };
}

async function cardExternal(bundleDir: string): Promise<unknown> {
  const file = path.join(bundleDir, 'model-card.json');
  try {
    const card = JSON.parse(await readFile(file, 'utf8')) as { host?: { external?: unknown } };
    if (card.host?.external) return { source: `${file} (computed at train time)`, ...card.host.external };
  } catch {
    // fall through: a bundle without a (readable) card has no external figures
  }
  return { source: file, missing: 'this bundle’s model card has no external (Loghub DeepLog) figures' };
}

/**
 * Evaluates a bundle on a dataset. On the dataset it was trained on (same seed) only the held-out test span counts;
 * on any other dataset every window does.
 */
export async function evaluateBundle(bundleDir: string, ds: Dataset): Promise<BundleEvaluation> {
  const schema = featureSchema(DEFAULT_FEATURE_CONFIG.windowMs, DEFAULT_FEATURE_CONFIG.rollingMs);
  const scorer = await BundleScorer.load(bundleDir, { expectedFeatureHash: schema.hash, typeRows: 'all' });
  try {
    const m = scorer.bundle.manifest;
    const { rows, index, types } = await datasetRows(ds);
    const heldOutOnly = ds.seed !== undefined && ds.seed === m.trainingSeed;
    const span = heldOutOnly ? planSplits(ds.span[0], ds.span[1]).test : ds.span;
    const idx = rowsIn(rows, span);
    const labels = labelsIn(ds.labels, span);
    const { scores, predTypes, raw } = await scoreWithBundle(scorer, rows, idx);
    const at = (score: ArrayLike<number>, threshold: number): EvalReport => {
      const scored: ScoredRow[] = idx.map((i, k) => ({
        entity: rows.entities[i],
        start: rows.starts[i],
        end: rows.ends[i],
        score: score[k],
        predType: predTypes[k],
        trueType: types[i],
      }));
      return evaluate(scored, labels, index, threshold);
    };
    const report = at(scores, scorer.threshold);
    const byModel: Record<string, EvalReport> = {};
    for (const r of scorer.roles.filter((x) => x.role === 'detector' || x.role === 'contributor')) {
      const entry = m.models.find((e) => e.name === r.name);
      const threshold = m.thresholds[r.name] ?? entry?.threshold;
      const values = raw.get(r.name);
      if (threshold !== undefined && values) byModel[r.kind] = at(values, threshold);
    }
    const forecast = forecastRowScores(ds.events, rows).scores;
    byModel.forecast = at(
      Float64Array.from(idx, (i) => forecast[i]),
      FORECAST_ALARM,
    );
    if (scorer.roles.some((r) => r.role === 'fusion')) byModel.fused = report;
    return { report, byModel, external: await cardExternal(bundleDir), heldOutOnly, span };
  } finally {
    await scorer.close();
  }
}
