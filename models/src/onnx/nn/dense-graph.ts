import type { GraphBuilder } from './graph-builder.ts';
import { type QuantizeOptions, quantizeColumns, quantizedMatMulNodes, weightQMax } from './quantize.ts';
import type { DenseParams } from './types.ts';

export function checkDense(p: DenseParams, where: string): void {
  if (p.kernel.length !== p.inDim * p.outDim) {
    throw new RangeError(`${where}: kernel has ${p.kernel.length} values, expected ${p.inDim}×${p.outDim}`);
  }
  if (p.bias && p.bias.length !== p.outDim) {
    throw new RangeError(`${where}: bias has ${p.bias.length} values, expected ${p.outDim}`);
  }
}

/** x [N, inDim] → act(x · kernel + bias) [N, outDim]; int8 weights when `quantize` is given. */
export function denseNodes(g: GraphBuilder, x: string, p: DenseParams, quantize?: QuantizeOptions): string {
  checkDense(p, 'dense layer');
  let y = quantize
    ? quantizedMatMulNodes(
        g,
        x,
        quantizeColumns(p.kernel, p.inDim, p.outDim, weightQMax(quantize)),
        quantize.activations ?? 'per-row',
      )
    : g.op('MatMul', [x, g.f32('W', [p.inDim, p.outDim], p.kernel)]);
  if (p.bias) y = g.op('Add', [y, g.f32('b', [p.outDim], p.bias)]);
  if (p.activation === 'relu') return g.op('Relu', [y]);
  if (p.activation === 'tanh') return g.op('Tanh', [y]);
  return y;
}

/** A chain of dense layers, checking that widths connect. */
export function denseStackNodes(g: GraphBuilder, x: string, layers: DenseParams[], quantize?: QuantizeOptions): string {
  let h = x;
  layers.forEach((p, i) => {
    checkDense(p, `dense layer ${i}`);
    if (i > 0 && p.inDim !== layers[i - 1].outDim) {
      throw new RangeError(`dense layer ${i}: inDim ${p.inDim} but layer ${i - 1} outputs ${layers[i - 1].outDim}`);
    }
    h = denseNodes(g, h, p, quantize);
  });
  return h;
}
