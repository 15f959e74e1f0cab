import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { mulberry32, normal } from '../../train/nn/random.ts';
import { attr } from '../graph.ts';
import { denseNodes } from './dense-graph.ts';
import { CAST, GraphBuilder } from './graph-builder.ts';
import { type QuantizeOptions, quantizeColumns, quantizedGatherNodes, quantizeRows } from './quantize.ts';

const gaussian = (n: number, seed: number, scale = 1) => {
  const rng = mulberry32(seed);
  return Float32Array.from({ length: n }, () => normal(rng) * scale);
};

function denseModel(K: number, M: number, kernel: Float32Array, quant?: QuantizeOptions): Uint8Array {
  const g = new GraphBuilder();
  g.output(
    denseNodes(
      g,
      'x',
      { inDim: K, outDim: M, kernel, bias: new Float32Array(M).fill(0.1), activation: 'linear' },
      quant,
    ),
    'y',
  );
  return g.build({
    inputs: [{ name: 'x', type: 'float', shape: ['N', K] }],
    outputs: [{ name: 'y', type: 'float', shape: ['N', M] }],
  });
}

async function run(model: Uint8Array, x: Float32Array, shape: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  try {
    return (await session.run({ x: new ort.Tensor('float32', x, shape) })).y.data as Float32Array;
  } finally {
    await session.release();
  }
}

const relError = (a: Float32Array, b: Float32Array) => {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
};

describe('int8 weight quantization', () => {
  it('is symmetric per column with error at most half a step', () => {
    const W = gaussian(64 * 8, 1);
    for (let r = 0; r < 64; r++) W[r * 8 + 3] = 0; // an all-zero column
    W[5 * 8 + 1] = 40; // one large weight must not flatten the other columns
    const q = quantizeColumns(W, 64, 8);
    expect(q.scales[3]).toBe(1);
    expect(q.scales[1]).toBeCloseTo(40 / 127, 6);
    expect(q.scales[0]).toBeLessThan(0.05);
    for (let i = 0; i < W.length; i++) {
      expect(Math.abs(q.q[i])).toBeLessThanOrEqual(127);
      expect(Math.abs(W[i] - q.q[i] * q.scales[i % 8])).toBeLessThanOrEqual(q.scales[i % 8] / 2 + 1e-7);
    }
    expect(quantizeRows(W, 64, 8).scales).toHaveLength(64);
    const reduced = quantizeColumns(W, 64, 8, 63);
    expect(Math.max(...Array.from(reduced.q, Math.abs))).toBe(63);
    expect(reduced.scales[1]).toBeCloseTo(40 / 63, 6);
    W[7] = Number.NaN;
    expect(() => quantizeColumns(W, 64, 8)).toThrow(/non-finite weight at index 7/);
  });
});

describe('int8 dense layer in ONNX Runtime', () => {
  const K = 48;
  const M = 24;
  const W = gaussian(K * M, 2, 0.3);
  const x = gaussian(64 * K, 3);

  it('8-bit weights are closer to float than the default 7-bit (reduce-range) ones', async () => {
    const float = await run(denseModel(K, M, W), x, [64, K]);
    const seven = relError(await run(denseModel(K, M, W, {}), x, [64, K]), float);
    const eight = relError(await run(denseModel(K, M, W, { weightBits: 8 }), x, [64, K]), float);
    expect(eight).toBeLessThan(seven);
    expect(seven).toBeLessThan(0.02);
  });

  for (const mode of ['per-row', 'per-tensor'] as const) {
    it(`${mode} activations stay within 2% of the float layer`, async () => {
      const float = await run(denseModel(K, M, W), x, [64, K]);
      const int8 = await run(denseModel(K, M, W, { activations: mode }), x, [64, K]);
      expect(relError(int8, float)).toBeLessThan(0.02);
    });
  }

  it('per-row results do not depend on the other rows in the batch; per-tensor ones do', async () => {
    const batch = Float32Array.from(x.subarray(0, 4 * K));
    batch.fill(50, K, 2 * K); // a loud neighbour
    const alone = x.subarray(0, K);
    const perRowBatch = await run(denseModel(K, M, W, { activations: 'per-row' }), batch, [4, K]);
    const perRowAlone = await run(denseModel(K, M, W, { activations: 'per-row' }), alone, [1, K]);
    expect(Array.from(perRowBatch.subarray(0, M))).toEqual(Array.from(perRowAlone));
    const perTensorBatch = await run(denseModel(K, M, W, { activations: 'per-tensor' }), batch, [4, K]);
    const perTensorAlone = await run(denseModel(K, M, W, { activations: 'per-tensor' }), alone, [1, K]);
    expect(relError(perTensorBatch.subarray(0, M), perTensorAlone)).toBeGreaterThan(1e-3);
  });

  it('a realistically sized layer (1024 × 1024) is ≥ 3.9× smaller in int8', () => {
    const big = gaussian(1024 * 1024, 4, 0.05);
    const float = denseModel(1024, 1024, big).length;
    const int8 = denseModel(1024, 1024, big, {}).length;
    expect(float / int8).toBeGreaterThan(3.9);
  });
});

describe('int8 embedding lookup', () => {
  it('gathers per-token int8 rows close to the float table', async () => {
    const V = 20;
    const E = 6;
    const table = gaussian(V * E, 5, 0.2);
    const g = new GraphBuilder();
    const ids = g.op('Cast', ['ids'], { to: attr.int(CAST.int64) });
    g.output(quantizedGatherNodes(g, ids, quantizeRows(table, V, E)), 'y');
    const model = g.build({
      inputs: [{ name: 'ids', type: 'float', shape: ['N', 3] }],
      outputs: [{ name: 'y', type: 'float', shape: ['N', 3, E] }],
    });
    const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
    const idList = [0, 7, 19, 3, 3, 12];
    const y = (await session.run({ ids: new ort.Tensor('float32', Float32Array.from(idList), [2, 3]) })).y
      .data as Float32Array;
    await session.release();
    idList.forEach((id, k) => {
      for (let e = 0; e < E; e++) expect(Math.abs(y[k * E + e] - table[id * E + e])).toBeLessThan(0.01);
    });
  });
});
