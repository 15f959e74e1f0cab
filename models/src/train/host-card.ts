import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { ExternalDeepLog, HostCardInput } from '../eval/model-card-host.ts';
import type { WindowRow } from '../features/engine.ts';
import { benchHostScoring } from '../onnx/bench-host.ts';
import { BundleScorer } from '../onnx/row-scorer.ts';
import type { HostModels } from './host-models.ts';
import { evaluateLoghubBgl, evaluateLoghubHdfs, type LoghubReport } from './nn/deeplog-loghub.ts';
import type { TrainOutcome } from './pipeline.ts';
import { rowsIn } from './rows.ts';

/*
 * The model card's host section: autoencoder and fusion facts, per-model reports, the latency of the written bundle
 * through BundleScorer (the agent's path), the LSTM and forecast decisions, and DeepLog on the Loghub samples.
 */

export const LSTM_DECISION =
  'not shipped. The DeepLog next-event LSTM scores per-entity template sequences from the Drain miner, which the ' +
  'feature rows the host scores do not carry; the sequence LSTM needs each entity’s last windows, state the row ' +
  'scorer does not keep. Neither was fitted into the fusion, so there is no validation evidence that either earns ' +
  'that cost (see docs/models.md). Both stay available in models/src/train/nn, exported and parity-tested.';

export const FORECAST_DECISION =
  'not in the host bundle. Forecasts are per-series state (account, service and user hourly series built from ' +
  'every source), which only the control plane sees account-wide; it runs them as a separate detector with their ' +
  'own rule. Their figures appear beside the host models in `vigil models evaluate` (byModel.forecast).';

const DEEPLOG_COMMAND = 'npx tsx models/src/train/nn/deeplog-loghub-main.ts --json';

function external(r: LoghubReport): ExternalDeepLog {
  const m = r.result.metrics;
  const bgl = r.dataset.startsWith('BGL');
  return {
    dataset: r.dataset,
    lines: r.lines,
    testSessions: r.result.testSessions,
    testAnomalous: r.result.testAnomalous,
    g: r.result.g,
    precision: m?.precision ?? null,
    recall: m?.recall ?? null,
    f1: m?.f1 ?? null,
    flagged: r.result.flagged,
    allFlaggedF1: r.result.allFlaggedF1,
    publishedF1: bgl
      ? { 'DeepLog BGL chronological (Le & Zhang, ICSE 2022)': 0.43 }
      : { 'DeepLog HDFS (published)': 0.96, 'DeepLog HDFS (re-run by others)': 0.77 },
    note: bgl
      ? `2,000 lines give ${r.result.testSessions} test windows of ${r.windowLines} lines: very noisy, not comparable in scale with the full 4.7M-line figure.`
      : `HDFS_2k carries no anomaly labels: ${r.result.flagged}/${r.result.testSessions} test blocks flagged, no F1 possible.`,
  };
}

async function deepLogOnLoghub(log: (m: string) => void): Promise<HostCardInput['external']> {
  const dataDir = path.resolve(import.meta.dirname, '../../../../shared/data');
  try {
    log('external: DeepLog on the Loghub BGL_2k / HDFS_2k samples');
    const opts = { topG: 9 };
    const bgl = await evaluateLoghubBgl(dataDir, { ...opts, windowLines: 20 });
    const hdfs = await evaluateLoghubHdfs(dataDir, opts);
    return { command: DEEPLOG_COMMAND, results: [external(bgl), external(hdfs)] };
  } catch (err) {
    return { skipped: `Loghub samples unavailable under ${dataDir} (${(err as Error).message})` };
  }
}

async function latencyOf(dir: string, o: TrainOutcome, featureHash: string) {
  const scorer = await BundleScorer.load(dir, { expectedFeatureHash: featureHash });
  try {
    const F = o.rows.nFeatures;
    const pool: WindowRow[] = rowsIn(o.rows, o.plan.test)
      .slice(0, 8192)
      .map((i) => ({
        entity: o.rows.entities[i],
        start: o.rows.starts[i],
        end: o.rows.ends[i],
        features: o.rows.X.slice(i * F, (i + 1) * F),
        lines: [],
        targets: o.rows.targets[i],
        final: true,
      }));
    return await benchHostScoring(scorer, pool, { cpus: availableParallelism() });
  } finally {
    await scorer.close();
  }
}

export async function hostCard(
  h: HostModels,
  dir: string,
  o: TrainOutcome,
  featureHash: string,
  withExternal: boolean,
  log: (m: string) => void,
): Promise<HostCardInput> {
  const ae = h.autoencoder;
  const doc = h.fusion.doc;
  return {
    autoencoder: {
      epochs: ae.epochs,
      bestEpoch: ae.bestEpoch,
      trainRows: ae.trainRows,
      validationRows: ae.validationRows,
      threshold: ae.threshold,
      quantile: ae.quantile,
      int8Bytes: ae.int8.length,
      floatBytes: ae.floatBytes,
      parity: ae.parity,
    },
    fusion: {
      method: doc.method,
      threshold: doc.threshold,
      inputs: doc.inputs.map((x) => x.model),
      validationAlertF1: h.fusion.validationAlertF1,
      ...(doc.stacker ? { stacker: doc.stacker } : {}),
    },
    byModel: { test: { ...h.test }, generalization: { ...h.generalization } },
    hostLatency: await latencyOf(dir, o, featureHash),
    decisions: { lstm: LSTM_DECISION, forecast: FORECAST_DECISION },
    ...(withExternal ? { external: await deepLogOnLoghub(log) } : {}),
  };
}
