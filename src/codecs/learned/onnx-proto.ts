// A minimal ONNX writer: just enough protobuf to describe a graph of nodes, raw-data initializers and typed
// inputs/outputs, so the onnxruntime backends can build their graphs from a model package's op lists
// (onnx-graph.ts) and the kernel benchmark its single-layer models (bench/kernels-onnx.ts) without Python.
// Field numbers from onnx/onnx.proto (proto2):
//   ModelProto{ir_version 1, producer_name 2, graph 7, opset_import 8}, OperatorSetIdProto{domain 1, version 2},
//   GraphProto{node 1, name 2, initializer 5, input 11, output 12},
//   NodeProto{input 1, output 2, name 3, op_type 4, attribute 5},
//   AttributeProto{name 1, f 2, i 3, s 4, ints 8, type 20},
//   TensorProto{dims 1, data_type 2, name 8, raw_data 9} (raw_data is little-endian),
//   ValueInfoProto{name 1, type 2}, TypeProto{tensor_type 1}, TypeProto.Tensor{elem_type 1, shape 2},
//   TensorShapeProto{dim 1}, Dimension{dim_value 1, dim_param 2}.

/** Protobuf writer. Sub-messages keep their parts: large raw data is copied once, by the outermost finish(). */
export class ProtoWriter {
  private parts: Uint8Array[] = [];
  private pending: number[] = [];
  private size = 0;

  private flush(): void {
    if (this.pending.length) {
      this.parts.push(Uint8Array.from(this.pending));
      this.pending = [];
    }
  }

  /** Non-negative integers below 2^53. */
  varint(v: number): this {
    if (!(Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER)) throw new RangeError(`varint ${v} is not a non-negative safe integer`);
    while (v >= 0x80) {
      this.pending.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
      this.size++;
    }
    this.pending.push(v);
    this.size++;
    return this;
  }

  tag(field: number, wire: 0 | 2 | 5): this {
    return this.varint(field * 8 + wire);
  }

  int(field: number, v: number): this {
    return this.tag(field, 0).varint(v);
  }

  /** A float32 field (wire type 5, fixed32 little-endian). */
  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    for (const x of b) this.pending.push(x);
    this.size += 4;
    return this;
  }

  /** A length-delimited field; `b` is kept, not copied, until the outermost finish(). */
  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2).varint(b.length);
    this.flush();
    this.parts.push(b);
    this.size += b.length;
    return this;
  }

  str(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  msg(field: number, m: ProtoWriter): this {
    m.flush();
    this.tag(field, 2).varint(m.size);
    this.flush();
    for (const p of m.parts) this.parts.push(p);
    this.size += m.size;
    return this;
  }

  get length(): number {
    return this.size;
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

/** TensorProto.DataType values used here. */
export const DT = { FLOAT: 1, INT8: 3, INT32: 6, INT64: 7, FLOAT16: 10 } as const;
export type DataType = (typeof DT)[keyof typeof DT];

export type AttrValue = { i: number } | { f: number } | { s: string } | { ints: readonly number[] };

export interface OnnxNode {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  attrs?: Record<string, AttrValue>;
}

export interface OnnxInitializer {
  name: string;
  type: DataType;
  dims: readonly number[];
  /** Little-endian element bytes (a view into the weights is fine: it is not copied until the model is finished). */
  raw: Uint8Array;
}

export interface OnnxValue {
  name: string;
  type: DataType;
  /** A number is a fixed size, a string a symbolic one (dim_param). */
  dims: readonly (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxInitializer[];
  inputs: readonly OnnxValue[];
  outputs: readonly OnnxValue[];
}

const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;

function attribute(name: string, v: AttrValue): ProtoWriter {
  const a = new ProtoWriter().str(1, name);
  if ('i' in v) return a.int(20, ATTR_INT).int(3, v.i);
  if ('f' in v) return a.int(20, ATTR_FLOAT).float(2, v.f);
  if ('s' in v) return a.int(20, ATTR_STRING).str(4, v.s);
  a.int(20, ATTR_INTS);
  for (const x of v.ints) a.int(8, x);
  return a;
}

const ELEMENT_BYTES: Record<DataType, number> = { [DT.FLOAT]: 4, [DT.INT8]: 1, [DT.INT32]: 4, [DT.INT64]: 8, [DT.FLOAT16]: 2 };

function tensor(t: OnnxInitializer): ProtoWriter {
  const n = t.dims.reduce((a, b) => a * b, 1);
  if (t.raw.length !== n * ELEMENT_BYTES[t.type]) throw new RangeError(`initializer ${t.name}: ${t.raw.length} bytes for dims [${t.dims.join(', ')}] of type ${t.type}`);
  const w = new ProtoWriter();
  for (const d of t.dims) w.int(1, d);
  return w.int(2, t.type).str(8, t.name).bytes(9, t.raw);
}

function valueInfo(v: OnnxValue): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims) shape.msg(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().str(2, d));
  const tt = new ProtoWriter().int(1, v.type).msg(2, shape);
  return new ProtoWriter().str(1, v.name).msg(2, new ProtoWriter().msg(1, tt));
}

function node(n: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.str(1, i);
  for (const o of n.outputs) w.str(2, o);
  if (n.name) w.str(3, n.name);
  w.str(4, n.op);
  for (const [k, v] of Object.entries(n.attrs ?? {})) w.msg(5, attribute(k, v));
  return w;
}

/** Serialized ModelProto (IR version 8, default-domain opset `opset`). */
export function onnxModel(g: OnnxGraph, producer = 'rdlab', opset = 17): Uint8Array {
  const graph = new ProtoWriter();
  for (const n of g.nodes) graph.msg(1, node(n));
  graph.str(2, g.name);
  for (const t of g.initializers) graph.msg(5, tensor(t));
  for (const v of g.inputs) graph.msg(11, valueInfo(v));
  for (const v of g.outputs) graph.msg(12, valueInfo(v));
  return new ProtoWriter().int(1, 8).str(2, producer).msg(7, graph).msg(8, new ProtoWriter().str(1, '').int(2, opset)).finish();
}

/** Little-endian bytes of typed values (raw_data). */
export function rawF32(v: ArrayLike<number>): Uint8Array {
  const b = new Uint8Array(4 * v.length);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < v.length; i++) dv.setFloat32(4 * i, v[i], true);
  return b;
}

export function rawI32(v: ArrayLike<number>): Uint8Array {
  const b = new Uint8Array(4 * v.length);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < v.length; i++) dv.setInt32(4 * i, v[i], true);
  return b;
}

export function rawI64(v: ArrayLike<number>): Uint8Array {
  const b = new Uint8Array(8 * v.length);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < v.length; i++) dv.setBigInt64(8 * i, BigInt(v[i]), true);
  return b;
}
