import { describe, expect, it } from 'vitest';
import { syntheticBinary } from '../train/xgboost/test-data.ts';
import { trainXGBoost } from '../train/xgboost/train.ts';
import { benchTreeModelLatency, formatLatencyTable } from './bench.ts';
import { treeEnsembleToOnnx } from './tree-ensemble.ts';

describe('benchTreeModelLatency', () => {
  it('reports p50/p99 per batch size for ONNX Runtime and XGBoost', async () => {
    const data = syntheticBinary(300, 6, 5);
    const params = { objective: 'binary:logistic', rounds: 10, max_depth: 3 };
    const model = await trainXGBoost({ X: data.X, y: data.y, nFeatures: 6, params });
    const rows = await benchTreeModelLatency({
      onnx: treeEnsembleToOnnx(model.ensemble),
      xgboostModel: model.modelBytes,
      nFeatures: 6,
      X: data.X,
      batchSizes: [1, 512],
      budgetMs: 30,
      warmup: 2,
    });
    expect(rows.map((r) => r.batch)).toEqual([1, 512]);
    for (const r of rows) {
      expect(r.ort.samples).toBeGreaterThanOrEqual(5);
      expect(r.ort.p50Us).toBeGreaterThan(0);
      expect(r.ort.p99Us).toBeGreaterThanOrEqual(r.ort.p50Us);
      expect(r.xgboost?.p50Us).toBeGreaterThan(0);
    }
    // 512 rows cost more than 1 row in both engines (the timings measure real work).
    expect(rows[1].xgboost!.p50Us).toBeGreaterThan(rows[0].xgboost!.p50Us);
    expect(formatLatencyTable(rows).split('\n')).toHaveLength(3);
  });
});
