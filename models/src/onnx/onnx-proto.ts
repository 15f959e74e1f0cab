import { ProtoWriter } from './protobuf.ts';

/*
 * ONNX message encoders for the ModelProto subset Vigil emits. Field numbers are from onnx/onnx.proto3
 * (ModelProto, GraphProto, NodeProto, AttributeProto, ValueInfoProto, TypeProto, TensorShapeProto,
 * TensorProto, OperatorSetIdProto, StringStringEntryProto).
 */

/** TensorProto.DataType values. */
export const DataType = {
  float: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  float16: 10,
  double: 11,
  uint32: 12,
  uint64: 13,
} as const;
export type ElemType = keyof typeof DataType;

export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | string[];

export interface Tensor {
  name: string;
  type: ElemType;
  dims: number[];
  /** Row-major values; typed arrays go to raw_data (little-endian), strings to string_data. */
  data: TensorData;
}

/** A dimension: a number is fixed, a string is a symbolic (dynamic) dimension such as 'N'. */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  type: ElemType;
  /** Omit for an unknown rank. */
  shape?: Dim[];
  doc?: string;
}

export type Attribute =
  | { kind: 'float'; value: number }
  | { kind: 'int'; value: number | bigint }
  | { kind: 'string'; value: string }
  | { kind: 'tensor'; value: Tensor }
  | { kind: 'graph'; value: Graph }
  | { kind: 'floats'; value: ArrayLike<number> }
  | { kind: 'ints'; value: ArrayLike<number | bigint> }
  | { kind: 'strings'; value: string[] };

export interface OnnxNode {
  opType: string;
  /** '' = the default ONNX domain. */
  domain?: string;
  name?: string;
  /** '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, Attribute>;
  doc?: string;
}

export interface Graph {
  name: string;
  nodes: OnnxNode[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers?: Tensor[];
  valueInfo?: ValueInfo[];
  doc?: string;
}

export interface ModelInfo {
  irVersion: number;
  opsets: Record<string, number>;
  producerName: string;
  producerVersion: string;
  modelVersion?: number;
  doc?: string;
  metadata?: Record<string, string>;
}

const ATTR_TYPE = { float: 1, int: 2, string: 3, tensor: 4, graph: 5, floats: 6, ints: 7, strings: 8 } as const;
const utf8 = new TextEncoder();

function writeTensor(w: ProtoWriter, t: Tensor): void {
  w.packedInt64(1, t.dims);
  w.int64(2, DataType[t.type]);
  w.string(8, t.name);
  if (Array.isArray(t.data)) {
    if (t.type !== 'string') throw new TypeError(`tensor ${t.name}: string data for type ${t.type}`);
    for (const s of t.data) w.bytes(6, utf8.encode(s));
  } else {
    const d = t.data;
    w.bytes(9, new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  }
}

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int64(1, DataType[v.type]);
      const shape = v.shape;
      if (shape) {
        tensor.message(2, (s) => {
          for (const d of shape) s.message(1, (dim) => (typeof d === 'number' ? dim.int64(1, d) : dim.string(2, d)));
        });
      }
    }),
  );
  if (v.doc) w.string(3, v.doc);
}

function writeAttribute(w: ProtoWriter, name: string, a: Attribute): void {
  w.string(1, name);
  w.int64(20, ATTR_TYPE[a.kind]);
  switch (a.kind) {
    case 'float':
      w.float(2, a.value);
      break;
    case 'int':
      w.int64(3, a.value);
      break;
    case 'string':
      w.string(4, a.value);
      break;
    case 'tensor':
      w.message(5, (t) => writeTensor(t, a.value));
      break;
    case 'graph':
      w.message(6, (g) => writeGraph(g, a.value));
      break;
    case 'floats':
      w.packedFloat(7, a.value);
      break;
    case 'ints':
      w.packedInt64(8, a.value);
      break;
    case 'strings':
      for (const s of a.value) w.string(9, s);
      break;
  }
}

function writeNode(w: ProtoWriter, n: OnnxNode): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.opType);
  for (const [key, value] of Object.entries(n.attributes ?? {})) w.message(5, (a) => writeAttribute(a, key, value));
  if (n.doc) w.string(6, n.doc);
  if (n.domain) w.string(7, n.domain);
}

export function writeGraph(w: ProtoWriter, g: Graph): void {
  for (const n of g.nodes) w.message(1, (m) => writeNode(m, n));
  w.string(2, g.name);
  for (const t of g.initializers ?? []) w.message(5, (m) => writeTensor(m, t));
  if (g.doc) w.string(10, g.doc);
  for (const v of g.inputs) w.message(11, (m) => writeValueInfo(m, v));
  for (const v of g.outputs) w.message(12, (m) => writeValueInfo(m, v));
  for (const v of g.valueInfo ?? []) w.message(13, (m) => writeValueInfo(m, v));
}

/** Serialize a ModelProto. */
export function encodeModel(info: ModelInfo, graph: Graph): Uint8Array {
  const w = new ProtoWriter();
  w.int64(1, info.irVersion);
  w.string(2, info.producerName);
  w.string(3, info.producerVersion);
  if (info.modelVersion !== undefined) w.int64(5, info.modelVersion);
  if (info.doc) w.string(6, info.doc);
  w.message(7, (m) => writeGraph(m, graph));
  for (const [domain, version] of Object.entries(info.opsets)) {
    w.message(8, (m) => {
      m.string(1, domain);
      m.int64(2, version);
    });
  }
  for (const [key, value] of Object.entries(info.metadata ?? {})) {
    w.message(14, (m) => {
      m.string(1, key);
      m.string(2, value);
    });
  }
  return w.finish();
}
