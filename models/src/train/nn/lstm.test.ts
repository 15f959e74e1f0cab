import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextEventLstmToOnnx } from '../../onnx/nn/lstm-onnx.ts';
import { lstmStackReference } from '../../onnx/nn/lstm-reference.ts';
import type { QuantizeOptions } from '../../onnx/nn/quantize.ts';
import type { NextEventSpec } from '../../onnx/nn/types.ts';
import { type TrainedNextEventLstm, trainNextEventLstm } from './lstm.ts';
import { syntheticSessions } from './test-data.ts';
import { buildVocabulary, encodeTemplates, nextEventSamples, observedRanks, vocabularyIndex } from './vocabulary.ts';

const H = 6;
const G = 2; // the workflow branches two ways, so top-2 covers every normal step
const trainSet = syntheticSessions(150, 1);
const testSet = syntheticSessions(120, 2, 0.25);
const vocab = buildVocabulary(trainSet.sessions.flat());
const index = vocabularyIndex(vocab);
const V = vocab.templates.length;
const encode = (s: string[][]) => s.map((x) => encodeTemplates(index, x));
const samples = nextEventSamples(encode(testSet.sessions), H);

/** [n, h + 1] model input: history then observed next id. */
function modelInput(s = samples): Float32Array {
  const x = new Float32Array(s.n * (H + 1));
  for (let i = 0; i < s.n; i++) {
    x.set(s.history.subarray(i * H, (i + 1) * H), i * (H + 1));
    x[i * (H + 1) + H] = s.next[i];
  }
  return x;
}

async function runOnnx(model: Uint8Array, x: Float32Array, n: number) {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  try {
    const out = await session.run({ input: new ort.Tensor('float32', x, [n, H + 1]) });
    return { probs: out.probabilities.data as Float32Array, rank: out.rank.data as Float32Array };
  } finally {
    await session.release();
  }
}

/** Softmax(head(LSTM(embedding[ids]))) from the exported spec, in plain float64 TypeScript. */
function referenceProbs(spec: NextEventSpec, ids: Int32Array): Float64Array {
  const E = spec.embeddingDim;
  const h = lstmStackReference(
    spec.lstm,
    Array.from(ids, (id) => spec.embedding.subarray(id * E, (id + 1) * E)),
  );
  const { head } = spec;
  const logits = Array.from({ length: head.outDim }, (_, k) => {
    let s = head.bias?.[k] ?? 0;
    for (let j = 0; j < head.inDim; j++) s += h[j] * head.kernel[j * head.outDim + k];
    return s;
  });
  const max = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return Float64Array.from(e, (v) => v / sum);
}

describe('DeepLog next-event LSTM (tfjs) → ONNX', () => {
  let model: TrainedNextEventLstm;
  let tfProbs: Float32Array;
  beforeAll(async () => {
    const config = { window: H, embeddingDim: 6, units: 12, layers: 1, epochs: 8, batchSize: 128, learningRate: 0.02 };
    model = await trainNextEventLstm(encode(trainSet.sessions), V, { config, log: () => {} });
    tfProbs = model.predict(samples.history, samples.n);
  });
  afterAll(() => model?.dispose());

  it('tfjs computes the Keras LSTM equations the converter assumes (sigmoid gates, order i, f, c, o)', () => {
    for (const i of [0, 5, 17, 40]) {
      const want = referenceProbs(model.spec, samples.history.subarray(i * H, (i + 1) * H));
      want.forEach((p, k) => {
        expect(Math.abs(tfProbs[i * V + k] - p)).toBeLessThan(1e-5);
      });
    }
  });

  it('learns the workflow: flags injected out-of-order events at top-2', () => {
    const ranks = observedRanks(tfProbs, V, samples.next);
    const flagged = new Uint8Array(testSet.sessions.length);
    ranks.forEach((r, i) => {
      if (r >= G) flagged[samples.session[i]] = 1;
    });
    let tp = 0;
    let fp = 0;
    let fn = 0;
    flagged.forEach((f, i) => {
      if (f && testSet.labels[i]) tp++;
      else if (f) fp++;
      else if (testSet.labels[i]) fn++;
    });
    expect(tp / (tp + fn)).toBeGreaterThanOrEqual(0.9);
    expect(tp / (tp + fp)).toBeGreaterThanOrEqual(0.9);
  });

  it('float ONNX softmax matches tfjs to 1e-4 and its rank output matches the TypeScript rank', async () => {
    const { probs, rank } = await runOnnx(nextEventLstmToOnnx(model.spec), modelInput(), samples.n);
    let max = 0;
    for (let i = 0; i < probs.length; i++) max = Math.max(max, Math.abs(probs[i] - tfProbs[i]));
    expect(max).toBeLessThan(1e-4);
    const want = observedRanks(probs, V, samples.next);
    expect(Array.from(rank)).toEqual(Array.from(want, Number));
  });

  it('int8 (embedding, DynamicQuantizeLSTM, head) keeps the top-g decision on ≥ 99% of events', async () => {
    const x = modelInput();
    const float = await runOnnx(nextEventLstmToOnnx(model.spec), x, samples.n);
    const variants: [string, QuantizeOptions][] = [
      ['int8 LSTM', {}],
      ['float LSTM', { lstm: 'float' }],
    ];
    for (const [label, quantize] of variants) {
      const q = await runOnnx(nextEventLstmToOnnx(model.spec, { quantize }), x, samples.n);
      const same = q.rank.filter((r, i) => r >= G === float.rank[i] >= G).length;
      expect(same / samples.n, label).toBeGreaterThanOrEqual(0.99);
    }
  });

  it('treats NaN, negative, out-of-vocabulary and fractional ids as defined values, never a crash', async () => {
    const x = new Float32Array(H + 1).fill(2);
    x.set([Number.NaN, -3, 1e9, 2.5], 0);
    x[H] = Number.NaN; // unknown next event
    const { probs, rank } = await runOnnx(nextEventLstmToOnnx(model.spec, { quantize: {} }), x, 1);
    expect(probs.every(Number.isFinite)).toBe(true);
    expect(rank[0]).toBeGreaterThanOrEqual(G); // the unknown template was never a training target
  });
});
