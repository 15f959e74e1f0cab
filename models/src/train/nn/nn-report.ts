import { createHash } from 'node:crypto';
import { autoencoderToOnnx } from '../../onnx/nn/autoencoder-onnx.ts';
import { benchOnnx, type NnLatency, runOnnxOnce } from '../../onnx/nn/bench-nn.ts';
import { denseNodes } from '../../onnx/nn/dense-graph.ts';
import { GraphBuilder } from '../../onnx/nn/graph-builder.ts';
import { nextEventLstmToOnnx, sequenceLstmToOnnx } from '../../onnx/nn/lstm-onnx.ts';
import { type Agreement, agreement } from './agreement.ts';
import { type AutoencoderConfig, trainAutoencoder } from './autoencoder.ts';
import { type NextEventConfig, trainNextEventLstm } from './lstm.ts';
import { mulberry32, normal } from './random.ts';
import { thresholdAtQuantile } from './recon-score.ts';
import { type SequenceLstmConfig, slidingSequences, trainSequenceLstm } from './sequence-lstm.ts';
import { syntheticRows, syntheticSeries, syntheticSessions } from './test-data.ts';
import { buildVocabulary, encodeTemplates, nextEventSamples, vocabularyIndex } from './vocabulary.ts';

/*
 * Size, parity and latency figures for the NN exports on synthetic data of realistic width (87 features, like the
 * feature engine): float ONNX vs tfjs, int8 vs float ONNX, bytes, and ONNX Runtime latency (1 thread) at one batch
 * size. Run through nn-report-main.ts; every figure in the docs about these models should come from it.
 */

export interface ReportRow {
  model: string;
  backend?: string;
  trainMs?: number;
  epochs?: number;
  floatBytes: number;
  int8Bytes: number;
  /** float ONNX vs tfjs (absent for the bare layer, which has no tfjs twin). */
  parity?: Agreement;
  /** int8 (default 7-bit weights) vs float ONNX, decisions at the model's threshold. */
  int8?: Agreement;
  /** The same with full 8-bit weights (not AVX2-saturation-safe; see quantize.ts). */
  int8w8?: Agreement;
  batch: number;
  latencyFloat: NnLatency;
  latencyInt8: NnLatency;
  int8Sha256: string;
}

export interface ReportOptions {
  batch?: number;
  budgetMs?: number;
  features?: number;
  log?: (line: string) => void;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function latencies(float: Uint8Array, int8: Uint8Array, x: Float32Array, shape: number[], o: ReportOptions) {
  const opts = { budgetMs: o.budgetMs ?? 1000 };
  return { latencyFloat: await benchOnnx(float, x, shape, opts), latencyInt8: await benchOnnx(int8, x, shape, opts) };
}

export async function reportAutoencoder(o: ReportOptions, config: AutoencoderConfig = {}): Promise<ReportRow> {
  const F = o.features ?? 87;
  const batch = o.batch ?? 1024;
  const train = syntheticRows(20_000, F, 1).rows;
  const val = syntheticRows(2000, F, 2).rows;
  const test = syntheticRows(Math.max(batch, 4096), F, 3, 0.02).rows;
  const ae = await trainAutoencoder(train, { validation: val, config, log: o.log });
  try {
    const float = autoencoderToOnnx(ae.spec);
    const int8 = autoencoderToOnnx(ae.spec, { quantize: {} });
    const threshold = thresholdAtQuantile(await runOnnxOnce(float, val.data, [val.rows, F], 'score'), 0.99);
    const f = await runOnnxOnce(float, test.data, [test.rows, F], 'score');
    const q = await runOnnxOnce(int8, test.data, [test.rows, F], 'score');
    const w8 = autoencoderToOnnx(ae.spec, { quantize: { weightBits: 8 } });
    const q8 = await runOnnxOnce(w8, test.data, [test.rows, F], 'score');
    const x = test.data.subarray(0, batch * F);
    return {
      model: `autoencoder ${F}→${ae.config.hidden.join('→')}→…→${F}+${ae.spec.scaler.indicators.length}`,
      backend: ae.backend,
      trainMs: ae.trainMs,
      epochs: ae.history.length,
      floatBytes: float.length,
      int8Bytes: int8.length,
      parity: agreement(f, ae.score(test).score),
      int8: agreement(q, f, threshold),
      int8w8: agreement(q8, f, threshold),
      batch,
      ...(await latencies(float, int8, x, [batch, F], o)),
      int8Sha256: sha(int8),
    };
  } finally {
    ae.dispose();
  }
}

export async function reportNextEvent(o: ReportOptions, config: NextEventConfig = {}, topG = 2): Promise<ReportRow> {
  const batch = o.batch ?? 1024;
  const train = syntheticSessions(600, 1);
  const test = syntheticSessions(400, 2, 0.1);
  const vocab = buildVocabulary(train.sessions.flat());
  const index = vocabularyIndex(vocab);
  const encode = (s: string[][]) => s.map((x) => encodeTemplates(index, x));
  const V = vocab.templates.length;
  const model = await trainNextEventLstm(encode(train.sessions), V, { config, log: o.log });
  try {
    const h = model.config.window;
    const s = nextEventSamples(encode(test.sessions), h);
    const x = new Float32Array(s.n * (h + 1));
    for (let i = 0; i < s.n; i++) {
      x.set(s.history.subarray(i * h, (i + 1) * h), i * (h + 1));
      x[i * (h + 1) + h] = s.next[i];
    }
    const float = nextEventLstmToOnnx(model.spec);
    const int8 = nextEventLstmToOnnx(model.spec, { quantize: {} });
    const probs = await runOnnxOnce(float, x, [s.n, h + 1], 'probabilities');
    const rf = await runOnnxOnce(float, x, [s.n, h + 1], 'rank');
    const rq = await runOnnxOnce(int8, x, [s.n, h + 1], 'rank');
    const w8 = nextEventLstmToOnnx(model.spec, { quantize: { weightBits: 8 } });
    const rq8 = await runOnnxOnce(w8, x, [s.n, h + 1], 'rank');
    const tiled = Float32Array.from({ length: batch * (h + 1) }, (_, i) => x[i % x.length]);
    return {
      model: `next-event LSTM V=${V} h=${h} emb ${model.config.embeddingDim}, ${model.config.layers}×${model.config.units} (top-${topG})`,
      backend: model.backend,
      trainMs: model.trainMs,
      epochs: model.history.length,
      floatBytes: float.length,
      int8Bytes: int8.length,
      parity: agreement(probs, model.predict(s.history, s.n)),
      int8: agreement(rq, rf, topG),
      int8w8: agreement(rq8, rf, topG),
      batch,
      ...(await latencies(float, int8, tiled, [batch, h + 1], o)),
      int8Sha256: sha(int8),
    };
  } finally {
    model.dispose();
  }
}

export async function reportSequence(o: ReportOptions, config: SequenceLstmConfig = {}, steps = 6): Promise<ReportRow> {
  const F = o.features ?? 87;
  const batch = o.batch ?? 1024;
  const train = slidingSequences(syntheticSeries(6000, F, 1).rows, steps);
  const val = slidingSequences(syntheticSeries(1000, F, 2).rows, steps);
  const test = slidingSequences(syntheticSeries(batch + steps, F, 3, 0.02).rows, steps);
  const model = await trainSequenceLstm(train, { validation: val, config, log: o.log });
  try {
    const float = sequenceLstmToOnnx(model.spec);
    const int8 = sequenceLstmToOnnx(model.spec, { quantize: {} });
    const shape = (n: number) => [n, steps, F];
    const threshold = thresholdAtQuantile(await runOnnxOnce(float, val.data, shape(val.n), 'score'), 0.99);
    const f = await runOnnxOnce(float, test.data, shape(test.n), 'score');
    const q = await runOnnxOnce(int8, test.data, shape(test.n), 'score');
    const w8 = sequenceLstmToOnnx(model.spec, { quantize: { weightBits: 8 } });
    const q8 = await runOnnxOnce(w8, test.data, shape(test.n), 'score');
    return {
      model: `sequence LSTM T=${steps} F=${F}, ${model.config.layers}×${model.config.units}`,
      backend: model.backend,
      trainMs: model.trainMs,
      epochs: model.history.length,
      floatBytes: float.length,
      int8Bytes: int8.length,
      parity: agreement(f, model.score(test).score),
      int8: agreement(q, f, threshold),
      int8w8: agreement(q8, f, threshold),
      batch,
      ...(await latencies(float, int8, test.data.subarray(0, batch * steps * F), shape(batch), o)),
      int8Sha256: sha(int8),
    };
  } finally {
    model.dispose();
  }
}

/** One K × M dense layer: what int8 buys once weights, not graph overhead, dominate the file. */
export async function reportDenseLayer(o: ReportOptions, K = 1024, M = 1024): Promise<ReportRow> {
  const batch = o.batch ?? 1024;
  const rng = mulberry32(5);
  const kernel = Float32Array.from({ length: K * M }, () => normal(rng) * 0.05);
  const build = (quantize: boolean) => {
    const g = new GraphBuilder();
    const layer = { inDim: K, outDim: M, kernel, bias: new Float32Array(M), activation: 'relu' as const };
    g.output(denseNodes(g, 'x', layer, quantize ? {} : undefined), 'y');
    return g.build({
      inputs: [{ name: 'x', type: 'float', shape: ['N', K] }],
      outputs: [{ name: 'y', type: 'float', shape: ['N', M] }],
    });
  };
  const float = build(false);
  const int8 = build(true);
  const x = Float32Array.from({ length: batch * K }, () => normal(rng));
  const yf = await runOnnxOnce(float, x, [batch, K], 'y');
  const yq = await runOnnxOnce(int8, x, [batch, K], 'y');
  return {
    model: `dense layer ${K}×${M} (ReLU)`,
    floatBytes: float.length,
    int8Bytes: int8.length,
    int8: agreement(yq, yf),
    batch,
    ...(await latencies(float, int8, x, [batch, K], o)),
    int8Sha256: sha(int8),
  };
}

const kb = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
const num = (v: number | undefined, digits = 4) => (v === undefined ? '-' : v.toPrecision(digits));

function agreementLine(label: string, a: Agreement | undefined): string {
  if (!a) return '';
  const decision = a.sameDecision !== undefined ? ` same decision ${(100 * a.sameDecision).toFixed(2)}%` : '';
  return `  ${label}: Pearson ${num(a.pearson, 6)} Spearman ${num(a.spearman, 6)}${decision} max |Δ| ${num(a.maxAbsDiff, 3)}`;
}

export function formatReport(rows: ReportRow[]): string {
  return rows
    .map((r) => {
      const train =
        r.trainMs !== undefined
          ? `trained on ${r.backend} in ${(r.trainMs / 1000).toFixed(1)} s, ${r.epochs} epochs; `
          : '';
      return [
        `${r.model}`,
        `  ${train}size float ${kb(r.floatBytes)} / int8 ${kb(r.int8Bytes)} = ${(r.floatBytes / r.int8Bytes).toFixed(2)}× smaller`,
        r.parity
          ? `  float ONNX vs tfjs: max |Δ| ${num(r.parity.maxAbsDiff, 3)} (relative ${num(r.parity.maxRelDiff, 3)})`
          : '',
        agreementLine('int8 (7-bit weights) vs float', r.int8),
        agreementLine('int8 with 8-bit weights vs float', r.int8w8),
        `  ORT 1 thread, batch ${r.batch}: float p50 ${r.latencyFloat.p50Ms.toFixed(2)} ms (p99 ${r.latencyFloat.p99Ms.toFixed(2)}) | int8 p50 ${r.latencyInt8.p50Ms.toFixed(2)} ms (p99 ${r.latencyInt8.p99Ms.toFixed(2)})`,
        `  int8 model sha256 ${r.int8Sha256}`,
      ]
        .filter(Boolean)
        .join('\n');
    })
    .join('\n');
}
