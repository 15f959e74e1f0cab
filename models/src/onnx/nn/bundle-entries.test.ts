import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../train/nn/random.ts';
import { writeBundle } from '../bundle.ts';
import { loadBundle } from '../scorer.ts';
import { autoencoderToOnnx } from './autoencoder-onnx.ts';
import { runOnnxOnce } from './bench-nn.ts';
import { autoencoderEntry, nextEventLstmEntry, sequenceLstmEntry } from './bundle-entries.ts';
import { nextEventLstmToOnnx, sequenceLstmToOnnx } from './lstm-onnx.ts';
import type {
  AutoencoderSpec,
  DenseParams,
  LstmParams,
  NextEventSpec,
  ScalerParams,
  SequenceLstmSpec,
} from './types.ts';

/* Hand-made specs with random weights: this checks the plumbing into the existing bundle loader, not training. */
const rng = mulberry32(3);
const rand = (n: number, s = 0.3) => Float32Array.from({ length: n }, () => (2 * rng() - 1) * s);
const dense = (inDim: number, outDim: number, activation: DenseParams['activation']): DenseParams => ({
  inDim,
  outDim,
  kernel: rand(inDim * outDim),
  bias: rand(outDim),
  activation,
});
const lstm = (inDim: number, units: number): LstmParams => ({
  inDim,
  units,
  kernel: rand(inDim * 4 * units),
  recurrent: rand(units * 4 * units),
  bias: rand(4 * units),
});

const F = 5;
const scaler: ScalerParams = {
  transform: 'signed-log1p',
  nFeatures: F,
  center: [0, 1, 0, 2, 0],
  scale: [1, 0.5, 1, 2, 1],
  clip: 10,
  linear: [],
  indicators: [1],
};
const scoring = { errorVariance: Float32Array.from({ length: F + 1 }, () => 0.5) };
const ae: AutoencoderSpec = { scaler, layers: [dense(F + 1, 3, 'tanh'), dense(3, F + 1, 'linear')], scoring };
const seq: SequenceLstmSpec = { steps: 3, scaler, lstm: [lstm(F + 1, 4)], head: dense(4, F + 1, 'linear'), scoring };
const V = 7;
const next: NextEventSpec = {
  window: 4,
  vocabSize: V,
  embeddingDim: 3,
  embedding: rand(V * 3),
  lstm: [lstm(3, 6)],
  head: dense(6, V, 'linear'),
};

describe('NN bundle entries load and score through the existing bundle loader', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('writes an int8 bundle with all three kinds and scores rows like a direct ORT session', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'vigil-nn-bundle-'));
    dirs.push(dir);
    const labels = ['<pad>', '<unk>', 'E1', 'E2', 'E3', 'E4', 'E5'];
    await writeBundle(dir, {
      bundleVersion: '0.1.0',
      createdAt: '2026-01-01T00:00:00Z',
      featureSchema: { version: 1, hash: 'nn-test-hash', names: ['a', 'b', 'c', 'd', 'e'] },
      models: [
        autoencoderEntry(ae, { name: 'ae', file: 'ae.onnx', threshold: 3 }),
        sequenceLstmEntry(seq, { name: 'seq', file: 'seq.onnx' }),
        nextEventLstmEntry(next, labels, { name: 'deeplog', file: 'deeplog.onnx', threshold: 2 }),
      ],
      thresholds: { ae: 3, deeplog: 2 },
      labelSet: [],
      trainingSeed: 0,
    });
    const bundle = await loadBundle(dir, { expectedFeatureHash: 'nn-test-hash' });
    try {
      expect(bundle.manifest.models.map((m) => [m.kind, m.inputDims])).toEqual([
        ['autoencoder', [5]],
        ['lstm', [3, 5]],
        ['lstm', [5]],
      ]);
      const rows = Float32Array.from([1, Number.NaN, 3, 40, -2, 0, 2, 0, 1, 0]);
      const direct = await runOnnxOnce(autoencoderToOnnx(ae, { quantize: {} }), rows, [2, F], 'score');
      expect(Array.from(await bundle.score('ae', rows, 2))).toEqual(Array.from(direct));
      const windows = rand(2 * 3 * F, 5);
      const seqDirect = await runOnnxOnce(sequenceLstmToOnnx(seq, { quantize: {} }), windows, [2, 3, F], 'score');
      expect(Array.from(await bundle.score('seq', windows, 2))).toEqual(Array.from(seqDirect));
      const ids = Float32Array.from([0, 2, 3, 4, 5, 2, 2, 2, 2, 6]);
      const rank = await bundle.score('deeplog', ids, 2);
      expect(Array.from(rank)).toEqual(
        Array.from(await runOnnxOnce(nextEventLstmToOnnx(next, { quantize: {} }), ids, [2, 5], 'rank')),
      );
      expect(rank.every((r) => Number.isInteger(r) && r >= 0 && r < V)).toBe(true);
    } finally {
      await bundle.close();
    }
  });

  it('refuses a vocabulary that does not match the model', () => {
    expect(() => nextEventLstmEntry(next, ['a'], { name: 'x', file: 'x.onnx' })).toThrow(/1 labels for vocabulary 7/);
  });
});
