import * as ort from 'onnxruntime-node';
import { loadXGBoostWasm, WasmBooster } from '../train/xgboost/wasm.ts';

/*
 * Latency micro-bench for a tree model: ONNX Runtime (as the scorer runs it: one intra-op thread) per batch
 * of N rows, next to XGBoost's own predict (the ml-xgboost wasm build, which scores one row per call).
 * Each measurement runs until `budgetMs` or `maxSamples`, after a short warm-up.
 */

export interface LatencyStats {
  p50Us: number;
  p99Us: number;
  meanUs: number;
  samples: number;
}

export interface LatencyRow {
  batch: number;
  ort: LatencyStats;
  xgboost?: LatencyStats;
}

export interface LatencyBenchOptions {
  onnx: Uint8Array;
  nFeatures: number;
  /** Pool of rows (row-major); batches cycle through it. */
  X: Float32Array;
  /** XGBoost model bytes for the side-by-side figure; omit to time ONNX Runtime only. */
  xgboostModel?: Uint8Array;
  inputName?: string;
  batchSizes?: number[];
  budgetMs?: number;
  maxSamples?: number;
  warmup?: number;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function summarize(samplesMs: number[]): LatencyStats {
  const us = samplesMs.map((ms) => ms * 1000).sort((a, b) => a - b);
  return {
    p50Us: percentile(us, 0.5),
    p99Us: percentile(us, 0.99),
    meanUs: us.reduce((a, b) => a + b, 0) / us.length,
    samples: us.length,
  };
}

export async function measure(
  fn: () => unknown,
  opts: Required<Pick<LatencyBenchOptions, 'budgetMs' | 'maxSamples' | 'warmup'>>,
) {
  for (let i = 0; i < opts.warmup; i++) await fn();
  const samples: number[] = [];
  const end = performance.now() + opts.budgetMs;
  while (samples.length < opts.maxSamples && (samples.length < 5 || performance.now() < end)) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

/** `batch` rows taken cyclically from the pool. */
function tileRows(X: Float32Array, nFeatures: number, batch: number): Float32Array {
  const poolRows = X.length / nFeatures;
  const out = new Float32Array(batch * nFeatures);
  for (let r = 0; r < batch; r++) {
    const src = (r % poolRows) * nFeatures;
    out.set(X.subarray(src, src + nFeatures), r * nFeatures);
  }
  return out;
}

export async function benchTreeModelLatency(opts: LatencyBenchOptions): Promise<LatencyRow[]> {
  if (opts.X.length === 0 || opts.X.length % opts.nFeatures !== 0) throw new RangeError('X must hold whole rows');
  const limits = { budgetMs: opts.budgetMs ?? 1000, maxSamples: opts.maxSamples ?? 5000, warmup: opts.warmup ?? 10 };
  const session = await ort.InferenceSession.create(opts.onnx, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const booster = opts.xgboostModel ? WasmBooster.load(await loadXGBoostWasm(), opts.xgboostModel) : undefined;
  const inputName = opts.inputName ?? session.inputNames[0];
  const rows: LatencyRow[] = [];
  try {
    for (const batch of opts.batchSizes ?? [1, 64, 1024]) {
      const X = tileRows(opts.X, opts.nFeatures, batch);
      const feeds = { [inputName]: new ort.Tensor('float32', X, [batch, opts.nFeatures]) };
      const ortStats = await measure(() => session.run(feeds), limits);
      const xgbStats = booster ? await measure(() => booster.predict(X, batch, opts.nFeatures), limits) : undefined;
      rows.push({ batch, ort: ortStats, ...(xgbStats ? { xgboost: xgbStats } : {}) });
    }
  } finally {
    booster?.free();
    await session.release();
  }
  return rows;
}

/** A plain-text table of the figures, for the CLI and reports. */
export function formatLatencyTable(rows: LatencyRow[]): string {
  const f = (s?: LatencyStats) =>
    s ? `${s.p50Us.toFixed(1).padStart(9)} ${s.p99Us.toFixed(1).padStart(9)}` : ' '.repeat(19);
  const lines = [
    `${'batch'.padStart(6)} | ${'ORT p50µs'.padStart(9)} ${'p99µs'.padStart(9)} | ${'XGB p50µs'.padStart(9)} ${'p99µs'.padStart(9)}`,
  ];
  for (const r of rows) lines.push(`${String(r.batch).padStart(6)} | ${f(r.ort)} | ${f(r.xgboost)}`);
  return lines.join('\n');
}
