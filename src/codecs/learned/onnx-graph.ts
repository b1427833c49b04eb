// The onnxruntime backends' ONNX graphs, built from a model package's op lists and weights when a backend
// loads them (docs/model-package.md "ONNX graphs"): nothing is stored twice, and a graph cannot disagree with
// the weights the WGSL backend and the float64 reference read.
//
//   analysis         x (1,3,H,W) f32, gain (M) f32       → y (1,M,H/16,W/16) f32 = analysis(x) · gain
//   hyper_analysis   y                                   → z (1,Nz,H/64,W/64) f32
//   hyper_synthesis  z_hat (1,Nz,h,w) int32              → index (1,M,4h,4w) int32 [, means (1,M,4h,4w) f32]
//                                                          [, features (1,N,4h,4w) int32: checkerboard models]
//   context          features (1,N,h,w) int32, symbols (1,M,h,w) int32 → index (1,M,h,w) int32, means (1,M,h,w)
//                    f32: the checkerboard context's pass-2 heads over concat(features, context_int(symbols))
//   synthesis        y_hat (1,M,h,w) f32, inv_gain (M)   → x_hat (1,3,16h,16w) f32 = synthesis(y_hat · inv_gain)
//
// Float weights stay in their stored dtype: f16 tensors become float16 initializers followed by Cast to
// float32 (the values the WGSL backend and the reference use), f32 ones float32 initializers. GDN is
// x · (1 / sqrt(conv1×1(x², γ) + β)), IGDN x · sqrt(…). The hyper-synthesis is integer arithmetic only:
// Cast(int8) → ConvInteger → Add(bias + (divisor >> 1)) → Div(divisor) → Max(lo) → Min(hi), and
// DepthToSpace on the small integers carried exactly in float32 — the same integers as int-hyper.ts and WGSL.
import { OP_VOCABULARY, type OpName, type OpOf, type TensorDType } from '../../gpu/oplist';
import { DT, onnxModel, rawF32, rawI32, rawI64, type AttrValue, type DataType, type OnnxInitializer, type OnnxNode, type OnnxValue } from './onnx-proto';
import { PackageError, type ModelManifest, type ModelPackage, type Op } from './package';

export type GraphName = 'analysis' | 'hyper_analysis' | 'hyper_synthesis' | 'context' | 'synthesis';

/** The graphs a package's backend needs: analysis and synthesis, plus the hyper graphs where it has a hyper-prior,
 * plus the context where it has a checkerboard context. */
export function graphNames(m: ModelManifest): GraphName[] {
  if (!m.transforms.hyper_analysis) return ['analysis', 'synthesis'];
  return ['analysis', 'hyper_analysis', 'hyper_synthesis', ...(m.transforms.context_int ? (['context'] as const) : []), 'synthesis'];
}

/** What the builder reads weights from: a tensor's stored bytes and its dtype and shape (ModelPackage is one). */
export interface GraphWeights {
  raw(name: string): { entry: { dtype: TensorDType; shape: readonly number[] }; bytes: Uint8Array };
  i32(name: string): Int32Array;
}

function bad(msg: string): never {
  throw new PackageError('manifest', msg);
}

export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  private readonly known = new Set<string>();
  private n = 0;

  constructor(
    readonly weights: GraphWeights,
    private readonly prefix: string,
  ) {}

  private fresh(what: string): string {
    return `${this.prefix}/${this.n++}_${what}`;
  }

  node(op: string, inputs: string[], attrs?: Record<string, AttrValue>): string {
    const out = this.fresh(op);
    this.nodes.push({ op, inputs, outputs: [out], name: out, attrs });
    return out;
  }

  init(name: string, type: DataType, dims: number[], raw: Uint8Array): string {
    if (!this.known.has(name)) {
      this.known.add(name);
      this.initializers.push({ name, type, dims, raw });
    }
    return name;
  }

  /** A weight tensor as a float32 value: f32 → initializer, f16 → float16 initializer + Cast. */
  float(tensor: string, dims: number[]): string {
    const { entry, bytes } = this.weights.raw(tensor);
    const core = (s: readonly number[]) => s.join('×').replace(/(×1)+$/, ''); // [C, C] is [C, C, 1, 1]
    if (core(entry.shape) !== core(dims)) bad(`tensor ${tensor} has shape ${entry.shape.join('×')}, its op needs ${dims.join('×')}.`);
    if (this.known.has(tensor)) return tensor;
    if (entry.dtype === 'f32') return this.init(tensor, DT.FLOAT, dims, bytes);
    if (entry.dtype !== 'f16') bad(`tensor ${tensor} is ${entry.dtype}; a float op needs f32 or f16.`);
    this.init(`${tensor}_f16`, DT.FLOAT16, dims, bytes);
    this.known.add(tensor);
    this.nodes.push({ op: 'Cast', inputs: [`${tensor}_f16`], outputs: [tensor], name: `cast_${tensor}`, attrs: { to: { i: DT.FLOAT } } });
    return tensor;
  }

  /** Gives the value `cur` the graph-output name `name` (its producing node is renamed; no extra node). */
  output(cur: string, name: string): void {
    const producer = this.nodes.find((nd) => nd.outputs.includes(cur));
    if (!producer) {
      this.nodes.push({ op: 'Identity', inputs: [cur], outputs: [name], name: `${this.prefix}/${name}` });
      return;
    }
    (producer.outputs as string[])[producer.outputs.indexOf(cur)] = name;
    for (const nd of this.nodes) (nd.inputs as string[]).forEach((v, i, a) => v === cur && (a[i] = name));
  }
}

export const convAttrs = (k: number, stride: number, pad: number): Record<string, AttrValue> => ({
  kernel_shape: { ints: [k, k] },
  strides: { ints: [stride, stride] },
  pads: { ints: [pad, pad, pad, pad] },
  dilations: { ints: [1, 1] },
  group: { i: 1 },
});

/** The value an op reads: float32, or int32 (the integer hyper-synthesis, carried exactly). */
export type ValueType = 'f32' | 'i32';

function gdnNodes(b: GraphBuilder, op: OpOf<'gdn'> | OpOf<'igdn'>, x: string): string {
  const C = op.channels;
  const norm = b.node('Conv', [b.node('Mul', [x, x]), b.float(op.gamma, [C, C, 1, 1]), b.float(op.beta, [C])], convAttrs(1, 1, 0));
  const root = b.node('Sqrt', [norm]);
  const factor = op.op === 'igdn' ? root : b.node('Div', [b.init('one', DT.FLOAT, [], rawF32([1])), root]);
  return b.node('Mul', [x, factor]);
}

/** The exact integer layer as ONNX nodes; `masked`: the taps with ky + kx even zeroed (checkerboard_iconv2d). */
function intConvNodes(b: GraphBuilder, op: OpOf<'iconv2d'>, x: string, tag: string, masked = false): string {
  const { entry, bytes } = b.weights.raw(op.weight);
  const dims = [op.cout, op.cin, op.kernel, op.kernel];
  if (entry.dtype !== 'i8' || entry.shape.join() !== dims.join()) bad(`tensor ${op.weight} must be i8 ${dims.join('×')} (is ${entry.dtype} ${entry.shape.join('×')}).`);
  const bias = b.weights.i32(op.bias);
  const divisor = b.weights.i32(op.divisor);
  if (bias.length !== op.cout || divisor.length !== op.cout) bad(`${tag}: bias and divisor need ${op.cout} values.`);
  const biasHalf = new Int32Array(op.cout);
  for (let o = 0; o < op.cout; o++) {
    if (!(divisor[o] > 0)) bad(`${tag}: divisor[${o}] = ${divisor[o]} is not positive.`);
    biasHalf[o] = bias[o] + (divisor[o] >> 1);
  }
  let w: string;
  if (masked) {
    const k = op.kernel;
    const m = Uint8Array.from(bytes);
    for (let i = 0; i < m.length; i++) if ((Math.floor((i % (k * k)) / k) + (i % k)) % 2 === 0) m[i] = 0;
    w = b.init(`${tag}.masked_weight`, DT.INT8, dims, m); // only the masked copy: an unused initializer draws a warning
  } else w = b.init(op.weight, DT.INT8, dims, bytes);
  const x8 = b.node('Cast', [x], { to: { i: DT.INT8 } });
  const acc = b.node('ConvInteger', [x8, w], {
    kernel_shape: { ints: [op.kernel, op.kernel] },
    strides: { ints: [op.stride, op.stride] },
    pads: { ints: [op.padding, op.padding, op.padding, op.padding] },
  });
  const num = b.node('Add', [acc, b.init(`${tag}.bias_half`, DT.INT32, [1, op.cout, 1, 1], rawI32(biasHalf))]);
  const q = b.node('Div', [num, b.init(`${tag}.divisor`, DT.INT32, [1, op.cout, 1, 1], rawI32(divisor))]);
  const lo = b.node('Max', [q, b.init(`${tag}.lo`, DT.INT32, [], rawI32([op.lo]))]);
  return b.node('Min', [lo, b.init(`${tag}.hi`, DT.INT32, [], rawI32([op.hi]))]);
}

/** How each op of the vocabulary becomes ONNX nodes on a value of type `t` (`tag`: a unique name for its constants). */
const ONNX: { [N in OpName]: (b: GraphBuilder, op: OpOf<N>, x: string, t: ValueType, tag: string) => string } = {
  conv2d: (b, op, x) => b.node('Conv', [x, b.float(op.weight, [op.cout, op.cin, op.kernel, op.kernel]), b.float(op.bias, [op.cout])], convAttrs(op.kernel, op.stride, op.padding)),
  depth_to_space(b, op, x, t) {
    const d2s = (v: string) => b.node('DepthToSpace', [v], { blocksize: { i: op.block }, mode: { s: 'CRD' } });
    // int32: the small integers are moved through float32, where they are exact.
    return t === 'f32' ? d2s(x) : b.node('Cast', [d2s(b.node('Cast', [x], { to: { i: DT.FLOAT } }))], { to: { i: DT.INT32 } });
  },
  gdn: (b, op, x) => gdnNodes(b, op, x),
  igdn: (b, op, x) => gdnNodes(b, op, x),
  relu: (b, _op, x) => b.node('Relu', [x]),
  leaky_relu: (b, op, x) => b.node('LeakyRelu', [x], { alpha: { f: op.slope } }),
  abs: (b, _op, x) => b.node('Abs', [x]),
  // Integer arithmetic only: Cast(int8) → ConvInteger → Add(bias + (divisor >> 1)) → Div(divisor) → Max(lo) → Min(hi).
  iconv2d: (b, op, x, _t, tag) => intConvNodes(b, op, x, tag),
  // The same on clamp(x, ±clip) with the taps ky + kx even zeroed, then × the non-anchor mask ((y + x) odd), built
  // in the graph from the output's shape. ONNX computes every position; our WGSL kernel only the needed half.
  checkerboard_iconv2d(b, op, x, _t, tag) {
    const i32 = (name: string, v: number) => b.init(`${tag}.${name}`, DT.INT32, [], rawI32([v]));
    const i64 = (name: string, v: number) => b.init(`cb.${name}`, DT.INT64, [], rawI64([v]));
    const clipped = b.node('Min', [b.node('Max', [x, i32('neg_clip', -op.clip)]), i32('clip', op.clip)]);
    const q = intConvNodes(b, { ...op, op: 'iconv2d' }, clipped, tag, true);
    const shape = b.node('Shape', [q]);
    const range = (axis: number) => b.node('Range', [i64('zero', 0), b.node('Gather', [shape, i64(`axis${axis}`, axis)], { axis: { i: 0 } }), i64('one', 1)]);
    const rows = b.node('Unsqueeze', [range(2), b.init('cb.unsqueeze_axes', DT.INT64, [1], rawI64([1]))]);
    const odd = b.node('Mod', [b.node('Add', [rows, range(3)]), i64('two', 2)]);
    return b.node('Mul', [q, b.node('Cast', [odd], { to: { i: DT.INT32 } })]);
  },
  int_to_float: (b, op, x, _t, tag) => b.node('Mul', [b.node('Cast', [x], { to: { i: DT.FLOAT } }), b.init(`${tag}.scale`, DT.FLOAT, [], rawF32([op.scale]))]),
};

/** The names of the ops it builds (a test checks it covers the vocabulary). */
export const ONNX_OPS: readonly string[] = Object.keys(ONNX);

/** An op list on value `x` of type `t`; each op must accept the value it is given (the vocabulary's in/out). */
export function opNodes(b: GraphBuilder, ops: readonly Op[], x: string, t: ValueType, where: string): { value: string; type: ValueType } {
  let cur = x;
  let type = t;
  ops.forEach((op, i) => {
    const spec = OP_VOCABULARY[op.op];
    if (spec.in !== 'any' && spec.in !== type) bad(`${where}[${i}]: ${op.op} reads ${spec.in}, but its input is ${type}.`);
    cur = (ONNX[op.op] as (b: GraphBuilder, op: Op, x: string, t: ValueType, tag: string) => string)(b, op, cur, type, `${where}.${i}`);
    if (spec.out !== 'same') type = spec.out;
  });
  return { value: cur, type };
}

const ONNX_TYPE: Record<ValueType, DataType> = { f32: DT.FLOAT, i32: DT.INT32 };

/**
 * One op list as a whole ONNX model: input `x` (1, C, H, W) of type `input`, output `y` (tests build every op of the
 * vocabulary this way; the package's graphs below are made of the same nodes).
 */
export function buildOpsGraph(weights: GraphWeights, ops: readonly Op[], input: ValueType, channels: number): Uint8Array {
  const b = new GraphBuilder(weights, 'ops');
  const out = opNodes(b, ops, 'x', input, 'ops');
  b.output(out.value, 'y');
  return onnxModel({
    name: 'rdlab_ops',
    nodes: b.nodes,
    initializers: b.initializers,
    inputs: [{ name: 'x', type: ONNX_TYPE[input], dims: [1, channels, 'H', 'W'] }],
    outputs: [{ name: 'y', type: ONNX_TYPE[out.type], dims: [1, 'C', 'h', 'w'] }],
  });
}

/** `x · v` with the (M) vector v broadcast over channels: Reshape(v, [1, −1, 1, 1]) then Mul. */
export function mulChannels(b: GraphBuilder, x: string, v: string): string {
  return b.node('Mul', [x, b.node('Reshape', [v, b.init('channel_shape', DT.INT64, [4], rawI64([1, -1, 1, 1]))])]);
}

/** The serialized ONNX model (opset 17) of one of the package's graphs. */
export function buildGraph(pkg: ModelPackage & GraphWeights, name: GraphName): Uint8Array {
  const m = pkg.manifest;
  const t = m.transforms;
  const M = m.channels.M;
  const Nz = m.channels.Nz;
  const b = new GraphBuilder(pkg, name);
  const f32 = DT.FLOAT;
  let inputs: OnnxValue[], outputs: OnnxValue[];
  switch (name) {
    case 'analysis': {
      b.output(mulChannels(b, opNodes(b, t.analysis, 'x', 'f32', 'analysis').value, 'gain'), 'y');
      inputs = [
        { name: 'x', type: f32, dims: [1, 3, 'H', 'W'] },
        { name: 'gain', type: f32, dims: [M] },
      ];
      outputs = [{ name: 'y', type: f32, dims: [1, M, 'h', 'w'] }];
      break;
    }
    case 'synthesis': {
      b.output(opNodes(b, t.synthesis, mulChannels(b, 'y_hat', 'inv_gain'), 'f32', 'synthesis').value, 'x_hat');
      inputs = [
        { name: 'y_hat', type: f32, dims: [1, M, 'h', 'w'] },
        { name: 'inv_gain', type: f32, dims: [M] },
      ];
      outputs = [{ name: 'x_hat', type: f32, dims: [1, 3, 'H', 'W'] }];
      break;
    }
    case 'hyper_analysis': {
      if (!t.hyper_analysis || Nz === undefined) bad(`${m.name} has no hyper-analysis.`);
      b.output(opNodes(b, t.hyper_analysis, 'y', 'f32', 'hyper_analysis').value, 'z');
      inputs = [{ name: 'y', type: f32, dims: [1, M, 'h', 'w'] }];
      outputs = [{ name: 'z', type: f32, dims: [1, Nz, 'hz', 'wz'] }];
      break;
    }
    case 'hyper_synthesis': {
      if (!t.hyper_synthesis_int || !t.scale_index_int || Nz === undefined) bad(`${m.name} has no integer hyper-synthesis.`);
      const features = opNodes(b, t.hyper_synthesis_int, 'z_hat', 'i32', 'hyper_synthesis_int');
      const index = opNodes(b, t.scale_index_int, features.value, features.type, 'scale_index_int');
      if (index.type !== 'i32') bad(`${m.name}: scale_index_int must give integers.`);
      // means first: renaming `index` must not touch the features the means head reads
      const means = t.means ? opNodes(b, t.means, features.value, features.type, 'means') : null;
      b.output(index.value, 'index');
      outputs = [{ name: 'index', type: DT.INT32, dims: [1, M, 'h4', 'w4'] }];
      if (means) {
        if (means.type !== 'f32') bad(`${m.name}: the means head must give floats.`);
        b.output(means.value, 'means');
        outputs.push({ name: 'means', type: f32, dims: [1, M, 'h4', 'w4'] });
      }
      if (t.context_int) {
        // the checkerboard context reads the features too (the backend's context call)
        if (features.type !== 'i32') bad(`${m.name}: hyper_synthesis_int must give integers.`);
        b.output(features.value, 'features');
        outputs.push({ name: 'features', type: DT.INT32, dims: [1, 'N', 'h4', 'w4'] });
      }
      inputs = [{ name: 'z_hat', type: DT.INT32, dims: [1, Nz, 'h', 'w'] }];
      break;
    }
    case 'context': {
      if (!t.context_int || !t.context_index_int || !t.context_means) bad(`${m.name} has no checkerboard context.`);
      const ctx = opNodes(b, t.context_int, 'symbols', 'i32', 'context_int');
      if (ctx.type !== 'i32') bad(`${m.name}: context_int must give integers.`);
      const cat = b.node('Concat', ['features', ctx.value], { axis: { i: 1 } });
      const means = opNodes(b, t.context_means, cat, 'i32', 'context_means');
      const index = opNodes(b, t.context_index_int, cat, 'i32', 'context_index_int');
      if (index.type !== 'i32' || means.type !== 'f32') bad(`${m.name}: context_index_int must give integers, context_means floats.`);
      b.output(index.value, 'index');
      b.output(means.value, 'means');
      inputs = [
        { name: 'features', type: DT.INT32, dims: [1, 'N', 'h', 'w'] },
        { name: 'symbols', type: DT.INT32, dims: [1, M, 'h', 'w'] },
      ];
      outputs = [
        { name: 'index', type: DT.INT32, dims: [1, M, 'h', 'w'] },
        { name: 'means', type: f32, dims: [1, M, 'h', 'w'] },
      ];
      break;
    }
    default:
      bad(`unknown graph ${JSON.stringify(name)}.`);
  }
  return onnxModel({ name: `rdlab_${name}`, nodes: b.nodes, initializers: b.initializers, inputs, outputs });
}
