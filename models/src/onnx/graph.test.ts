import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { attr, makeModel, tensor } from './graph.ts';

async function run(model: Uint8Array, feeds: Record<string, ort.Tensor>) {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

describe('makeModel (generic graphs run in ONNX Runtime)', () => {
  it('runs Gemm → Relu → Softmax(axis=-1) with a dynamic batch', async () => {
    const W = new Float32Array([1, -1, 2, 0.5, 0, -3]); // [3, 2]
    const b = new Float32Array([0.1, -0.2]);
    const model = makeModel({
      inputs: [{ name: 'x', type: 'float', shape: ['N', 3] }],
      outputs: [{ name: 'y', type: 'float', shape: ['N', 2] }],
      initializers: [tensor('W', 'float', [3, 2], W), tensor('b', 'float', [2], b)],
      nodes: [
        { opType: 'Gemm', inputs: ['x', 'W', 'b'], outputs: ['h'], attributes: { alpha: attr.float(1) } },
        { opType: 'Relu', inputs: ['h'], outputs: ['r'] },
        { opType: 'Softmax', inputs: ['r'], outputs: ['y'], attributes: { axis: attr.int(-1) } },
      ],
      opsets: { '': 17 },
    });
    const x = new Float32Array([1, 2, 3, -1, 0, 1]);
    const y = (await run(model, { x: new ort.Tensor('float32', x, [2, 3]) })).y.data as Float32Array;
    for (let r = 0; r < 2; r++) {
      const h = [0, 1].map((j) => Math.max(0, b[j] + [0, 1, 2].reduce((s, k) => s + x[r * 3 + k] * W[k * 2 + j], 0)));
      const z = h.map((v) => Math.exp(v));
      const sum = z[0] + z[1];
      expect(y[r * 2]).toBeCloseTo(z[0] / sum, 6);
      expect(y[r * 2 + 1]).toBeCloseTo(z[1] / sum, 6);
    }
  });

  it('runs an int8 dynamic-quantized MatMul (DynamicQuantizeLinear + MatMulInteger)', async () => {
    const Wq = new Int8Array([10, -20, 30, 40]); // [2, 2], scale 0.05 → [[0.5, -1], [1.5, 2]]
    const model = makeModel({
      inputs: [{ name: 'x', type: 'float', shape: ['N', 2] }],
      outputs: [{ name: 'y', type: 'float', shape: ['N', 2] }],
      initializers: [
        tensor('Wq', 'int8', [2, 2], Wq),
        tensor('Wzp', 'int8', [], new Int8Array([0])),
        tensor('Ws', 'float', [], new Float32Array([0.05])),
      ],
      nodes: [
        { opType: 'DynamicQuantizeLinear', inputs: ['x'], outputs: ['xq', 'xs', 'xzp'] },
        { opType: 'MatMulInteger', inputs: ['xq', 'Wq', 'xzp', 'Wzp'], outputs: ['acc'] },
        { opType: 'Cast', inputs: ['acc'], outputs: ['accf'], attributes: { to: attr.int(1) } },
        { opType: 'Mul', inputs: ['xs', 'Ws'], outputs: ['scale'] },
        { opType: 'Mul', inputs: ['accf', 'scale'], outputs: ['y'] },
      ],
      opsets: { '': 17 },
    });
    const y = (await run(model, { x: new ort.Tensor('float32', new Float32Array([1, 2]), [1, 2]) })).y.data;
    expect(y[0]).toBeCloseTo(1 * 0.5 + 2 * 1.5, 1);
    expect(y[1]).toBeCloseTo(1 * -1 + 2 * 2, 1);
  });

  it('names the node and value when a graph is malformed', () => {
    const base = {
      inputs: [{ name: 'x', type: 'float' as const, shape: ['N', 2] }],
      outputs: [{ name: 'y', type: 'float' as const }],
      opsets: { '': 17 },
    };
    expect(() => makeModel({ ...base, nodes: [{ opType: 'Relu', inputs: ['z'], outputs: ['y'] }] })).toThrow(
      /node 0 \(Relu\): input 'z' is not defined/,
    );
    expect(() => makeModel({ ...base, nodes: [{ opType: 'Relu', inputs: ['x'], outputs: ['x'] }] })).toThrow(
      /'x' is produced twice/,
    );
    const mlNode = { opType: 'Normalizer', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['y'] };
    expect(() => makeModel({ ...base, nodes: [mlNode] })).toThrow(/no opset for domain 'ai.onnx.ml'/);
    expect(() => makeModel({ ...base, nodes: [] })).toThrow(/graph output 'y' is never produced/);
    expect(() => tensor('t', 'float', [2, 2], new Float32Array(3))).toThrow(/3 values for dims \[2,2\]/);
    expect(() => tensor('t', 'int8', [2], new Float32Array(2))).toThrow(/not int8/);
  });
});
