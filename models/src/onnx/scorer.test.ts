import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictMargin, predictProba } from '../train/xgboost/evaluate.ts';
import { syntheticBinary } from '../train/xgboost/test-data.ts';
import { type TrainResult, trainXGBoost } from '../train/xgboost/train.ts';
import { type BundleSpec, writeBundle } from './bundle.ts';
import { loadBundle } from './scorer.ts';
import { treeEnsembleToOnnx } from './tree-ensemble.ts';

const FEATURES = ['fails_1m', 'fails_5m', 'distinct_users', 'new_ip', 'hour_sin', 'bytes_out'];
const HASH = 'sha256:1f2e3d4c5b6a7988';
const data = syntheticBinary(400, FEATURES.length, 99);
let dir: string;
let res: TrainResult;

function spec(): BundleSpec {
  return {
    bundleVersion: '1.0.0',
    createdAt: '2025-01-02T03:04:05Z',
    featureSchema: { version: 3, hash: HASH, names: FEATURES },
    models: [
      {
        name: 'auth-xgb',
        kind: 'xgboost',
        format: 'onnx',
        file: 'auth-xgb.onnx',
        inputName: 'input',
        inputDims: [FEATURES.length],
        outputName: 'probabilities',
        outputColumn: 1,
        threshold: 0.7,
        entity: 'host',
        bytes: treeEnsembleToOnnx(res.ensemble, { featureNames: FEATURES }),
        explainer: { format: 'xgboost-binary', file: 'auth-xgb.xgb', bytes: res.modelBytes },
      },
      {
        name: 'cpu-forecast',
        kind: 'forecast',
        format: 'json',
        file: 'cpu-forecast.json',
        bytes: new TextEncoder().encode(JSON.stringify({ seasonality: 24 })),
      },
    ],
    thresholds: { 'auth-xgb': 0.7 },
    labelSet: ['benign', 'brute_force'],
    trainingSeed: 42,
  };
}

beforeAll(async () => {
  const params = { objective: 'binary:logistic', rounds: 25, max_depth: 4, seed: 3 };
  res = await trainXGBoost({ X: data.X, y: data.y, nFeatures: FEATURES.length, params });
  dir = await mkdtemp(path.join(tmpdir(), 'vigil-bundle-'));
  await writeBundle(dir, spec());
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function copyBundle(edit: (manifest: Record<string, unknown>) => void): Promise<string> {
  const copy = await mkdtemp(path.join(tmpdir(), 'vigil-bundle-'));
  for (const f of ['auth-xgb.onnx', 'auth-xgb.xgb', 'cpu-forecast.json']) {
    await writeFile(path.join(copy, f), await readFile(path.join(dir, f)));
  }
  const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));
  edit(manifest);
  await writeFile(path.join(copy, 'manifest.json'), JSON.stringify(manifest));
  return copy;
}

describe('model bundle', () => {
  it('loads every model and scores rows like the trained ensemble, micro-batching single rows', async () => {
    const bundle = await loadBundle(dir, { expectedFeatureHash: HASH, maxDelayMs: 2 });
    try {
      expect(bundle.modelNames).toEqual(['auth-xgb', 'cpu-forecast']);
      expect(bundle.model('cpu-forecast').document).toEqual({ seasonality: 24 });
      const expected = predictProba(res.ensemble, data.X, data.nRows);
      const batch = await bundle.score('auth-xgb', data.X, data.nRows);
      expect(batch).toHaveLength(data.nRows);
      const F = FEATURES.length;
      const pending = Array.from({ length: 50 }, (_, r) =>
        bundle.score('auth-xgb', data.X.slice(r * F, (r + 1) * F), 1),
      );
      expect(bundle.model('auth-xgb').batcher!.pendingRows).toBe(50); // queued for one inference call
      const singles = await Promise.all(pending);
      for (let r = 0; r < data.nRows; r++) expect(Math.abs(batch[r] - expected[r])).toBeLessThanOrEqual(1e-5);
      for (const [r, s] of singles.entries()) expect(s[0]).toBeCloseTo(expected[r], 5);
    } finally {
      await bundle.close();
    }
  });

  it('explains a score with named TreeSHAP contributions that add up to the margin', async () => {
    const bundle = await loadBundle(dir, { expectedFeatureHash: HASH });
    try {
      const row = data.X.subarray(0, FEATURES.length);
      const all = bundle.explain('auth-xgb', row, FEATURES.length);
      expect(all.every((c) => FEATURES.includes(c.name!))).toBe(true);
      const sum = all.reduce((a, c) => a + c.contribution, 0);
      const margin = predictMargin(res.ensemble, row, 1)[0];
      const base = margin - sum; // expected value; must be the same for every row
      const row2 = data.X.subarray(FEATURES.length * 7, FEATURES.length * 8);
      const sum2 = bundle.explain('auth-xgb', row2, FEATURES.length).reduce((a, c) => a + c.contribution, 0);
      expect(sum2 + base).toBeCloseTo(predictMargin(res.ensemble, row2, 1)[0], 4);
      expect(() => bundle.explain('cpu-forecast', row)).toThrow(/no explainer/);
    } finally {
      await bundle.close();
    }
  });

  it('refuses a bundle built for other features, naming the file and both hashes', async () => {
    await expect(loadBundle(dir, { expectedFeatureHash: 'sha256:ffffffffffff' })).rejects.toThrow(
      new RegExp(`${path.join(dir, 'manifest.json')}: feature schema hash mismatch.*${HASH}.*sha256:ffffffffffff`),
    );
  });

  it('refuses a tampered model file', async () => {
    const copy = await copyBundle(() => undefined);
    await writeFile(path.join(copy, 'auth-xgb.onnx'), new Uint8Array([1, 2, 3]));
    await expect(loadBundle(copy, { expectedFeatureHash: HASH })).rejects.toThrow(
      /auth-xgb\.onnx: sha256 [0-9a-f]+ does not match/,
    );
    await rm(copy, { recursive: true });
  });

  it('names missing, extra and unsafe manifest keys', async () => {
    const cases: [(m: Record<string, unknown>) => void, RegExp][] = [
      [(m) => delete m.trainingSeed, /trainingSeed/],
      [(m) => Object.assign(m, { surprise: 1 }), /surprise/],
      [(m) => Object.assign((m.models as Record<string, unknown>[])[0], { file: '../etc/passwd' }), /models\.0\.file/],
      [(m) => delete (m.models as Record<string, unknown>[])[0].inputName, /models\.0\.inputName: required for onnx/],
    ];
    for (const [edit, pattern] of cases) {
      const copy = await copyBundle(edit);
      await expect(loadBundle(copy, { expectedFeatureHash: HASH })).rejects.toThrow(pattern);
      await rm(copy, { recursive: true });
    }
  });

  it('rejects rows of the wrong width and unknown models', async () => {
    const bundle = await loadBundle(dir, { expectedFeatureHash: HASH });
    try {
      await expect(bundle.score('auth-xgb', new Float32Array(5), 1)).rejects.toThrow(/expected rows × 6/);
      expect(() => bundle.score('nope', new Float32Array(6), 1)).toThrow(
        /no model 'nope' \(has: auth-xgb, cpu-forecast\)/,
      );
      expect(await bundle.score('auth-xgb', new Float32Array(0), 0)).toHaveLength(0);
    } finally {
      await bundle.close();
    }
  });
});
