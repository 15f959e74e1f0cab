import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequenceLstmToOnnx } from '../../onnx/nn/lstm-onnx.ts';
import { thresholdAtQuantile } from './recon-score.ts';
import {
  type SequenceWindows,
  slidingSequences,
  type TrainedSequenceLstm,
  trainSequenceLstm,
} from './sequence-lstm.ts';
import { rocAuc, syntheticSeries } from './test-data.ts';

const F = 8;
const T = 4;
const train = slidingSequences(syntheticSeries(700, F, 1).rows, T);
const validation = slidingSequences(syntheticSeries(200, F, 2).rows, T);
const testSeries = syntheticSeries(400, F, 3, 0.05);
const test = slidingSequences(testSeries.rows, T);
/** A window is anomalous when its last (predicted) step is. */
const testLabels = testSeries.labels.subarray(T - 1);

async function ortScores(model: Uint8Array, w: SequenceWindows) {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  try {
    const out = await session.run({ input: new ort.Tensor('float32', w.data, [w.n, T, F]) });
    return { score: out.score.data as Float32Array, featureError: out.feature_error.data as Float32Array };
  } finally {
    await session.release();
  }
}

describe('sequence LSTM over window-feature vectors', () => {
  let model: TrainedSequenceLstm;
  beforeAll(async () => {
    const config = { units: 12, epochs: 8, batchSize: 64, learningRate: 1e-2 };
    model = await trainSequenceLstm(train, { validation, config, log: () => {} });
  });
  afterAll(() => model?.dispose());

  it('builds overlapping windows in time order', () => {
    const rows = { data: Float32Array.from({ length: 10 }, (_, i) => i), rows: 5, cols: 2 };
    const w = slidingSequences(rows, 3);
    expect(w.n).toBe(3);
    expect(Array.from(w.data.subarray(6, 12))).toEqual([2, 3, 4, 5, 6, 7]);
    expect(() => slidingSequences(rows, 1)).toThrow(/steps 1/);
  });

  it('scores windows whose last step jumps off its trajectory above normal ones', () => {
    expect(rocAuc(model.score(test).score, testLabels)).toBeGreaterThan(0.85);
  });

  it('float ONNX ([N, T, F] raw in) matches tfjs to 1e-4', async () => {
    const ref = model.score(test);
    const got = await ortScores(sequenceLstmToOnnx(model.spec), test);
    for (let i = 0; i < ref.score.length; i++) {
      expect(Math.abs(got.score[i] - ref.score[i])).toBeLessThan(1e-4 * Math.max(1, ref.score[i]));
    }
    for (let i = 0; i < ref.featureError.length; i++) {
      expect(Math.abs(got.featureError[i] - ref.featureError[i])).toBeLessThan(1e-4 * Math.max(1, ref.featureError[i]));
    }
  });

  it('int8 (DynamicQuantizeLSTM + int8 head) keeps ≥ 99% of threshold decisions', async () => {
    const float = sequenceLstmToOnnx(model.spec);
    const int8 = sequenceLstmToOnnx(model.spec, { quantize: {} });
    const threshold = thresholdAtQuantile((await ortScores(float, validation)).score, 0.95);
    const f = (await ortScores(float, test)).score;
    const q = (await ortScores(int8, test)).score;
    const same = f.filter((v, i) => v >= threshold === q[i] >= threshold).length;
    expect(same / f.length).toBeGreaterThanOrEqual(0.99);
  });
});
