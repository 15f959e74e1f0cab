import { availableParallelism } from 'node:os';
import { DEFAULT_FEATURE_CONFIG, type WindowRow } from '../features/engine.ts';
import { featureSchema } from '../features/schema.ts';
import { loadDataset } from '../train/dataset.ts';
import { datasetRows } from '../train/pipeline.ts';
import { intFlag, parseCommand, UsageError } from '../util/cli.ts';
import { benchHostScoring } from './bench-host.ts';
import { BundleScorer } from './row-scorer.ts';

/*
 * Host scoring latency of a bundle on real windows of a dataset:
 *   taskset -c 0 npx tsx models/src/onnx/bench-host-main.ts --bundle models/bundles/default --data data/default
 * (`taskset -c 0` = one core; without it ONNX Runtime may run the sessions side by side on several.)
 */
const usage = 'usage: bench-host-main --bundle DIR --data DIR [--batch 1024] [--budget-ms 2000] [--pool 8192] [--json]';

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    usage,
    options: {
      bundle: { type: 'string' },
      data: { type: 'string' },
      batch: { type: 'string' },
      'budget-ms': { type: 'string' },
      pool: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (!parsed) return 0;
  const v = parsed.values;
  if (!v.bundle || !v.data) throw new UsageError(`--bundle and --data are required\n${usage}`);
  const schema = featureSchema(DEFAULT_FEATURE_CONFIG.windowMs, DEFAULT_FEATURE_CONFIG.rollingMs);
  const scorer = await BundleScorer.load(v.bundle, { expectedFeatureHash: schema.hash });
  try {
    const { rows } = await datasetRows(await loadDataset(v.data));
    const n = Math.min(rows.length, intFlag('pool', v.pool, 8192));
    const F = rows.nFeatures;
    const start = rows.length - n; // the latest windows: the held-out end of the dataset
    const pool: WindowRow[] = Array.from({ length: n }, (_, k) => {
      const i = start + k;
      return {
        entity: rows.entities[i],
        start: rows.starts[i],
        end: rows.ends[i],
        features: rows.X.slice(i * F, (i + 1) * F),
        lines: [],
        targets: rows.targets[i],
        final: true,
      };
    });
    const cpus = process.env.VIGIL_BENCH_CPUS ? Number(process.env.VIGIL_BENCH_CPUS) : availableParallelism();
    const r = await benchHostScoring(scorer, pool, {
      batch: intFlag('batch', v.batch, 1024),
      budgetMs: intFlag('budget-ms', v['budget-ms'], 2000),
      cpus,
    });
    if (v.json) process.stdout.write(`${JSON.stringify({ bundle: v.bundle, version: scorer.version, ...r })}\n`);
    else {
      const ms = (us: number) => (us / 1000).toFixed(3);
      const lines = [`${v.bundle} ${scorer.version}: ${r.batch} windows, ${cpus} CPU(s) available to this process`];
      lines.push(
        `all host models + fusion: p50 ${ms(r.total.p50Us)} ms, p99 ${ms(r.total.p99Us)} ms (${r.total.samples} runs)`,
      );
      for (const m of r.models) {
        lines.push(`  ${m.name} (${m.role}) alone: p50 ${ms(m.latency.p50Us)} ms, p99 ${ms(m.latency.p99Us)} ms`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    }
  } finally {
    await scorer.close();
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
