import type { LstmParams } from './types.ts';

/*
 * The Keras LSTM equations written out in plain TypeScript (float64), gate order (i, f, c, o) as Keras stores
 * them. Tests compare both tfjs and the ONNX export against this, so a gate-order slip in the converter shows up
 * as a numeric mismatch instead of cancelling out.
 */

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** One step: returns [h', c'] for one sequence. */
export function lstmStep(
  p: LstmParams,
  x: ArrayLike<number>,
  h: Float64Array,
  c: Float64Array,
): [Float64Array, Float64Array] {
  const H = p.units;
  const z = new Float64Array(4 * H);
  for (let col = 0; col < 4 * H; col++) {
    let s = p.bias[col];
    for (let k = 0; k < p.inDim; k++) s += x[k] * p.kernel[k * 4 * H + col];
    for (let k = 0; k < H; k++) s += h[k] * p.recurrent[k * 4 * H + col];
    z[col] = s;
  }
  const h2 = new Float64Array(H);
  const c2 = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    const i = sigmoid(z[j]);
    const f = sigmoid(z[H + j]);
    const g = Math.tanh(z[2 * H + j]);
    const o = sigmoid(z[3 * H + j]);
    c2[j] = f * c[j] + i * g;
    h2[j] = o * Math.tanh(c2[j]);
  }
  return [h2, c2];
}

/** Run a stack over one sequence `xs` [T, inDim]; returns the last layer's final hidden state. */
export function lstmStackReference(layers: LstmParams[], xs: ArrayLike<number>[]): Float64Array {
  let seq: ArrayLike<number>[] = xs;
  let last: Float64Array = new Float64Array(0);
  for (const p of layers) {
    let h: Float64Array = new Float64Array(p.units);
    let c: Float64Array = new Float64Array(p.units);
    const out: Float64Array[] = [];
    for (const x of seq) {
      [h, c] = lstmStep(p, x, h, c);
      out.push(h);
    }
    seq = out;
    last = h;
  }
  return last;
}
