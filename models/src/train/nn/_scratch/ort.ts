import * as ort from 'onnxruntime-node';
import { attr, makeModel, tensor } from '../../../onnx/graph.ts';

async function tryRun(name: string, model: Uint8Array, feeds: Record<string, ort.Tensor>) {
  try {
    const s = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
    const out = await s.run(feeds);
    console.log(
      name,
      'OK',
      Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Array.from(v.data as Float32Array).slice(0, 6)])),
    );
  } catch (e) {
    console.log(name, 'FAIL', (e as Error).message);
  }
}
// per-row symmetric quant: QuantizeLinear axis 0 with scale [N]
{
  const model = makeModel({
    inputs: [{ name: 'x', type: 'float', shape: ['N', 2] }],
    outputs: [{ name: 'y', type: 'float', shape: ['N', 2] }],
    initializers: [
      tensor('Wq', 'int8', [2, 2], new Int8Array([10, -20, 30, 40])),
      tensor('Ws', 'float', [2], new Float32Array([0.05, 0.05])),
      tensor('c127', 'float', [], new Float32Array([1 / 127])),
      tensor('eps', 'float', [], new Float32Array([1e-12])),
      tensor('ax1', 'int64', [1], new BigInt64Array([1n])),
    ],
    nodes: [
      { opType: 'Abs', inputs: ['x'], outputs: ['ax'] },
      { opType: 'ReduceMax', inputs: ['ax', 'ax1'], outputs: ['m'], attributes: { keepdims: attr.int(0) } },
      { opType: 'Mul', inputs: ['m', 'c127'], outputs: ['s0'] },
      { opType: 'Max', inputs: ['s0', 'eps'], outputs: ['s'] },
      {
        opType: 'QuantizeLinear',
        inputs: ['x', 's'],
        outputs: ['xq'],
        attributes: { axis: attr.int(0), output_dtype: attr.int(3) },
      },
      { opType: 'MatMulInteger', inputs: ['xq', 'Wq'], outputs: ['acc'] },
      { opType: 'Cast', inputs: ['acc'], outputs: ['accf'], attributes: { to: attr.int(1) } },
      { opType: 'Unsqueeze', inputs: ['s', 'ax1'], outputs: ['s2'] },
      { opType: 'Mul', inputs: ['accf', 's2'], outputs: ['t'] },
      { opType: 'Mul', inputs: ['t', 'Ws'], outputs: ['y'] },
    ],
    opsets: { '': 21 },
  });
  await tryRun('perrow', model, { x: new ort.Tensor('float32', new Float32Array([1, 2, 3, -1]), [2, 2]) });
}
// LSTM op
{
  const H = 2,
    I = 3;
  const W = new Float32Array(4 * H * I).map((_, i) => Math.sin(i)),
    R = new Float32Array(4 * H * H).map((_, i) => Math.cos(i));
  const model = makeModel({
    inputs: [{ name: 'x', type: 'float', shape: [1, 'N', I] }],
    outputs: [{ name: 'Y_h', type: 'float' }],
    initializers: [tensor('W', 'float', [1, 4 * H, I], W), tensor('R', 'float', [1, 4 * H, H], R)],
    nodes: [
      { opType: 'LSTM', inputs: ['x', 'W', 'R'], outputs: ['Yall', 'Y_h'], attributes: { hidden_size: attr.int(H) } },
    ],
    opsets: { '': 17 },
  });
  await tryRun('lstm', model, { x: new ort.Tensor('float32', new Float32Array([1, 2, 3]), [1, 1, 3]) });
  const Wq = new Int8Array(4 * H * I).map((_, i) => i),
    Rq = new Int8Array(4 * H * H).map((_, i) => i);
  const qmodel = makeModel({
    inputs: [{ name: 'x', type: 'float', shape: [1, 'N', I] }],
    outputs: [{ name: 'Y_h', type: 'float' }],
    initializers: [
      tensor('W', 'int8', [1, I, 4 * H], Wq),
      tensor('R', 'int8', [1, H, 4 * H], Rq),
      tensor('Ws', 'float', [1], new Float32Array([0.01])),
      tensor('Wz', 'int8', [1], new Int8Array([0])),
      tensor('Rs', 'float', [1], new Float32Array([0.01])),
      tensor('Rz', 'int8', [1], new Int8Array([0])),
    ],
    nodes: [
      {
        opType: 'DynamicQuantizeLSTM',
        domain: 'com.microsoft',
        inputs: ['x', 'W', 'R', '', '', '', '', '', 'Ws', 'Wz', 'Rs', 'Rz'],
        outputs: ['Yall', 'Y_h'],
        attributes: { hidden_size: attr.int(H) },
      },
    ],
    opsets: { '': 17, 'com.microsoft': 1 },
  });
  await tryRun('dqlstm', qmodel, { x: new ort.Tensor('float32', new Float32Array([1, 2, 3]), [1, 1, 3]) });
}
console.log(ort.env.versions);
