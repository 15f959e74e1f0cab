import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WindowRow } from '../features/engine.ts';
import { AnomalySchema } from '../schema/index.ts';
import { compileValidator } from '../schema/validate.ts';
import { mulberry32 } from '../train/nn/random.ts';
import { predictProba } from '../train/xgboost/evaluate.ts';
import { syntheticBinary } from '../train/xgboost/test-data.ts';
import { type TrainResult, trainXGBoost } from '../train/xgboost/train.ts';
import { type BundleSpec, writeBundle } from './bundle.ts';
import { compactCalibrator, type FusionDoc } from './fusion.ts';
import { autoencoderEntry } from './nn/bundle-entries.ts';
import type { AutoencoderSpec } from './nn/types.ts';
import { anomalyFromRow, BundleScorer } from './row-scorer.ts';
import { treeEnsembleToOnnx } from './tree-ensemble.ts';

/* A fused bundle (detector + typer + autoencoder + fusion, with roles) next to a 1.0.0-style one (no roles). */
const F = 6;
const NAMES = Array.from({ length: F }, (_, j) => `f${j}`);
const HASH = 'sha256:0011223344556677';
const data = syntheticBinary(600, F, 5);
const rng = mulberry32(9);
const rand = (n: number) => Float32Array.from({ length: n }, () => (2 * rng() - 1) * 0.4);
const ae: AutoencoderSpec = {
  scaler: {
    transform: 'signed-log1p',
    nFeatures: F,
    center: NAMES.map(() => 0),
    scale: NAMES.map(() => 1),
    clip: 10,
    linear: [],
    indicators: [],
  },
  layers: [
    { inDim: F, outDim: 3, kernel: rand(F * 3), bias: rand(3), activation: 'tanh' },
    { inDim: 3, outDim: F, kernel: rand(3 * F), bias: rand(F), activation: 'linear' },
  ],
  scoring: { errorVariance: Float32Array.from({ length: F }, () => 1) },
};
let det: TrainResult;
let typer: TrainResult;
let fusedDir: string;
let legacyDir: string;

const rows: WindowRow[] = Array.from({ length: 64 }, (_, i) => ({
  entity: { kind: i % 2 ? 'host' : 'ip', id: `e${i}` },
  start: i * 300_000,
  end: (i + 1) * 300_000,
  features: data.X.slice(i * F, (i + 1) * F),
  lines: [`line ${i}`],
  targets: {},
  final: true,
}));

function spec(fusion?: FusionDoc): BundleSpec {
  const io = { inputName: 'input', inputDims: [F], outputName: 'probabilities' };
  const role = <R extends string>(r: R) => (fusion ? { role: r } : {});
  const models: BundleSpec['models'] = [
    {
      name: 'detector',
      kind: 'xgboost',
      format: 'onnx',
      file: 'detector.onnx',
      ...io,
      ...role('detector' as const),
      outputColumn: 1,
      threshold: 0.5,
      bytes: treeEnsembleToOnnx(det.ensemble),
      explainer: { format: 'xgboost-binary', file: 'detector.xgb', bytes: det.modelBytes },
    },
    {
      name: 'typer',
      kind: 'xgboost',
      format: 'onnx',
      file: 'typer.onnx',
      ...io,
      ...role('typer' as const),
      labels: ['port_scan', 'ddos', 'disk_fill'],
      bytes: treeEnsembleToOnnx(typer.ensemble),
    },
  ];
  if (fusion) {
    models.push({
      ...autoencoderEntry(ae, { name: 'autoencoder', file: 'autoencoder.int8.onnx', threshold: 3 }),
      role: 'contributor',
    });
    models.push({
      name: 'fusion',
      kind: 'fusion',
      format: 'json',
      role: 'fusion',
      file: 'fusion.json',
      bytes: new TextEncoder().encode(JSON.stringify(fusion)),
    });
  }
  return {
    bundleVersion: fusion ? '1.1.0' : '1.0.0',
    createdAt: '2025-01-02T03:04:05Z',
    featureSchema: { version: 1, hash: HASH, names: NAMES },
    models,
    thresholds: fusion ? { detector: 0.5, autoencoder: 3, fused: fusion.threshold } : { detector: 0.5 },
    labelSet: ['port_scan', 'ddos', 'disk_fill'],
    trainingSeed: 1,
  };
}

beforeAll(async () => {
  det = await trainXGBoost({
    X: data.X,
    y: data.y,
    nFeatures: F,
    params: { objective: 'binary:logistic', rounds: 10, max_depth: 3, seed: 1 },
  });
  const y3 = Float32Array.from(data.y, (v, i) => (v ? 1 + (i % 2) : 0));
  typer = await trainXGBoost({
    X: data.X,
    y: y3,
    nFeatures: F,
    params: { objective: 'multi:softprob', num_class: 3, rounds: 5, max_depth: 3, seed: 1 },
  });
  const p = predictProba(det.ensemble, data.X, 600);
  const fusion: FusionDoc = {
    fusionVersion: 1,
    method: 'max',
    inputs: [
      { model: 'detector', calibrator: compactCalibrator(p.filter((_, i) => data.y[i] === 0)) },
      { model: 'autoencoder', calibrator: compactCalibrator(Float64Array.from({ length: 200 }, (_, i) => i / 40)) },
    ],
    threshold: 0.9,
  };
  fusedDir = await mkdtemp(path.join(tmpdir(), 'vigil-fused-'));
  legacyDir = await mkdtemp(path.join(tmpdir(), 'vigil-legacy-'));
  await writeBundle(fusedDir, spec(fusion));
  await writeBundle(legacyDir, spec());
});
afterAll(async () => {
  await rm(fusedDir, { recursive: true, force: true });
  await rm(legacyDir, { recursive: true, force: true });
});

describe('BundleScorer', () => {
  it('fuses detector and autoencoder, alerts on the fused threshold and names the driving model first', async () => {
    const scorer = await BundleScorer.load(fusedDir, { expectedFeatureHash: HASH });
    try {
      expect(scorer.threshold).toBe(0.9);
      expect(scorer.roles.map((r) => r.role)).toEqual(['detector', 'typer', 'contributor', 'fusion']);
      const out = await scorer.score(rows);
      for (const s of out) {
        expect(s.model).toBe('fused');
        expect(s.score).toBe(Math.max(...s.contributors.map((c) => c.score)));
        expect(s.contributors[0].score).toBe(s.score);
        expect(new Set(s.contributors.map((c) => c.model))).toEqual(new Set(['xgboost', 'autoencoder']));
        // The typer runs on firing rows only.
        expect(s.type === 'unknown').toBe(s.score < scorer.threshold);
      }
      const firing = out.findIndex((s) => s.score >= scorer.threshold);
      expect(firing).toBeGreaterThanOrEqual(0);
      const a = anomalyFromRow(rows[firing], out[firing], scorer, {
        id: 'a1',
        source: 'vpc',
        now: 1,
        topFeatures: 3,
        evidenceLines: 2,
      });
      expect(a.model).toBe('fused');
      expect(a.evidence.contributors?.[0].model).toBe(out[firing].contributors[0].model);
      expect(() => compileValidator(AnomalySchema)(a, 'anomaly')).not.toThrow();
    } finally {
      await scorer.close();
    }
  });

  it('reads a bundle without roles (1.0.0) as before: detector score and threshold, typer on every row on request', async () => {
    const scorer = await BundleScorer.load(legacyDir, { expectedFeatureHash: HASH, typeRows: 'all' });
    try {
      expect(scorer.threshold).toBe(0.5);
      const out = await scorer.score(rows);
      const p = predictProba(det.ensemble, data.X.subarray(0, 64 * F), 64);
      out.forEach((s, i) => {
        expect(s.score).toBeCloseTo(p[i], 5);
        expect(s.model).toBe('xgboost');
        expect(s.type).not.toBe('unknown');
      });
    } finally {
      await scorer.close();
    }
  });
});
