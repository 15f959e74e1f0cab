import type { WindowRow } from '../features/engine.ts';
import { type LatencyStats, measure } from './bench.ts';
import type { BundleScorer } from './row-scorer.ts';

/*
 * Latency of one batch of windows through every model the host runs (BundleScorer.score: detector, typer,
 * contributors and the fusion), plus each ONNX model alone, as the agent scores them (one intra-op thread per
 * session). "One core" is the caller's affinity: run under `taskset -c 0` so concurrent sessions share one CPU.
 */

export interface HostLatency {
  batch: number;
  /** BundleScorer.score of the whole batch (all host models and the fusion). */
  total: LatencyStats;
  /** Each scored model alone on the same batch. */
  models: { name: string; role: string; latency: LatencyStats }[];
  cpus: number;
}

/** `batch` rows taken cyclically from the pool. */
function tile(pool: readonly WindowRow[], batch: number): WindowRow[] {
  if (pool.length === 0) throw new RangeError('no rows to bench with');
  return Array.from({ length: batch }, (_, i) => pool[i % pool.length]);
}

export async function benchHostScoring(
  scorer: BundleScorer,
  pool: readonly WindowRow[],
  opts: { batch?: number; budgetMs?: number; maxSamples?: number; cpus?: number } = {},
): Promise<HostLatency> {
  const batch = opts.batch ?? 1024;
  const rows = tile(pool, batch);
  const limits = { budgetMs: opts.budgetMs ?? 2000, maxSamples: opts.maxSamples ?? 2000, warmup: 10 };
  const total = await measure(() => scorer.score(rows), limits);
  const width = scorer.bundle.manifest.featureSchema.names.length;
  const packed = new Float32Array(batch * width);
  rows.forEach((r, i) => {
    packed.set(r.features, i * width);
  });
  const models: HostLatency['models'] = [];
  for (const role of scorer.roles) {
    if (role.role !== 'detector' && role.role !== 'typer' && role.role !== 'contributor') continue;
    const latency = await measure(() => scorer.bundle.score(role.name, packed, batch), limits);
    models.push({ name: role.name, role: role.role, latency });
  }
  return { batch, total, models, cpus: opts.cpus ?? 0 };
}
