import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../onnx/nn/graph-builder.ts';
import { scalerNodes } from '../../onnx/nn/preprocess-graph.ts';
import { type ScalerParams, scaledWidth } from '../../onnx/nn/types.ts';
import { fitScaler, signedLog1p, transformRows } from './scaler.ts';
import { syntheticRows } from './test-data.ts';

async function graphTransform(s: ScalerParams, x: Float32Array, shape: number[]): Promise<Float32Array> {
  const g = new GraphBuilder();
  g.output(scalerNodes(g, 'x', s), 'y');
  const model = g.build({
    inputs: [{ name: 'x', type: 'float', shape: shape.map((d, i) => (i === shape.length - 1 ? d : `d${i}`)) }],
    outputs: [{ name: 'y', type: 'float' }],
  });
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  try {
    return (await session.run({ x: new ort.Tensor('float32', x, shape) })).y.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('robust scaler', () => {
  it('centres on the median and scales by IQR/1.349 in signed-log space', () => {
    const col = [0, 1, 2, 3, 4, 5, 6, 7, 8, 1000];
    const s = fitScaler({ data: Float32Array.from(col), rows: col.length, cols: 1 });
    const logged = col.map(signedLog1p).sort((a, b) => a - b);
    const q = (p: number) => {
      const pos = p * (logged.length - 1);
      const lo = Math.floor(pos);
      return logged[lo] + (logged[lo + 1] - logged[lo]) * (pos - lo);
    };
    expect(s.center[0]).toBeCloseTo(q(0.5), 5);
    expect(s.scale[0]).toBeCloseTo((q(0.75) - q(0.25)) / 1.349, 5);
    expect(s.indicators).toEqual([]);
  });

  it('falls back to std, then 1, and floors the scale; indicators only where training had NaN', () => {
    const rows = 200;
    const data = new Float32Array(rows * 3);
    for (let r = 0; r < rows; r++) {
      data[r * 3] = r === 0 ? 5 : 0; // IQR 0 → std, floored at minScale
      data[r * 3 + 1] = 7; // constant → scale 1
      data[r * 3 + 2] = r % 10 === 0 ? Number.NaN : r;
    }
    const s = fitScaler({ data, rows, cols: 3 }, { minScale: 0.5 });
    expect(s.scale[0]).toBe(0.5);
    expect(s.scale[1]).toBe(1);
    expect(s.indicators).toEqual([2]);
    expect(fitScaler({ data, rows, cols: 3 }, { missingIndicators: 'none' }).indicators).toEqual([]);
  });

  it('names the bad config key and the bad feature index', () => {
    const m = { data: new Float32Array(4), rows: 2, cols: 2 };
    expect(() => fitScaler(m, { clip: -1 } as never)).toThrow(/scaler config: clip/);
    expect(() => fitScaler(m, { colour: 1 } as never)).toThrow(/scaler config/);
    expect(() => fitScaler(m, { linear: [5] })).toThrow(/linear names feature 5, outside 0..1/);
  });

  it('the ONNX scaler equals the TypeScript transform on hostile values, for rows and sequences', async () => {
    const train = syntheticRows(400, 6, 1).rows;
    const s = fitScaler(train, { linear: [3], clip: 4 }, ['a', 'b', 'c', 'd', 'e', 'f']);
    expect(s.indicators).toEqual([1, 2]);
    const probe = syntheticRows(50, 6, 2).rows.data;
    const hostile = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, -0, 1e30, -1e30, 3.4e38];
    hostile.forEach((v, i) => {
      probe[i * 7] = v;
    });
    const want = transformRows(s, probe, 50);
    const D = scaledWidth(s);
    expect(want.length).toBe(50 * D);
    expect(want.every((v) => Number.isFinite(v) && Math.abs(v) <= 4)).toBe(true);
    for (const shape of [
      [50, 6],
      [10, 5, 6],
    ]) {
      const got = await graphTransform(s, probe, shape);
      expect(got.length).toBe(want.length);
      let max = 0;
      for (let i = 0; i < got.length; i++) max = Math.max(max, Math.abs(got[i] - want[i]));
      expect(max).toBeLessThan(1e-5);
    }
  });
});
