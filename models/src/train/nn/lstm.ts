import { type Static, Type } from '@sinclair/typebox';
import type { NextEventSpec } from '../../onnx/nn/types.ts';
import { compileValidator } from '../../schema/validate.ts';
import { mulberry32 } from './random.ts';
import { initTfBackend, type TfBackend, tf } from './tf-backend.ts';
import { denseParams, disposeModel, disposingOnError, initializeWeights, lstmParams } from './tf-weights.ts';
import { type BatchSource, type EpochLog, fitModel } from './train-loop.ts';
import { type NextEventSamples, nextEventSamples } from './vocabulary.ts';

/*
 * DeepLog (Du et al., CCS 2017) next-event model: the last h template ids → embedding → stacked LSTM → softmax
 * over the vocabulary; an event is anomalous when it is not among the top-g predictions. The embedding is a
 * bias-free Dense layer over one-hot ids: tfjs' wasm backend has no gradient kernel for Embedding's Gather
 * (UnsortedSegmentSum), and a Dense over one-hot rows is the same function (the exporter emits a Gather).
 */

export const NextEventConfigSchema = Type.Object(
  {
    window: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'history length h' })),
    embeddingDim: Type.Optional(Type.Integer({ minimum: 1, maximum: 1024 })),
    units: Type.Optional(Type.Integer({ minimum: 1, maximum: 1024 })),
    layers: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
    epochs: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_536 })),
    learningRate: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    patience: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 })),
  },
  { additionalProperties: false },
);
export type NextEventConfig = Static<typeof NextEventConfigSchema>;
export type ResolvedNextEventConfig = Required<NextEventConfig>;

/** DeepLog's published setting: h = 10, 2 layers of 64 units. */
const DEFAULTS: ResolvedNextEventConfig = {
  window: 10,
  embeddingDim: 16,
  units: 64,
  layers: 2,
  epochs: 30,
  batchSize: 256,
  learningRate: 2e-3,
  patience: 3,
  seed: 0,
};
const checkConfig = compileValidator(NextEventConfigSchema);

/** Add `layers` LSTM layers (sigmoid recurrent activation, as ONNX's LSTM computes) to a sequential model. */
export function addLstmStack(model: tf.Sequential, units: number, layers: number, inputShape?: number[]): void {
  for (let i = 0; i < layers; i++) {
    model.add(
      tf.layers.lstm({
        units,
        recurrentActivation: 'sigmoid',
        returnSequences: i < layers - 1,
        kernelInitializer: 'zeros',
        recurrentInitializer: 'zeros',
        ...(i === 0 && inputShape ? { inputShape } : {}),
      }),
    );
  }
}

function buildModel(c: ResolvedNextEventConfig, V: number): tf.Sequential {
  const model = tf.sequential();
  model.add(
    tf.layers.dense({ inputShape: [c.window, V], units: c.embeddingDim, useBias: false, kernelInitializer: 'zeros' }),
  );
  addLstmStack(model, c.units, c.layers);
  model.add(tf.layers.dense({ units: V, activation: 'softmax', kernelInitializer: 'zeros' }));
  return model;
}

function oneHot(ids: Int32Array, n: number, h: number, V: number): tf.Tensor {
  return tf.tidy(() => tf.oneHot(tf.tensor2d(ids, [n, h], 'int32'), V).toFloat());
}

function sampleSource(s: NextEventSamples, V: number): BatchSource {
  const h = s.window;
  return {
    size: s.n,
    batch(rows) {
      const ids = new Int32Array(rows.length * h);
      const next = new Float32Array(rows.length);
      rows.forEach((r, i) => {
        ids.set(s.history.subarray(r * h, (r + 1) * h), i * h);
        next[i] = s.next[r];
      });
      return { x: oneHot(ids, rows.length, h, V), y: tf.tensor2d(next, [rows.length, 1]) };
    },
  };
}

export interface TrainNextEventOptions {
  /** Sessions held out (later in time) for early stopping. */
  validation?: readonly Int32Array[];
  config?: NextEventConfig;
  log?: (line: string) => void;
}

export interface TrainedNextEventLstm {
  spec: NextEventSpec;
  config: ResolvedNextEventConfig;
  history: EpochLog[];
  bestEpoch: number;
  backend: TfBackend;
  trainMs: number;
  /** Next-id probabilities [n, V] through tfjs for `history` [n, window] ids (the ONNX parity reference). */
  predict(history: Int32Array, n: number): Float32Array;
  dispose(): void;
}

/** Train on encoded sessions (ids < vocabSize, from vocabulary.ts). */
export async function trainNextEventLstm(
  sessions: readonly Int32Array[],
  vocabSize: number,
  opts: TrainNextEventOptions = {},
): Promise<TrainedNextEventLstm> {
  const config = { ...DEFAULTS, ...checkConfig(opts.config ?? {}, 'next-event LSTM config') };
  if (!Number.isInteger(vocabSize) || vocabSize < 3) {
    throw new RangeError(`vocabSize ${vocabSize}: need padding, unknown and at least one template`);
  }
  for (const [i, s] of sessions.entries()) {
    const bad = s.findIndex((id) => id < 0 || id >= vocabSize);
    if (bad >= 0) throw new RangeError(`session ${i}, event ${bad}: id ${s[bad]} outside 0..${vocabSize - 1}`);
  }
  const backend = await initTfBackend(opts.log);
  const started = performance.now();
  const V = vocabSize;
  const model = buildModel(config, V);
  initializeWeights(model, config.seed);
  model.compile({ optimizer: tf.train.adam(config.learningRate), loss: 'sparseCategoricalCrossentropy' });
  const train = sampleSource(nextEventSamples(sessions, config.window), V);
  const val = opts.validation ? sampleSource(nextEventSamples(opts.validation, config.window), V) : undefined;
  const rng = mulberry32(config.seed ^ 0x5eed);
  const fit = await disposingOnError(model, () => fitModel(model, train, val, config, rng, opts.log));
  const [embedding, ...rest] = model.layers;
  const head = rest.at(-1)!;
  const spec: NextEventSpec = {
    window: config.window,
    vocabSize: V,
    embeddingDim: config.embeddingDim,
    embedding: denseParams(embedding, 'linear').kernel,
    lstm: rest.slice(0, -1).map(lstmParams),
    head: denseParams(head, 'linear'), // softmax is added by the exporter
  };
  return {
    spec,
    config,
    ...fit,
    backend,
    trainMs: performance.now() - started,
    predict(history: Int32Array, n: number): Float32Array {
      const h = config.window;
      if (history.length !== n * h) throw new RangeError(`predict: ${history.length} ids for ${n}×${h}`);
      const out = new Float32Array(n * V);
      for (let s = 0; s < n; s += 2048) {
        const m = Math.min(2048, n - s);
        const probs = tf.tidy(() => model.predict(oneHot(history.subarray(s * h, (s + m) * h), m, h, V)) as tf.Tensor);
        out.set(probs.dataSync() as Float32Array, s * V);
        probs.dispose();
      }
      return out;
    },
    dispose: () => disposeModel(model),
  };
}
