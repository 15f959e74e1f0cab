import { attr } from '../graph.ts';
import { CAST, type GraphBuilder } from './graph-builder.ts';

/*
 * int8 dynamic quantization for the NN exporters.
 *
 * Weights: symmetric per output channel (one scale per column of a [K, N] kernel, per gate column of an LSTM, per
 * row of an embedding table), scale = max|w| / qmax, zero point 0. Per-channel because one large column would
 * otherwise flatten every small one to a few levels. Matrix weights default to 7 bits (qmax 63, ONNX Runtime's
 * "reduce_range"): on x86 CPUs without AVX-512 VNNI (e.g. AVX2-only EC2 types), MLAS multiplies uint8 × int8 with
 * VPMADDUBSW, whose int16 pair sums saturate above 32767; 255·63·2 = 32130 cannot, 255·127·2 could. Embedding
 * tables are only gathered, never multiplied, so they keep 8 bits.
 *
 * Activations are quantized at run time, two ways, both feeding MatMulInteger(uint8, int8), MLAS's fast path:
 * - 'per-row' (default): each row x_r gets its own symmetric scale s_r = max|x_r| / 127, encoded as uint8 with
 *   zero point 128 (QuantizeLinear, axis 0) → MatMulInteger → Cast → × s_r × w_scale + bias. A row's result then
 *   depends on that row only, which matters because the runtime micro-batches rows from unrelated entities.
 *   (int8 × int8 MatMulInteger computes the same numbers but ran 12× slower here: no fast S8S8 kernel.)
 * - 'per-tensor': ONNX's DynamicQuantizeLinear (asymmetric uint8, one scale for the whole batch). Uses all 256
 *   levels, but a row's result depends on the other rows in its batch.
 */

export type ActivationQuantization = 'per-row' | 'per-tensor';

export interface QuantizeOptions {
  activations?: ActivationQuantization;
  /** Bits of the matrix weights (7 = reduce-range, safe on AVX2; 8 = full int8). Default 7. */
  weightBits?: 7 | 8;
  /**
   * 'int8' (default) = com.microsoft DynamicQuantizeLSTM (ONNX Runtime contrib op). ORT quantizes the LSTM's x and h
   * per tensor, so its results shift slightly with the batch's other rows (unlike 'per-row' dense layers).
   * 'float' keeps the standard ONNX LSTM op: larger, but every row's result is independent of its batch.
   */
  lstm?: 'int8' | 'float';
}

export interface QuantizedMatrix {
  q: Int8Array;
  /** One per column (quantizeColumns) or per row (quantizeRows). */
  scales: Float32Array;
  rows: number;
  cols: number;
}

const Q_MAX = 127;

/** The largest quantized weight magnitude for the chosen bit width. */
export const weightQMax = (o: QuantizeOptions): number => ((o.weightBits ?? 7) === 8 ? 127 : 63);

function quantize(m: Float32Array, rows: number, cols: number, perColumn: boolean, qMax: number): QuantizedMatrix {
  if (m.length !== rows * cols) throw new RangeError(`quantize: ${m.length} values for [${rows}, ${cols}]`);
  const groups = perColumn ? cols : rows;
  const scales = new Float32Array(groups);
  const at = (g: number, k: number) => (perColumn ? k * cols + g : g * cols + k);
  const len = perColumn ? rows : cols;
  for (let g = 0; g < groups; g++) {
    let max = 0;
    for (let k = 0; k < len; k++) {
      const v = m[at(g, k)];
      if (!Number.isFinite(v)) throw new RangeError(`quantize: non-finite weight at index ${at(g, k)}`);
      max = Math.max(max, Math.abs(v));
    }
    scales[g] = max > 0 ? max / qMax : 1;
  }
  const q = new Int8Array(m.length);
  for (let i = 0; i < m.length; i++) {
    const g = perColumn ? i % cols : Math.floor(i / cols);
    q[i] = Math.max(-qMax, Math.min(qMax, Math.round(m[i] / scales[g])));
  }
  return { q, scales, rows, cols };
}

/** Symmetric int8 with one scale per column of a row-major [rows, cols] matrix, |q| ≤ qMax. */
export const quantizeColumns = (m: Float32Array, rows: number, cols: number, qMax = Q_MAX): QuantizedMatrix =>
  quantize(m, rows, cols, true, qMax);

/** Symmetric int8 with one scale per row (embedding tables: one scale per token). */
export const quantizeRows = (m: Float32Array, rows: number, cols: number, qMax = Q_MAX): QuantizedMatrix =>
  quantize(m, rows, cols, false, qMax);

/** x [N, K] float · W [K, M] (per-column int8) → [N, M] float, activations quantized at run time. */
export function quantizedMatMulNodes(
  g: GraphBuilder,
  x: string,
  W: QuantizedMatrix,
  mode: ActivationQuantization,
): string {
  const Wq = g.init('Wq', 'int8', [W.rows, W.cols], W.q);
  const Ws = g.f32('W_scale', [W.cols], W.scales);
  if (mode === 'per-tensor') {
    const [xq, xs, xzp] = g.opN('DynamicQuantizeLinear', [x], 3);
    const acc = g.op('Cast', [g.op('MatMulInteger', [xq, Wq, xzp])], { to: attr.int(CAST.float) });
    return g.op('Mul', [acc, g.op('Mul', [xs, Ws])]);
  }
  const absMax = g.op('ReduceMax', [g.op('Abs', [x]), g.i64([1])], { keepdims: attr.int(0) });
  // The floor keeps an all-zero row finite (it quantizes to zeros either way).
  const rowScale = g.op('Max', [g.op('Mul', [absMax, g.scalar(1 / Q_MAX)]), g.scalar(1e-30)]);
  const zp = g.u8(128);
  const rowZp = g.op('Expand', [zp, g.op('Shape', [rowScale])]);
  const xq = g.op('QuantizeLinear', [x, rowScale, rowZp], { axis: attr.int(0) });
  const acc = g.op('Cast', [g.op('MatMulInteger', [xq, Wq, zp])], { to: attr.int(CAST.float) });
  return g.op('Mul', [g.op('Mul', [acc, g.op('Unsqueeze', [rowScale, g.i64([1])])]), Ws]);
}

/** Embedding lookup on a per-row int8 table: ids (int64, any shape) → [..., cols] float. */
export function quantizedGatherNodes(g: GraphBuilder, ids: string, table: QuantizedMatrix): string {
  const Tq = g.init('table_q', 'int8', [table.rows, table.cols], table.q);
  const Ts = g.f32('table_scale', [table.rows, 1], table.scales);
  const rows = g.op('Cast', [g.op('Gather', [Tq, ids])], { to: attr.int(CAST.float) });
  return g.op('Mul', [rows, g.op('Gather', [Ts, ids])]);
}
