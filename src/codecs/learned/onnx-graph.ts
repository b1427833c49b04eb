// The onnxruntime backends' ONNX graphs, built from a model package's op lists and weights when a backend
// loads them (docs/model-package.md "ONNX graphs"): nothing is stored twice, and a graph cannot disagree with
// the weights the WGSL backend and the float64 reference read.
//
//   analysis         x (1,3,H,W) f32, gain (M) f32       → y (1,M,H/16,W/16) f32 = analysis(x) · gain
//   hyper_analysis   y                                   → z (1,Nz,H/64,W/64) f32
//   hyper_synthesis  z_hat (1,Nz,h,w) int32              → index (1,M,4h,4w) int32 [, means (1,M,4h,4w) f32]
//                                                          [, features (1,N,4h,4w) int32: checkerboard models]
//   context          features (1,N,h,w) int32, symbols (1,M,h,w) int32 → index (1,M,h,w/2) int32, means (1,M,h,w/2)
//                    f32: the checkerboard context's pass-2 heads over concat(features, context_int(symbols)) at the
//                    non-anchors only, in pass layout (pass 1's element (c, r, j) is y's (c, r, 2j + ((r + 1) mod 2)))
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

  /** A node with `n` outputs (Split). */
  nodes_(op: string, inputs: string[], n: number, attrs?: Record<string, AttrValue>): string[] {
    const outs = Array.from({ length: n }, () => this.fresh(op));
    this.nodes.push({ op, inputs, outputs: outs, name: outs[0], attrs });
    return outs;
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

// The checkerboard context at the non-anchors only (the context graph). y's positions fall into 2 × 2 phases
// q = 2 · (row mod 2) + (column mod 2); SpaceToDepth(2) puts phase q of a C-channel tensor at channels [q·C, (q+1)·C)
// of a (1, 4C, h/2, w/2) one. The non-anchors are phases 1 (even rows) and 2 (odd rows). A k × k convolution (stride 1,
// zero padding p = k >> 1) at phase (a, b) reads, through tap (ky, kx), phase ((a + ky − p) mod 2, (b + kx − p) mod 2)
// shifted by (⌊(a + ky − p) / 2⌋, ⌊(b + kx − p) / 2⌋) half-resolution positions: one shifted slice of one phase per
// tap. Taps that read a phase known to be all zeros (the anchors of ctx, the non-anchors of the context's input) or
// whose weights are all 0 (the masked taps) are left out; the rest are the same for both non-anchor phases. Their
// slices stacked along the channels ("columns", K = Σ channels over the taps) for phase 1, then phase 2 beside them
// along the width, give (1, K, h/2, w), which reshaped is (1, K, h, w/2): row r holds the columns of row r's
// non-anchors, in the order pass 1 stores them (docs/container-format.md: its element (c, r, j) is y's
// (c, r, 2j + ((r + 1) mod 2))). A 1 × 1 convolution of the columns is the k × k one at the non-anchors, in pass
// layout — half the positions, and no product with a tap that is always 0.

/** A phase-packed input of a non-anchor convolution: (1, ·, h/2, w/2) float; `phases`: the phases it holds, each
 * phase's first channel (a phase it lacks is all zeros). */
interface PhaseInput {
  value: string;
  channels: number;
  phases: Partial<Record<number, number>>;
}

/** Shape-dependent Reshape of (1, C, H, W): 'unfold' → (1, C, 2H, W/2), 'fold' → (1, C, H/2, 2W) (rows in pairs). */
function foldRows(b: GraphBuilder, x: string, how: 'fold' | 'unfold'): string {
  const i64 = (name: string, v: number[]) => b.init(`half.${name}`, DT.INT64, [v.length], rawI64(v));
  const width = b.node('Slice', [b.node('Shape', [x]), i64('three', [3]), i64('four', [4]), i64('zero', [0])]);
  const w = b.node(how === 'fold' ? 'Mul' : 'Div', [width, i64('two', [2])]);
  return b.node('Reshape', [x, b.node('Concat', [i64('keep_keep_any', [0, 0, -1]), w], { axis: { i: 0 } })]);
}

/** The columns (see above) of a k × k convolution at the non-anchors; `weight(input, ky, kx)`: whether the tap has any
 * nonzero weight. Returns the columns (1, K, h, w/2) and the taps in their order. */
function nonAnchorColumns(b: GraphBuilder, inputs: PhaseInput[], k: number, weight: (input: number, ky: number, kx: number) => boolean, tag: string) {
  const p = k >> 1;
  const P = (p + 1) >> 1; // the largest half-resolution shift
  const i64 = (v: number[]) => b.init(`half.i64_${v.join('_')}`, DT.INT64, [v.length], rawI64(v));
  const padded = inputs.map((x) => b.node('Pad', [x.value, i64([0, 0, P, P, 0, 0, P, P])]));
  const floorDiv = (v: number) => Math.floor(v / 2);
  const mod2 = (v: number) => ((v % 2) + 2) % 2;
  const phaseOf = (a: number, c: number, ky: number, kx: number) => 2 * mod2(a + ky - p) + mod2(c + kx - p);
  const taps: { input: number; ky: number; kx: number }[] = [];
  inputs.forEach((x, input) => {
    for (let ky = 0; ky < k; ky++)
      for (let kx = 0; kx < k; kx++) {
        const live = [phaseOf(0, 1, ky, kx), phaseOf(1, 0, ky, kx)].map((q) => x.phases[q] !== undefined);
        if (live[0] !== live[1]) bad(`${tag}: the two non-anchor phases read different phases of input ${input}.`);
        if (live[0] && weight(input, ky, kx)) taps.push({ input, ky, kx });
      }
  });
  const END = 2 ** 31 - 1;
  const phaseColumns = ([a, c]: [number, number]) =>
    b.node(
      'Concat',
      taps.map(({ input, ky, kx }) => {
        const x = inputs[input];
        const c0 = x.phases[phaseOf(a, c, ky, kx)]!;
        const [u, v] = [floorDiv(a + ky - p), floorDiv(c + kx - p)];
        const end = (s: number) => (P - s > 0 ? -(P - s) : END);
        return b.node('Slice', [padded[input], i64([c0, P + u, P + v]), i64([c0 + x.channels, end(u), end(v)]), i64([1, 2, 3])]);
      }),
      { axis: { i: 1 } },
    );
  const cols = foldRows(b, b.node('Concat', [phaseColumns([0, 1]), phaseColumns([1, 0])], { axis: { i: 3 } }), 'unfold');
  return { cols, taps, K: taps.reduce((n, t) => n + inputs[t.input].channels, 0) };
}

/** The (O × K) matrix of a k × k weight (O × Σ input channels × k × k) over the columns' taps. */
function columnWeights(w: ArrayLike<number>, cout: number, cin: number, k: number, inputs: PhaseInput[], taps: { input: number; ky: number; kx: number }[], K: number): Float32Array {
  const first = inputs.map((_, i) => inputs.slice(0, i).reduce((n, x) => n + x.channels, 0));
  const out = new Float32Array(cout * K);
  for (let o = 0; o < cout; o++) {
    let col = 0;
    for (const t of taps)
      for (let i = 0; i < inputs[t.input].channels; i++) out[o * K + col++] = w[((o * cin + first[t.input] + i) * k + t.ky) * k + t.kx];
  }
  return out;
}

/** An integer layer (iconv2d, or checkerboard_iconv2d: masked taps 0) at the non-anchors over inputs whose channels
 * concatenated are its input, |x| ≤ bound: exact float Convs of the columns, the epilogue; (1, cout, h, w/2). */
function nonAnchorIntConv(b: GraphBuilder, op: OpOf<'iconv2d'>, inputs: PhaseInput[], masked: boolean, bound: number, tag: string): string {
  const { entry, bytes } = b.weights.raw(op.weight);
  const k = op.kernel;
  if (entry.dtype !== 'i8' || entry.shape.join() !== [op.cout, op.cin, k, k].join()) bad(`tensor ${op.weight} must be i8 ${op.cout}×${op.cin}×${k}×${k}.`);
  if (op.stride !== 1 || op.padding !== k >> 1) bad(`${tag}: a context layer must have stride 1 and padding ${k >> 1}.`);
  if (inputs.reduce((n, x) => n + x.channels, 0) !== op.cin) bad(`${tag} reads ${op.cin} channels.`);
  const w8 = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const w = masked ? Int8Array.from(w8, (v, i) => ((Math.floor((i % (k * k)) / k) + (i % k)) % 2 === 0 ? 0 : v)) : w8;
  const first = inputs.map((_, i) => inputs.slice(0, i).reduce((n, x) => n + x.channels, 0));
  const any = (input: number, ky: number, kx: number) => {
    for (let o = 0; o < op.cout; o++) for (let i = 0; i < inputs[input].channels; i++) if (w[((o * op.cin + first[input] + i) * k + ky) * k + kx] !== 0) return true;
    return false;
  };
  const { cols, taps, K } = nonAnchorColumns(b, inputs, k, any, tag);
  const acc = exactMatMulNodes(b, () => cols, columnWeights(w, op.cout, op.cin, k, inputs, taps, K), op.cout, K, 1, 1, convAttrs(1, 1, 0), bound, tag);
  if (!acc) bad(`${tag}: an input channel's products can exceed 2^24.`);
  return intEpilogue(b, op, acc, tag);
}

/** A float conv2d (stride 1, padding k >> 1) at the non-anchors: one 1 × 1 Conv of the columns; (1, cout, h, w/2). */
function nonAnchorFloatConv(b: GraphBuilder, op: OpOf<'conv2d'>, w: Float32Array, bias: string, input: PhaseInput, tag: string): string {
  const { cols, taps, K } = nonAnchorColumns(b, [input], op.kernel, () => true, tag);
  const wt = b.init(`${tag}.column_weight`, DT.FLOAT, [op.cout, K, 1, 1], rawF32(columnWeights(w, op.cout, op.cin, op.kernel, [input], taps, K)));
  return b.node('Conv', [cols, wt, bias], convAttrs(1, 1, 0));
}

/** (1, C, h, w/2) in pass layout (the non-anchors) → phase-packed (1, 2C, h/2, w/2): phases 1 and 2. */
function nonAnchorPhases(b: GraphBuilder, half: string, C: number): PhaseInput {
  const [p1, p2] = b.nodes_('Split', [foldRows(b, half, 'fold')], 2, { axis: { i: 3 } });
  return { value: b.node('Concat', [p1, p2], { axis: { i: 1 } }), channels: C, phases: { 1: 0, 2: C } };
}

/** A full-resolution (1, C, h, w) value's non-anchors in pass layout (1, C, h, w/2). */
function toPassLayout(b: GraphBuilder, x: string, C: number): string {
  const s2d = b.node('SpaceToDepth', [x], { blocksize: { i: 2 } });
  const i64 = (v: number[]) => b.init(`half.i64_${v.join('_')}`, DT.INT64, [v.length], rawI64(v));
  const phase = (q: number) => b.node('Slice', [s2d, i64([q * C]), i64([(q + 1) * C]), i64([1])]);
  return foldRows(b, b.node('Concat', [phase(1), phase(2)], { axis: { i: 3 } }), 'unfold');
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
      // The non-anchors only (see "The checkerboard context at the non-anchors only" above), in pass layout.
      if (!t.context_int || !t.context_index_int || !t.context_means) bad(`${m.name} has no checkerboard context.`);
      const [ctxOp] = t.context_int;
      const [headOp] = t.context_index_int;
      const last = t.context_means[t.context_means.length - 1];
      if (t.context_int.length !== 1 || ctxOp.op !== 'checkerboard_iconv2d' || t.context_index_int.length !== 1 || headOp.op !== 'iconv2d' || last.op !== 'conv2d') {
        bad(`${m.name}: the context graph needs context_int = [checkerboard_iconv2d], context_index_int = [iconv2d] and context_means ending in a conv2d.`);
      }
      const C = ctxOp.cout;
      const N = headOp.cin - C;
      const f = integerInputRanges(m).features;
      if (!f) bad(`${m.name}: the context reads the integer hyper-synthesis' features.`);
      const s2d = (x: string) => b.node('SpaceToDepth', [b.node('Cast', [x], { to: { i: DT.FLOAT } })], { blocksize: { i: 2 } });
      const i32 = (name: string, v: number) => b.init(`context.${name}`, DT.INT32, [], rawI32([v]));
      // ctx = context_int(clamp(symbols, ±clip)) at the non-anchors, over the anchors (phases 0 and 3)
      const clipped = b.node('Min', [b.node('Max', ['symbols', i32('neg_clip', -ctxOp.clip)]), i32('clip', ctxOp.clip)]);
      const ctx = nonAnchorIntConv(b, { ...ctxOp, op: 'iconv2d' }, [{ value: s2d(clipped), channels: M, phases: { 0: 0, 3: 3 * M } }], true, ctxOp.clip, 'context_int');
      const ctxPhases = nonAnchorPhases(b, b.node('Cast', [ctx], { to: { i: DT.FLOAT } }), C);
      const features: PhaseInput = { value: s2d('features'), channels: N, phases: { 0: 0, 1: N, 2: 2 * N, 3: 3 * N } };
      // index = context_index_int(concat(features, ctx)) at the non-anchors (ctx is 0 at the anchors: phases 0, 3)
      const bound = Math.max(Math.abs(f.lo), Math.abs(f.hi), Math.abs(ctxOp.lo), Math.abs(ctxOp.hi));
      const index = nonAnchorIntConv(b, headOp, [features, ctxPhases], false, bound, 'context_index_int');
      // means: all but the last layer at every position (on ctx with its anchors' 0s), the last at the non-anchors
      const zeros = b.node('Mul', [b.node('Slice', [ctxPhases.value, b.init('context.c0', DT.INT64, [1], rawI64([0])), b.init('context.c1', DT.INT64, [1], rawI64([C])), b.init('channel_axis', DT.INT64, [1], rawI64([1]))]), b.init('context.zero', DT.FLOAT, [], rawF32([0]))]);
      const ctxFull = b.node('DepthToSpace', [b.node('Concat', [zeros, ctxPhases.value, zeros], { axis: { i: 1 } })], { blocksize: { i: 2 }, mode: { s: 'DCR' } });
      const cat = b.node('Concat', ['features', b.node('Cast', [ctxFull], { to: { i: DT.INT32 } })], { axis: { i: 1 } });
      const trunk = opNodes(b, t.context_means.slice(0, -1), cat, 'i32', 'context_means');
      if (trunk.type !== 'f32' || last.op !== 'conv2d') bad(`${m.name}: context_means must give floats.`);
      const bias = b.float(last.bias, [last.cout]);
      const means =
        last.stride === 1 && last.padding === last.kernel >> 1
          ? nonAnchorFloatConv(b, last, pkg.f32(last.weight), bias, { value: b.node('SpaceToDepth', [trunk.value], { blocksize: { i: 2 } }), channels: last.cin, phases: { 0: 0, 1: last.cin, 2: 2 * last.cin, 3: 3 * last.cin } }, 'context_means')
          : toPassLayout(b, opNodes(b, [last], trunk.value, 'f32', 'context_means_last').value, last.cout);
      b.output(index, 'index');
      b.output(means, 'means');
      inputs = [
        { name: 'features', type: DT.INT32, dims: [1, 'N', 'h', 'w'] },
        { name: 'symbols', type: DT.INT32, dims: [1, M, 'h', 'w'] },
      ];
      outputs = [
        { name: 'index', type: DT.INT32, dims: [1, M, 'h', 'w2'] },
        { name: 'means', type: f32, dims: [1, M, 'h', 'w2'] },
      ];
      break;
    }
    default:
      bad(`unknown graph ${JSON.stringify(name)}.`);
  }
  return onnxModel({ name: `rdlab_${name}`, nodes: b.nodes, initializers: b.initializers, inputs, outputs });
}
