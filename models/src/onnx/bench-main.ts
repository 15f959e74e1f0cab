import { reachableNodes } from '../train/xgboost/ensemble.ts';
import { syntheticBinary } from '../train/xgboost/test-data.ts';
import { trainXGBoost } from '../train/xgboost/train.ts';
import { intFlag, parseCommand } from '../util/cli.ts';
import { benchTreeModelLatency, formatLatencyTable } from './bench.ts';
import { treeEnsembleToOnnx } from './tree-ensemble.ts';

/*
 * Reproducible latency figures for the XGBoost → ONNX path on a synthetic model of a chosen size:
 *   npx tsx models/src/onnx/bench-main.ts [--features 40] [--rounds 200] [--depth 6] [--budget-ms 1000]
 */
const usage = `usage: bench-main [--features N] [--rounds N] [--depth N] [--budget-ms N] [--json]`;

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    usage,
    options: {
      features: { type: 'string' },
      rounds: { type: 'string' },
      depth: { type: 'string' },
      'budget-ms': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (!parsed) return 0;
  const v = parsed.values;
  const nFeatures = intFlag('features', v.features, 40);
  const rounds = intFlag('rounds', v.rounds, 200);
  const depth = intFlag('depth', v.depth, 6);
  const data = syntheticBinary(4000, nFeatures, 1);
  const params = { objective: 'binary:logistic', rounds, max_depth: depth, eta: 0.1, subsample: 0.8, seed: 1 };
  const model = await trainXGBoost({ X: data.X, y: data.y, nFeatures, params });
  const rows = await benchTreeModelLatency({
    onnx: treeEnsembleToOnnx(model.ensemble),
    xgboostModel: model.modelBytes,
    nFeatures,
    X: data.X,
    budgetMs: intFlag('budget-ms', v['budget-ms'], 1000),
  });
  const trees = model.ensemble.trees;
  const nodes = trees.reduce((n, t) => n + reachableNodes(t).length, 0);
  const last = rows[rows.length - 1];
  const perTreeRow = (last.ort.p50Us * 1000) / (last.batch * trees.length);
  const header =
    `${trees.length} trees, depth <= ${depth}, ${nodes} nodes, ${nFeatures} features; ` +
    `ORT p50 at batch ${last.batch} = ${perTreeRow.toFixed(1)} ns per tree-row`;
  process.stdout.write(
    v.json ? `${JSON.stringify({ model: header, rows }, null, 2)}\n` : `${header}\n${formatLatencyTable(rows)}\n`,
  );
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
