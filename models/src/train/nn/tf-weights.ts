import type { Activation, DenseParams, LstmParams } from '../../onnx/nn/types.ts';
import { glorotUniform, mulberry32, orthogonal } from './random.ts';
import { tf } from './tf-backend.ts';

/*
 * Weights in and out of tfjs layers. Initial weights come from our seeded PRNG (Keras' defaults: Glorot-uniform
 * kernels, orthogonal recurrent kernels, zero biases, forget-gate bias 1), so a seed fixes them regardless of
 * tfjs' RNG, and tfjs' slow orthogonal initializer is never run. Layers are built with 'zeros' initializers.
 */

type Layer = tf.layers.Layer;

function setWeights(layer: Layer, values: { data: Float32Array; shape: number[] }[]): void {
  const tensors = values.map((v) => tf.tensor(v.data, v.shape));
  layer.setWeights(tensors);
  for (const t of tensors) t.dispose();
}

/** Seeded Keras-default initialization of every Dense and LSTM layer of `model`. */
export function initializeWeights(model: tf.LayersModel, seed: number): void {
  const rng = mulberry32(seed);
  for (const layer of model.layers) {
    const shapes = layer.getWeights().map((w) => w.shape);
    const kind = layer.getClassName();
    if (kind === 'Dense') {
      const [fanIn, fanOut] = shapes[0];
      const values = [{ data: glorotUniform(fanIn, fanOut, rng), shape: shapes[0] }];
      if (shapes[1]) values.push({ data: new Float32Array(fanOut), shape: shapes[1] });
      setWeights(layer, values);
    } else if (kind === 'LSTM') {
      const [inDim, fourH] = shapes[0];
      const H = fourH / 4;
      const bias = new Float32Array(fourH);
      bias.fill(1, H, 2 * H); // Keras gate order i, f, c, o: unit forget bias
      setWeights(layer, [
        { data: glorotUniform(inDim, fourH, rng), shape: shapes[0] },
        { data: orthogonal(H, fourH, rng), shape: shapes[1] },
        { data: bias, shape: shapes[2] },
      ]);
    } else if (shapes.length > 0) {
      throw new TypeError(`initializeWeights: no initializer for layer class ${kind}`);
    }
  }
}

const values = (t: tf.Tensor) => Float32Array.from(t.dataSync() as Float32Array);

export function denseParams(layer: Layer, activation: Activation): DenseParams {
  const [kernel, bias] = layer.getWeights();
  const [inDim, outDim] = kernel.shape as [number, number];
  return {
    inDim,
    outDim,
    kernel: values(kernel),
    ...(bias ? { bias: values(bias) } : {}),
    activation,
  };
}

export function lstmParams(layer: Layer): LstmParams {
  const [kernel, recurrent, bias] = layer.getWeights();
  return {
    inDim: kernel.shape[0] as number,
    units: recurrent.shape[0] as number,
    kernel: values(kernel),
    recurrent: values(recurrent),
    bias: values(bias),
  };
}

/**
 * Free a model and its optimizer: tfjs only disposes an optimizer it created itself, and ours are passed in, so
 * Adam's moment tensors would otherwise outlive the model.
 */
export function disposeModel(model: tf.LayersModel): void {
  model.optimizer?.dispose();
  model.dispose();
}

/** Train `model` with `train`, freeing it (and its optimizer) if training throws. */
export async function disposingOnError<T>(model: tf.LayersModel, train: () => Promise<T>): Promise<T> {
  try {
    return await train();
  } catch (err) {
    disposeModel(model);
    throw err;
  }
}

/** Snapshot of all weights (for keeping the best epoch); the caller disposes. */
export function snapshotWeights(model: tf.LayersModel): tf.Tensor[] {
  return model.getWeights().map((w) => w.clone());
}

/** Run `model.predict` over rows in chunks, returning row-major float32 output. */
export function predictRows(model: tf.LayersModel, x: Float32Array, shape: number[], chunk = 4096): Float32Array {
  const n = shape[0];
  const rowSize = shape.slice(1).reduce((a, b) => a * b, 1);
  const parts: Float32Array[] = [];
  for (let s = 0; s < n; s += chunk) {
    const m = Math.min(chunk, n - s);
    const out = tf.tidy(() => {
      const input = tf.tensor(x.subarray(s * rowSize, (s + m) * rowSize), [m, ...shape.slice(1)]);
      return model.predict(input) as tf.Tensor;
    });
    parts.push(out.dataSync() as Float32Array);
    out.dispose();
  }
  const width = n > 0 ? parts[0].length / Math.min(chunk, n) : 0;
  const result = new Float32Array(n * width);
  let offset = 0;
  for (const p of parts) {
    result.set(p, offset);
    offset += p.length;
  }
  return result;
}
