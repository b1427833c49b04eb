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
// x · (1 / sqrt(conv1×1(x², γ) + β)), IGDN x · sqrt(…). The integer layers (the hyper-synthesis, the checkerboard
// context) give exact integers: the convolution's sum of products, then Add(bias + (divisor >> 1)) → Div(divisor)
// → Max(lo) → Min(hi) in int32, and DepthToSpace on the small integers carried exactly in float32 — the same
// integers as int-hyper.ts and WGSL. Where the graph knows its input's range (its inputs' documented ranges, and
// every integer layer's [lo, hi]), the sum of products is a float32 Conv on the integers, split over input channels
// so that no partial sum can exceed 2^24 (`exactChannelGroups`: then every float addition is exact, whatever the
// order), each part cast to int32 and added in int32; onnxruntime's wasm ConvInteger is 7–14× slower than its float
// Conv. Elsewhere (an op graph without a declared input range) it is Cast(int8) → ConvInteger.
import { OP_VOCABULARY, type OpName, type OpOf, type TensorDType } from '../../gpu/oplist';
import { DT, onnxModel, rawF32, rawI32, rawI64, type AttrValue, type DataType, type OnnxInitializer, type OnnxNode, type OnnxValue } from './onnx-proto';
import { Z_CLAMP } from './latents';
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

/** Largest magnitude up to which every integer is a float32: sums of integers that stay within it are exact. */
export const FLOAT32_EXACT = 2 ** 24;

/**
 * Contiguous input-channel ranges [c0, c1) of an integer conv (int8 weights O × I × taps) such that, for inputs
 * |x| ≤ `bound`, every output channel's Σ over a range of |w| · bound ≤ 2^24: any partial sum of such a range's
 * products is then an integer within ±2^24, so a float32 convolution over it adds exactly in any order. Null when
 * one input channel alone can exceed it.
 */
export function exactChannelGroups(w: ArrayLike<number>, cout: number, cin: number, taps: number, bound: number): [number, number][] | null {
  const groups: [number, number][] = [];
  const sum = new Float64Array(cout);
  let c0 = 0;
  for (let i = 0; i < cin; i++) {
    const add = new Float64Array(cout);
    for (let o = 0; o < cout; o++) {
      let a = 0;
      for (let t = 0; t < taps; t++) a += Math.abs(w[(o * cin + i) * taps + t]);
      add[o] = a * bound;
      if (add[o] > FLOAT32_EXACT) return null;
    }
    let fits = true;
    for (let o = 0; o < cout && fits; o++) fits = sum[o] + add[o] <= FLOAT32_EXACT;
    if (!fits) {
      groups.push([c0, i]);
      c0 = i;
      sum.fill(0);
    }
    for (let o = 0; o < cout; o++) sum[o] += add[o];
  }
  groups.push([c0, cin]);
  return groups;
}

/**
 * The exact integer layer as ONNX nodes; `masked`: the taps with ky + kx even zeroed (checkerboard_iconv2d).
 * `bound`: the largest |x| the input can hold, where the graph knows it (then float32 Convs over exact channel
 * groups, see the header); without it, ConvInteger.
 */
function intConvNodes(b: GraphBuilder, op: OpOf<'iconv2d'>, x: string, tag: string, masked = false, bound?: number): string {
  const { entry, bytes } = b.weights.raw(op.weight);
  const dims = [op.cout, op.cin, op.kernel, op.kernel];
  if (entry.dtype !== 'i8' || entry.shape.join() !== dims.join()) bad(`tensor ${op.weight} must be i8 ${dims.join('×')} (is ${entry.dtype} ${entry.shape.join('×')}).`);
  const k = op.kernel;
  const taps = k * k;
  const w8 = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const weight = masked ? Int8Array.from(w8, (v, i) => ((Math.floor((i % taps) / k) + (i % k)) % 2 === 0 ? 0 : v)) : w8;
  const exact = bound === undefined ? null : exactMatMulNodes(b, () => b.node('Cast', [x], { to: { i: DT.FLOAT } }), weight, op.cout, op.cin, taps, k, convAttrs(k, op.stride, op.padding), bound, tag);
  let acc: string;
  if (exact) acc = exact;
  else {
    // only the (masked) weights used: an unused initializer draws a warning
    const w = b.init(masked ? `${tag}.masked_weight` : op.weight, DT.INT8, dims, new Uint8Array(weight.buffer, weight.byteOffset, weight.byteLength));
    const x8 = b.node('Cast', [x], { to: { i: DT.INT8 } });
    acc = b.node('ConvInteger', [x8, w], {
      kernel_shape: { ints: [op.kernel, op.kernel] },
      strides: { ints: [op.stride, op.stride] },
      pads: { ints: [op.padding, op.padding, op.padding, op.padding] },
    });
  }
  return intEpilogue(b, op, acc, tag);
}

/** An integer layer's epilogue on its int32 sums: clamp(trunc((acc + bias + (divisor >> 1)) / divisor), lo, hi). */
function intEpilogue(b: GraphBuilder, op: OpOf<'iconv2d'>, acc: string, tag: string): string {
  const bias = b.weights.i32(op.bias);
  const divisor = b.weights.i32(op.divisor);
  if (bias.length !== op.cout || divisor.length !== op.cout) bad(`${tag}: bias and divisor need ${op.cout} values.`);
  const biasHalf = new Int32Array(op.cout);
  for (let o = 0; o < op.cout; o++) {
    if (!(divisor[o] > 0)) bad(`${tag}: divisor[${o}] = ${divisor[o]} is not positive.`);
    biasHalf[o] = bias[o] + (divisor[o] >> 1);
  }
  const num = b.node('Add', [acc, b.init(`${tag}.bias_half`, DT.INT32, [1, op.cout, 1, 1], rawI32(biasHalf))]);
  const q = b.node('Div', [num, b.init(`${tag}.divisor`, DT.INT32, [1, op.cout, 1, 1], rawI32(divisor))]);
  const lo = b.node('Max', [q, b.init(`${tag}.lo`, DT.INT32, [], rawI32([op.lo]))]);
  return b.node('Min', [lo, b.init(`${tag}.hi`, DT.INT32, [], rawI32([op.hi]))]);
}

/** Float32 1×1 Convs of `x` (1, K, …) by the integer matrix `w` (O × K), over channel groups whose sums are exact for
 * inputs |x| ≤ bound (exactChannelGroups), each cast to int32 and added in int32. */
function exactMatMulNodes(b: GraphBuilder, input: () => string, w: ArrayLike<number>, cout: number, cin: number, taps: number, k: number, conv: Record<string, AttrValue>, bound: number, tag: string): string | null {
  const groups = exactChannelGroups(w, cout, cin, taps, bound);
  if (!groups) return null;
  const x = input();
  const parts = groups.map(([c0, c1]) => {
    const wf = new Float32Array(cout * (c1 - c0) * taps);
    for (let o = 0; o < cout; o++) for (let i = c0; i < c1; i++) for (let t = 0; t < taps; t++) wf[(o * (c1 - c0) + i - c0) * taps + t] = w[(o * cin + i) * taps + t];
    const xi = groups.length === 1 ? x : b.node('Slice', [x, b.init(`${tag}.c0_${c0}`, DT.INT64, [1], rawI64([c0])), b.init(`${tag}.c1_${c1}`, DT.INT64, [1], rawI64([c1])), b.init('channel_axis', DT.INT64, [1], rawI64([1]))]);
    const wt = b.init(`${tag}.float_weight_${c0}`, DT.FLOAT, [cout, c1 - c0, k, k], rawF32(wf));
    return b.node('Cast', [b.node('Conv', [xi, wt], conv)], { to: { i: DT.INT32 } });
  });
  return parts.reduce((a, p) => b.node('Add', [a, p]));
}

/** The range [lo, hi] an integer value is known to lie in (a graph input's documented range, an integer layer's). */
export interface IntRange {
  lo: number;
  hi: number;
}

/** How each op of the vocabulary becomes ONNX nodes on a value of type `t` (`tag`: a unique name for its constants;
 * `range`: the integer input's known range, if any). */
const ONNX: { [N in OpName]: (b: GraphBuilder, op: OpOf<N>, x: string, t: ValueType, tag: string, range?: IntRange) => string } = {
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
  iconv2d: (b, op, x, _t, tag, range) => intConvNodes(b, op, x, tag, false, range && Math.max(Math.abs(range.lo), Math.abs(range.hi))),
  // The same on clamp(x, ±clip) with the taps ky + kx even zeroed, then × the non-anchor mask ((y + x) odd), built
  // in the graph from the output's shape. ONNX computes every position; our WGSL kernel only the needed half.
  checkerboard_iconv2d(b, op, x, _t, tag) {
    const i32 = (name: string, v: number) => b.init(`${tag}.${name}`, DT.INT32, [], rawI32([v]));
    const i64 = (name: string, v: number) => b.init(`cb.${name}`, DT.INT64, [], rawI64([v]));
    const clipped = b.node('Min', [b.node('Max', [x, i32('neg_clip', -op.clip)]), i32('clip', op.clip)]);
    const q = intConvNodes(b, { ...op, op: 'iconv2d' }, clipped, tag, true, op.clip);
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

/**
 * An op list on value `x` of type `t`; each op must accept the value it is given (the vocabulary's in/out).
 * `range`: where `x` is integer, the range its values are known to lie in (lets the integer layers use exact float
 * Convs); the result's range where it is known (an integer layer's [lo, hi], kept by depth_to_space).
 */
export function opNodes(b: GraphBuilder, ops: readonly Op[], x: string, t: ValueType, where: string, range?: IntRange): { value: string; type: ValueType; range?: IntRange } {
  let cur = x;
  let type = t;
  let known = t === 'i32' ? range : undefined;
  ops.forEach((op, i) => {
    const spec = OP_VOCABULARY[op.op];
    if (spec.in !== 'any' && spec.in !== type) bad(`${where}[${i}]: ${op.op} reads ${spec.in}, but its input is ${type}.`);
    cur = (ONNX[op.op] as (b: GraphBuilder, op: Op, x: string, t: ValueType, tag: string, range?: IntRange) => string)(b, op, cur, type, `${where}.${i}`, known);
    if (spec.out !== 'same') type = spec.out;
    known = type !== 'i32' ? undefined : op.op === 'iconv2d' || op.op === 'checkerboard_iconv2d' ? { lo: op.lo, hi: op.hi } : spec.out === 'same' ? known : undefined;
  });
  return { value: cur, type, range: known };
}

const ONNX_TYPE: Record<ValueType, DataType> = { f32: DT.FLOAT, i32: DT.INT32 };

/**
 * One op list as a whole ONNX model: input `x` (1, C, H, W) of type `input`, output `y` (tests build every op of the
 * vocabulary this way; the package's graphs below are made of the same nodes). `range`: an integer input's declared
 * range (the caller's promise; the integer layers then use exact float Convs).
 */
export function buildOpsGraph(weights: GraphWeights, ops: readonly Op[], input: ValueType, channels: number, range?: IntRange): Uint8Array {
  const b = new GraphBuilder(weights, 'ops');
  const out = opNodes(b, ops, 'x', input, 'ops', range);
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

/**
 * The documented ranges of the graphs' integer inputs, which the integer layers' exact float Convs rely on (the
 * onnxruntime backend checks every input against them): hyper_synthesis' z_hat within ±Z_CLAMP (what the encoder
 * writes and the decoder accepts), context's features within the hyper-synthesis' last integer layer's [lo, hi].
 * (context's symbols are clamped to ±clip in the graph itself.)
 */
export function integerInputRanges(m: ModelManifest): { z_hat?: IntRange; features?: IntRange } {
  const t = m.transforms;
  if (!t.hyper_synthesis_int) return {};
  const last = [...t.hyper_synthesis_int].reverse().find((op) => op.op === 'iconv2d');
  return { z_hat: { lo: -Z_CLAMP, hi: Z_CLAMP }, features: last && last.op === 'iconv2d' ? { lo: last.lo, hi: last.hi } : undefined };
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
      const features = opNodes(b, t.hyper_synthesis_int, 'z_hat', 'i32', 'hyper_synthesis_int', integerInputRanges(m).z_hat);
      const index = opNodes(b, t.scale_index_int, features.value, features.type, 'scale_index_int', features.range);
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
      const f = integerInputRanges(m).features;
      const catRange = f && ctx.range && { lo: Math.min(f.lo, ctx.range.lo), hi: Math.max(f.hi, ctx.range.hi) };
      const means = opNodes(b, t.context_means, cat, 'i32', 'context_means');
      const index = opNodes(b, t.context_index_int, cat, 'i32', 'context_index_int', catRange);
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
