import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoencoderToOnnx } from '../../onnx/nn/autoencoder-onnx.ts';
import type { AutoencoderSpec } from '../../onnx/nn/types.ts';
import { spearman } from './agreement.ts';
import { type TrainedAutoencoder, trainAutoencoder } from './autoencoder.ts';
import { thresholdAtQuantile, topFeatures } from './recon-score.ts';
import { rocAuc, syntheticRows } from './test-data.ts';
import { tf } from './tf-backend.ts';

const F = 16;
const CONFIG = { hidden: [16, 4], epochs: 8, batchSize: 128, learningRate: 1e-2, seed: 7 };
const train = syntheticRows(1200, F, 1).rows;
const validation = syntheticRows(300, F, 2).rows;
const test = syntheticRows(600, F, 3, 0.08);

async function ortScores(model: Uint8Array, rows: Float32Array, n: number) {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  try {
    const out = await session.run({ input: new ort.Tensor('float32', rows, [n, F]) });
    return { score: out.score.data as Float32Array, featureError: out.feature_error.data as Float32Array };
  } finally {
    await session.release();
  }
}

function specHash(spec: AutoencoderSpec): string {
  const h = createHash('sha256');
  for (const l of spec.layers) {
    h.update(new Uint8Array(l.kernel.buffer));
    if (l.bias) h.update(new Uint8Array(l.bias.buffer));
  }
  h.update(new Uint8Array(spec.scoring.errorVariance.buffer));
  return h.digest('hex');
}

describe('autoencoder (tfjs) → ONNX', () => {
  let ae: TrainedAutoencoder;
  beforeAll(async () => {
    ae = await trainAutoencoder(train, { validation, config: CONFIG, log: () => {} });
  });
  afterAll(() => ae?.dispose());

  it('trains on the wasm backend (or says it fell back) and learns the normal structure', () => {
    expect(['wasm', 'cpu']).toContain(ae.backend);
    if (ae.backend !== 'wasm') console.warn('tfjs wasm backend unavailable: trained on cpu');
    expect(ae.history.at(-1)!.valLoss!).toBeLessThan(ae.history[0].valLoss!);
    expect(ae.spec.layers.map((l) => l.outDim)).toEqual([16, 4, 16, F + 2]); // + 2 missing indicators
    expect(rocAuc(ae.score(test.rows).score, test.labels)).toBeGreaterThan(0.85);
  });

  it('float ONNX (raw features in) matches tfjs scores and feature errors to 1e-4', async () => {
    const ref = ae.score(test.rows);
    const got = await ortScores(autoencoderToOnnx(ae.spec), test.rows.data, test.rows.rows);
    for (let i = 0; i < ref.score.length; i++) {
      expect(Math.abs(got.score[i] - ref.score[i])).toBeLessThan(1e-4 * Math.max(1, ref.score[i]));
    }
    for (let i = 0; i < ref.featureError.length; i++) {
      expect(Math.abs(got.featureError[i] - ref.featureError[i])).toBeLessThan(1e-4 * Math.max(1, ref.featureError[i]));
    }
  });

  it('feature_error explains the score: it sums to score × D and names a spiked feature', async () => {
    const row = Float32Array.from(validation.data.subarray(0, F));
    row[6] = 5000; // a count far outside anything seen
    const got = await ortScores(autoencoderToOnnx(ae.spec), row, 1);
    const D = F + ae.spec.scaler.indicators.length;
    const sum = got.featureError.reduce((a, b) => a + b, 0);
    expect(sum / D).toBeCloseTo(got.score[0], 3);
    expect(topFeatures(got.featureError, 0, F, 1)[0].feature).toBe(6);
  });

  it('int8 agrees with float: correlation ≥ 0.99 and the same decision on ≥ 99% of rows', async () => {
    const float = autoencoderToOnnx(ae.spec);
    const valScores = (await ortScores(float, validation.data, validation.rows)).score;
    const threshold = thresholdAtQuantile(valScores, 0.95);
    const f = (await ortScores(float, test.rows.data, test.rows.rows)).score;
    for (const activations of ['per-row', 'per-tensor'] as const) {
      const int8 = autoencoderToOnnx(ae.spec, { quantize: { activations } });
      const q = (await ortScores(int8, test.rows.data, test.rows.rows)).score;
      expect(spearman(f, q), activations).toBeGreaterThanOrEqual(0.99);
      const same = f.filter((v, i) => v >= threshold === q[i] >= threshold).length;
      expect(same / f.length, activations).toBeGreaterThanOrEqual(0.99);
      // No size assertion: at this toy width (672 weights) graph overhead outweighs the saving; nn-report shows it.
    }
  });

  it('the same seed gives byte-identical weights; another seed does not; dispose frees every tensor', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const again = await trainAutoencoder(train, { validation, config: CONFIG, log: () => {} });
    const other = await trainAutoencoder(train, { validation, config: { ...CONFIG, seed: 8 }, log: () => {} });
    expect(specHash(again.spec)).toBe(specHash(ae.spec));
    expect(specHash(other.spec)).not.toBe(specHash(ae.spec));
    again.dispose();
    other.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore); // including Adam's moment tensors
  });

  it('refuses bad configuration and mismatched validation data with named keys', async () => {
    await expect(trainAutoencoder(train, { config: { hidden: [] } })).rejects.toThrow(/autoencoder config: hidden/);
    await expect(trainAutoencoder(train, { config: { epoch: 3 } as never })).rejects.toThrow(/autoencoder config/);
    const narrow = { data: new Float32Array(3 * 5), rows: 3, cols: 5 };
    await expect(trainAutoencoder(train, { validation: narrow })).rejects.toThrow(/5 columns, training 16/);
  });
});
