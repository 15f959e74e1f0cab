import { endianness } from 'node:os';
import {
  type Attribute,
  type ElemType,
  encodeModel,
  type Graph,
  type OnnxNode,
  type Tensor,
  type TensorData,
  type ValueInfo,
} from './onnx-proto.ts';

export type { Attribute, Dim, ElemType, Graph, OnnxNode, Tensor, ValueInfo } from './onnx-proto.ts';

/** Typed attribute constructors, so an int and a float with the same JS value are never confused. */
export const attr = {
  float: (value: number): Attribute => ({ kind: 'float', value }),
  int: (value: number | bigint): Attribute => ({ kind: 'int', value }),
  string: (value: string): Attribute => ({ kind: 'string', value }),
  tensor: (value: Tensor): Attribute => ({ kind: 'tensor', value }),
  graph: (value: Graph): Attribute => ({ kind: 'graph', value }),
  floats: (value: ArrayLike<number>): Attribute => ({ kind: 'floats', value }),
  ints: (value: ArrayLike<number | bigint>): Attribute => ({ kind: 'ints', value }),
  strings: (value: string[]): Attribute => ({ kind: 'strings', value }),
};

const BYTES_PER: Partial<Record<ElemType, number>> = {
  float: 4,
  double: 8,
  int8: 1,
  uint8: 1,
  bool: 1,
  int16: 2,
  uint16: 2,
  float16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
};

/** A tensor (initializer or attribute value), checking that the data matches type and dims. */
export function tensor(name: string, type: ElemType, dims: number[], data: TensorData): Tensor {
  const count = dims.reduce((a, b) => a * b, 1);
  const width = BYTES_PER[type];
  if (Array.isArray(data) !== (type === 'string')) throw new TypeError(`tensor ${name}: data does not fit ${type}`);
  const have = Array.isArray(data) ? data.length : data.byteLength / (width ?? 1);
  if (!Array.isArray(data) && width !== data.BYTES_PER_ELEMENT) {
    throw new TypeError(
      `tensor ${name}: ${data.constructor.name} holds ${data.BYTES_PER_ELEMENT}-byte values, not ${type}`,
    );
  }
  if (have !== count) throw new RangeError(`tensor ${name}: ${have} values for dims [${dims}] (${count})`);
  return { name, type, dims, data };
}

export interface ModelSpec {
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  nodes: OnnxNode[];
  initializers?: Tensor[];
  /** Operator set per domain, e.g. { '': 17, 'ai.onnx.ml': 3 }. */
  opsets: Record<string, number>;
  graphName?: string;
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  doc?: string;
  metadata?: Record<string, string>;
}

/**
 * Check what ONNX Runtime would otherwise reject with a less helpful message: every node input is produced
 * earlier (graph input, initializer or an earlier node: ONNX requires topological order), names are
 * produced once, every graph output is produced, and each node's domain has an opset.
 */
function checkGraph(spec: ModelSpec): void {
  const produced = new Set<string>();
  const define = (name: string, by: string) => {
    if (!name) throw new Error(`${by}: empty value name`);
    if (produced.has(name)) throw new Error(`${by}: value '${name}' is produced twice`);
    produced.add(name);
  };
  for (const v of spec.inputs) define(v.name, `graph input '${v.name}'`);
  for (const t of spec.initializers ?? []) define(t.name, `initializer '${t.name}'`);
  spec.nodes.forEach((n, i) => {
    const label = `node ${i} (${n.opType}${n.name ? ` '${n.name}'` : ''})`;
    if (spec.opsets[n.domain ?? ''] === undefined) throw new Error(`${label}: no opset for domain '${n.domain ?? ''}'`);
    for (const input of n.inputs) {
      if (input !== '' && !produced.has(input)) throw new Error(`${label}: input '${input}' is not defined before it`);
    }
    for (const output of n.outputs) define(output, label);
  });
  for (const o of spec.outputs)
    if (!produced.has(o.name)) throw new Error(`graph output '${o.name}' is never produced`);
}

/** Build and serialize an ONNX model. Generic: tree ensembles, Gemm/MatMul nets, LSTMs, quantized graphs. */
export function makeModel(spec: ModelSpec): Uint8Array {
  if (endianness() !== 'LE') throw new Error('ONNX raw_data is little-endian; this host is big-endian');
  checkGraph(spec);
  const graph: Graph = {
    name: spec.graphName ?? 'vigil',
    nodes: spec.nodes,
    inputs: spec.inputs,
    outputs: spec.outputs,
    initializers: spec.initializers,
  };
  return encodeModel(
    {
      irVersion: spec.irVersion ?? 8,
      opsets: spec.opsets,
      producerName: spec.producerName ?? 'vigil',
      producerVersion: spec.producerVersion ?? '0.1.0',
      doc: spec.doc,
      metadata: spec.metadata,
    },
    graph,
  );
}
