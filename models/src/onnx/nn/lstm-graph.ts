import { attr } from '../graph.ts';
import type { GraphBuilder } from './graph-builder.ts';
import { type QuantizeOptions, quantizeColumns, weightQMax } from './quantize.ts';
import type { LstmParams } from './types.ts';

/*
 * Keras/tfjs → ONNX LSTM. Keras stacks the gates along the 4H axis as (i, f, c, o); ONNX as (i, o, f, c).
 * ONNX wants W [num_dir, 4H, I] and R [num_dir, 4H, H] (the transposes of Keras' kernels, gate rows reordered)
 * and B [num_dir, 8H] = [Wb, Rb]; Keras has one bias, which goes into Wb with Rb = 0 (the gates add them).
 * com.microsoft DynamicQuantizeLSTM takes W [num_dir, I, 4H] and R [num_dir, H, 4H] (not transposed), int8 with
 * per-gate-column scales. Equations (σ = sigmoid; Keras with recurrentActivation 'sigmoid' = ONNX defaults):
 *   i = σ(x Wi + h Ri + bi), f = σ(…), c̃ = tanh(…), o = σ(…); c' = f ⊙ c + i ⊙ c̃; h' = o ⊙ tanh(c').
 */

/** For ONNX gate slot g (i, o, f, c), the Keras gate index it comes from (Keras order i, f, c, o). */
export const KERAS_GATE_FOR_ONNX: readonly number[] = [0, 3, 1, 2];

/** Keras [rows, 4H] → the same matrix with its gate column blocks in ONNX order. */
export function reorderGateColumns(m: Float32Array, rows: number, H: number): Float32Array {
  if (m.length !== rows * 4 * H) throw new RangeError(`gate matrix: ${m.length} values, expected ${rows}×${4 * H}`);
  const out = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < 4; g++) {
      const src = r * 4 * H + KERAS_GATE_FOR_ONNX[g] * H;
      out.set(m.subarray(src, src + H), r * 4 * H + g * H);
    }
  }
  return out;
}

/** Keras [rows, 4H] → ONNX [4H, rows] (gate rows in ONNX order). */
export function onnxGateMatrix(m: Float32Array, rows: number, H: number): Float32Array {
  const reordered = reorderGateColumns(m, rows, H);
  const out = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < 4 * H; c++) out[c * rows + r] = reordered[r * 4 * H + c];
  return out;
}

/** Keras bias [4H] → ONNX B [8H]: Wb in ONNX gate order, then Rb = 0. */
export function onnxLstmBias(bias: Float32Array, H: number): Float32Array {
  const out = new Float32Array(8 * H);
  out.set(reorderGateColumns(bias, 1, H), 0);
  return out;
}

export function checkLstm(p: LstmParams, where: string): void {
  const H = p.units;
  const sizes = [
    ['kernel', p.kernel.length, p.inDim * 4 * H],
    ['recurrent', p.recurrent.length, H * 4 * H],
    ['bias', p.bias.length, 4 * H],
  ] as const;
  for (const [key, have, want] of sizes) {
    if (have !== want) throw new RangeError(`${where}: ${key} has ${have} values, expected ${want}`);
  }
}

function lstmLayer(
  g: GraphBuilder,
  x: string,
  p: LstmParams,
  int8: QuantizeOptions | undefined,
  i: number,
): [string, string] {
  const H = p.units;
  const B = g.f32(`lstm${i}_B`, [1, 8 * H], onnxLstmBias(p.bias, H));
  const attributes = { hidden_size: attr.int(H) };
  if (!int8) {
    const W = g.f32(`lstm${i}_W`, [1, 4 * H, p.inDim], onnxGateMatrix(p.kernel, p.inDim, H));
    const R = g.f32(`lstm${i}_R`, [1, 4 * H, H], onnxGateMatrix(p.recurrent, H, H));
    const [Y, Yh] = g.opN('LSTM', [x, W, R, B], 2, attributes);
    return [Y, Yh];
  }
  const quantized = (name: string, m: Float32Array, rows: number) => {
    const q = quantizeColumns(reorderGateColumns(m, rows, H), rows, 4 * H, weightQMax(int8));
    return [
      g.init(`${name}q`, 'int8', [1, rows, 4 * H], q.q),
      g.f32(`${name}_scale`, [1, 4 * H], q.scales),
      g.init(`${name}_zp`, 'int8', [1, 4 * H], new Int8Array(4 * H)),
    ];
  };
  const [W, Ws, Wz] = quantized(`lstm${i}_W`, p.kernel, p.inDim);
  const [R, Rs, Rz] = quantized(`lstm${i}_R`, p.recurrent, H);
  const inputs = [x, W, R, B, '', '', '', '', Ws, Wz, Rs, Rz];
  const [Y, Yh] = g.opN('DynamicQuantizeLSTM', inputs, 2, attributes, 'com.microsoft');
  return [Y, Yh];
}

/**
 * A stack of forward LSTM layers over x [T, N, I] (ONNX layout 0). Returns the last layer's final hidden state
 * [N, H]. With `int8` set, DynamicQuantizeLSTM (com.microsoft): int8 W and R with per-gate-column scales; ONNX
 * Runtime quantizes x and h per step internally; the cell state, gate nonlinearities and bias stay float.
 */
export function lstmStackNodes(g: GraphBuilder, x: string, layers: LstmParams[], int8?: QuantizeOptions): string {
  if (layers.length === 0) throw new RangeError('LSTM stack: no layers');
  let input = x;
  let lastH = '';
  layers.forEach((p, i) => {
    checkLstm(p, `LSTM layer ${i}`);
    if (i > 0 && p.inDim !== layers[i - 1].units) {
      throw new RangeError(`LSTM layer ${i}: inDim ${p.inDim} but layer ${i - 1} has ${layers[i - 1].units} units`);
    }
    const [Y, Yh] = lstmLayer(g, input, p, int8, i);
    if (i < layers.length - 1) input = g.op('Squeeze', [Y, g.i64([1])]); // [T, 1, N, H] → [T, N, H]
    lastH = Yh;
  });
  return g.op('Squeeze', [lastH, g.i64([0])]); // [1, N, H] → [N, H]
}
