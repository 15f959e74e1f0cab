import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../train/nn/random.ts';
import { attr } from '../graph.ts';
import { GraphBuilder } from './graph-builder.ts';
import { lstmStackNodes, onnxGateMatrix, onnxLstmBias, reorderGateColumns } from './lstm-graph.ts';
import { lstmStackReference, lstmStep } from './lstm-reference.ts';
import type { LstmParams } from './types.ts';

function randomLstm(inDim: number, units: number, seed: number): LstmParams {
  const rng = mulberry32(seed);
  const r = (n: number, scale: number) => Float32Array.from({ length: n }, () => (2 * rng() - 1) * scale);
  return {
    inDim,
    units,
    kernel: r(inDim * 4 * units, 0.8),
    recurrent: r(units * 4 * units, 0.8),
    bias: r(4 * units, 0.5),
  };
}

/** Swap two Keras gate blocks (0 = i, 1 = f, 2 = c, 3 = o) in every weight: what a wrong converter would do. */
function swapGates(p: LstmParams, a: number, b: number): LstmParams {
  const H = p.units;
  const swap = (m: Float32Array, rows: number) => {
    const out = Float32Array.from(m);
    for (let r = 0; r < rows; r++) {
      out.set(m.subarray(r * 4 * H + a * H, r * 4 * H + (a + 1) * H), r * 4 * H + b * H);
      out.set(m.subarray(r * 4 * H + b * H, r * 4 * H + (b + 1) * H), r * 4 * H + a * H);
    }
    return out;
  };
  return { ...p, kernel: swap(p.kernel, p.inDim), recurrent: swap(p.recurrent, H), bias: swap(p.bias, 1) };
}

async function runStack(layers: LstmParams[], xs: Float32Array, N: number, T: number, int8: boolean, bits: 7 | 8 = 7) {
  const I = layers[0].inDim;
  const g = new GraphBuilder();
  const timeMajor = g.op('Transpose', ['x'], { perm: attr.ints([1, 0, 2]) });
  g.output(lstmStackNodes(g, timeMajor, layers, int8 ? { weightBits: bits } : undefined), 'h');
  const model = g.build({
    inputs: [{ name: 'x', type: 'float', shape: ['N', T, I] }],
    outputs: [{ name: 'h', type: 'float', shape: ['N', layers.at(-1)!.units] }],
  });
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  try {
    return (await session.run({ x: new ort.Tensor('float32', xs, [N, T, I]) })).h.data as Float32Array;
  } finally {
    await session.release();
  }
}

function reference(layers: LstmParams[], xs: Float32Array, N: number, T: number): Float64Array[] {
  const I = layers[0].inDim;
  return Array.from({ length: N }, (_, n) =>
    lstmStackReference(
      layers,
      Array.from({ length: T }, (_, t) => xs.subarray((n * T + t) * I, (n * T + t + 1) * I)),
    ),
  );
}

function maxDiff(got: Float32Array, want: Float64Array[]): number {
  const H = want[0].length;
  let max = 0;
  want.forEach((row, n) => {
    row.forEach((v, j) => {
      max = Math.max(max, Math.abs(got[n * H + j] - v));
    });
  });
  return max;
}

const inputs = (n: number, seed: number) => {
  const rng = mulberry32(seed);
  return Float32Array.from({ length: n }, () => 2 * rng() - 1);
};

describe('Keras → ONNX LSTM gate conversion', () => {
  it('moves Keras gate blocks (i, f, c, o) to ONNX order (i, o, f, c) and transposes', () => {
    const H = 2;
    const rows = 3;
    const keras = Float32Array.from({ length: rows * 4 * H }, (_, k) => 10 * Math.floor((k % (4 * H)) / H) + (k % H));
    const reordered = reorderGateColumns(keras, rows, H);
    expect(Array.from(reordered.subarray(0, 4 * H))).toEqual([0, 1, 30, 31, 10, 11, 20, 21]);
    const onnx = onnxGateMatrix(keras, rows, H); // [4H, rows]
    for (let c = 0; c < 4 * H; c++)
      for (let r = 0; r < rows; r++) expect(onnx[c * rows + r]).toBe(reordered[r * 4 * H + c]);
    const B = onnxLstmBias(Float32Array.from([1, 1, 2, 2, 3, 3, 4, 4]), H);
    expect(Array.from(B)).toEqual([1, 1, 4, 4, 2, 2, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('one ONNX LSTM step equals the hand-computed Keras step', async () => {
    const p = randomLstm(3, 4, 1);
    const x = inputs(3, 2);
    const got = await runStack([p], x, 1, 1, false);
    const [want] = lstmStep(p, x, new Float64Array(4), new Float64Array(4));
    expect(maxDiff(got, [want])).toBeLessThan(1e-6);
  });

  it('a 2-layer stack over 5 steps matches the reference for a batch', async () => {
    const layers = [randomLstm(3, 4, 3), randomLstm(4, 5, 4)];
    const x = inputs(6 * 5 * 3, 5);
    const got = await runStack(layers, x, 6, 5, false);
    expect(maxDiff(got, reference(layers, x, 6, 5))).toBeLessThan(1e-5);
  });

  it('fails loudly when any two gates are swapped (the test can catch a wrong order)', async () => {
    const p = randomLstm(3, 4, 6);
    const x = inputs(4 * 3 * 3, 7);
    const want = reference([p], x, 4, 3);
    for (const [a, b] of [
      [1, 3],
      [0, 2],
      [1, 2],
      [0, 3],
    ]) {
      const wrong = await runStack([swapGates(p, a, b)], x, 4, 3, false);
      expect(maxDiff(wrong, want), `gates ${a}<->${b}`).toBeGreaterThan(1e-2);
    }
  });

  it('DynamicQuantizeLSTM results depend on the batch (per-tensor activation quantization); float ones do not', async () => {
    const layers = [randomLstm(3, 6, 12)];
    const row = inputs(3 * 3, 13);
    const batch = new Float32Array(2 * 3 * 3).fill(9); // a loud neighbour widens the batch's quantization range
    batch.set(row, 0);
    for (const int8 of [false, true]) {
      const alone = await runStack(layers, row, 1, 3, int8);
      const together = (await runStack(layers, batch, 2, 3, int8)).subarray(0, 6);
      const diff = Math.max(...Array.from(alone, (v, j) => Math.abs(v - together[j])));
      if (int8) expect(diff).toBeGreaterThan(1e-5);
      else expect(diff).toBe(0);
    }
  });

  it('the int8 DynamicQuantizeLSTM path keeps the gate order and stays close to float', async () => {
    const layers = [randomLstm(3, 8, 8), randomLstm(8, 8, 9)];
    const x = inputs(16 * 4 * 3, 10);
    const want = reference(layers, x, 16, 4);
    expect(maxDiff(await runStack(layers, x, 16, 4, true), want)).toBeLessThan(3e-2);
    const single = [randomLstm(3, 8, 11)];
    const wantSingle = reference(single, x, 16, 4);
    const quantError = maxDiff(await runStack(single, x, 16, 4, true), wantSingle);
    const swapError = maxDiff(await runStack([swapGates(single[0], 1, 3)], x, 16, 4, true), wantSingle);
    expect(quantError).toBeLessThan(3e-2);
    expect(swapError).toBeGreaterThan(10 * quantError);
  });
});
