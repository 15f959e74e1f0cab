import { type Attribute, makeModel, type OnnxNode, type Tensor, tensor, type ValueInfo } from '../graph.ts';
import type { ElemType, TensorData } from '../onnx-proto.ts';

/** Opset of every NN graph: 21 for QuantizeLinear's output_dtype (per-row int8 activations) and ReduceX axes inputs. */
export const NN_OPSETS = { '': 21, 'com.microsoft': 1 } as const;

/** TensorProto.DataType codes for Cast's `to`. */
export const CAST = { float: 1, int8: 3, int32: 6, int64: 7 } as const;

/**
 * Accumulates nodes and initializers with generated unique names, so graph code reads as data flow:
 * `const h = g.op('Relu', [g.op('MatMul', [x, w])])`. Names are prefix + counter; never from user input.
 */
export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: Tensor[] = [];
  private counter = 0;
  private readonly consts = new Map<string, string>();

  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  init(prefix: string, type: ElemType, dims: number[], data: TensorData): string {
    const name = this.fresh(prefix);
    this.initializers.push(tensor(name, type, dims, data));
    return name;
  }

  f32(prefix: string, dims: number[], data: ArrayLike<number>): string {
    return this.init(prefix, 'float', dims, Float32Array.from(data));
  }

  /** A shared float scalar (or int64 vector) constant, created once per value. */
  scalar(value: number): string {
    const key = `f:${value}`;
    let name = this.consts.get(key);
    if (!name) this.consts.set(key, (name = this.init('c', 'float', [], new Float32Array([value]))));
    return name;
  }

  /** A shared uint8 scalar constant (quantization zero points). */
  u8(value: number): string {
    const key = `u8:${value}`;
    let name = this.consts.get(key);
    if (!name) this.consts.set(key, (name = this.init('zp', 'uint8', [], new Uint8Array([value]))));
    return name;
  }

  i64(values: number[]): string {
    const key = `i:${values.join(',')}`;
    let name = this.consts.get(key);
    if (!name) {
      name = this.init('axes', 'int64', [values.length], BigInt64Array.from(values.map(BigInt)));
      this.consts.set(key, name);
    }
    return name;
  }

  /** Add a node with one output; returns the output name. */
  op(opType: string, inputs: string[], attributes?: Record<string, Attribute>, domain?: string): string {
    return this.opN(opType, inputs, 1, attributes, domain)[0];
  }

  /** Add a node with `nOutputs` named outputs. */
  opN(
    opType: string,
    inputs: string[],
    nOutputs: number,
    attributes?: Record<string, Attribute>,
    domain?: string,
  ): string[] {
    const outputs = Array.from({ length: nOutputs }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push({ opType, inputs, outputs, ...(attributes ? { attributes } : {}), ...(domain ? { domain } : {}) });
    return outputs;
  }

  /** Rename a value to a graph output name with Identity (keeps generated names internal). */
  output(value: string, name: string): void {
    this.nodes.push({ opType: 'Identity', inputs: [value], outputs: [name] });
  }

  build(opts: {
    inputs: ValueInfo[];
    outputs: ValueInfo[];
    doc?: string;
    metadata?: Record<string, string>;
    graphName?: string;
  }): Uint8Array {
    const usesContrib = this.nodes.some((n) => n.domain === 'com.microsoft');
    return makeModel({
      inputs: opts.inputs,
      outputs: opts.outputs,
      nodes: this.nodes,
      initializers: this.initializers,
      opsets: usesContrib ? { ...NN_OPSETS } : { '': NN_OPSETS[''] },
      graphName: opts.graphName,
      doc: opts.doc,
      metadata: opts.metadata,
    });
  }
}
