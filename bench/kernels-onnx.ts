// Minimal ONNX (protobuf) writer for the single-layer models of the kernel benchmark: Conv, optionally followed
// by DepthToSpace (mode CRD = PyTorch PixelShuffle). Built in JS so `npm run bench:kernels` needs no Python.
// Field numbers from onnx/onnx.proto (proto2): ModelProto{ir_version 1, graph 7, opset_import 8, producer_name 2},
// GraphProto{node 1, name 2, initializer 5, input 11, output 12}, NodeProto{input 1, output 2, name 3, op_type 4,
// attribute 5}, AttributeProto{name 1, i 3, s 4, ints 8, type 20}, TensorProto{dims 1, data_type 2, name 8,
// raw_data 9}, ValueInfoProto{name 1, type 2}, TypeProto{tensor_type 1}, Tensor{elem_type 1, shape 2},
// TensorShapeProto{dim 1}, Dimension{dim_value 1}.

class Writer {
  private chunks: number[] = [];
  private bufs: Uint8Array[] = [];
  private flush() {
    if (this.chunks.length) {
      this.bufs.push(Uint8Array.from(this.chunks));
      this.chunks = [];
    }
  }
  varint(v: number): this {
    // non-negative integers < 2^53
    while (v >= 0x80) {
      this.chunks.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.chunks.push(v);
    return this;
  }
  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }
  int(field: number, v: number): this {
    return this.tag(field, 0).varint(v);
  }
  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2).varint(b.length);
    this.flush();
    this.bufs.push(b);
    return this;
  }
  str(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  msg(field: number, m: Writer): this {
    return this.bytes(field, m.finish());
  }
  finish(): Uint8Array {
    this.flush();
    const n = this.bufs.reduce((s, b) => s + b.length, 0);
    const out = new Uint8Array(n);
    let o = 0;
    for (const b of this.bufs) {
      out.set(b, o);
      o += b.length;
    }
    return out;
  }
}

const FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;

const attrInts = (name: string, v: number[]) => {
  const a = new Writer().str(1, name).int(20, ATTR_INTS);
  for (const x of v) a.int(8, x);
  return a;
};
const attrInt = (name: string, v: number) => new Writer().str(1, name).int(20, ATTR_INT).int(3, v);
const attrStr = (name: string, v: string) => new Writer().str(1, name).int(20, ATTR_STRING).str(4, v);

function tensor(name: string, dims: number[], data: Float32Array): Writer {
  const t = new Writer();
  for (const d of dims) t.int(1, d);
  t.int(2, FLOAT).str(8, name);
  return t.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

function valueInfo(name: string, dims: number[]): Writer {
  const shape = new Writer();
  for (const d of dims) shape.msg(1, new Writer().int(1, d));
  const tt = new Writer().int(1, FLOAT).msg(2, shape);
  return new Writer().str(1, name).msg(2, new Writer().msg(1, tt));
}

export interface ConvModelSpec {
  cin: number;
  cout: number;
  k: number;
  stride: number;
  pad: number;
  h: number;
  w: number;
  /** OIHW */
  weight: Float32Array;
  bias: Float32Array;
  /** Append DepthToSpace(blocksize, CRD). */
  depthToSpace?: number;
}

/** An ONNX model: input "x" [1, cin, h, w] → Conv (→ DepthToSpace) → output "y". */
export function convModel(s: ConvModelSpec): Uint8Array {
  const ho = Math.floor((s.h + 2 * s.pad - s.k) / s.stride) + 1;
  const wo = Math.floor((s.w + 2 * s.pad - s.k) / s.stride) + 1;
  const g = new Writer();
  const conv = new Writer()
    .str(1, 'x')
    .str(1, 'W')
    .str(1, 'B')
    .str(2, s.depthToSpace ? 'c' : 'y')
    .str(3, 'conv')
    .str(4, 'Conv')
    .msg(5, attrInts('kernel_shape', [s.k, s.k]))
    .msg(5, attrInts('strides', [s.stride, s.stride]))
    .msg(5, attrInts('pads', [s.pad, s.pad, s.pad, s.pad]))
    .msg(5, attrInts('dilations', [1, 1]))
    .msg(5, attrInt('group', 1));
  g.msg(1, conv);
  let outDims = [1, s.cout, ho, wo];
  if (s.depthToSpace) {
    const r = s.depthToSpace;
    g.msg(1, new Writer().str(1, 'c').str(2, 'y').str(3, 'd2s').str(4, 'DepthToSpace').msg(5, attrInt('blocksize', r)).msg(5, attrStr('mode', 'CRD')));
    outDims = [1, s.cout / (r * r), ho * r, wo * r];
  }
  g.str(2, 'bench');
  g.msg(5, tensor('W', [s.cout, s.cin, s.k, s.k], s.weight));
  g.msg(5, tensor('B', [s.cout], s.bias));
  g.msg(11, valueInfo('x', [1, s.cin, s.h, s.w]));
  g.msg(12, valueInfo('y', outDims));
  return new Writer().int(1, 8).str(2, 'rd-lab-bench').msg(7, g).msg(8, new Writer().str(1, '').int(2, 17)).finish();
}
