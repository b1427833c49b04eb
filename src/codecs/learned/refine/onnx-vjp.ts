// The refinement's graphs for onnxruntime (wasm EP in Node, any EP in the browser), built from the package's op
// lists with the same builder as the codec's graphs (../onnx-graph.ts): each forward op's nodes, then its VJP
// w.r.t. its input in reverse order, in one graph, so one session run gives the distortion and its gradient.
//
//   synthesis_grad  y_hat (1,M,h,w), inv_gain (M), x (1,3,H,W), wt (1,1,H,W)
//                     → d (scalar) = Σ wt·(x̂ − x)², g_y (1,M,h,w) = dd/dy_hat,  x̂ = synthesis(y_hat · inv_gain)
//   means           features (1,N,h,w) int32 → means (1,M,h,w)
//   means_grad      features, g (1,M,h,w) → g_features (1,N,h,w) = d⟨g, means⟩/d features
//
// The VJPs: conv2d (stride 1) → ConvTranspose with the same weights and padding; depth_to_space (CRD) →
// SpaceToDepth (its DCR inverse) then a channel Gather that turns DCR order into CRD; (I)GDN →
// g·n^(±½) ± x·Conv1×1(g·x·n^(±½−1), γᵀ); (leaky) ReLU → g·Where(x ≥ 0, 1, slope); int_to_float, the gain → ·scale.
// Checked against the float64 VJPs of vjp.ts (onnx-vjp.test.ts).
import type * as Ort from 'onnxruntime-web';
import type { OpOf } from '../../../gpu/oplist';
import type { Shape } from '../../../gpu/tensor';
import { GraphBuilder, convAttrs, mulChannels, opNodes, type GraphWeights, type ValueType } from '../onnx-graph';
import { DT, onnxModel, rawF32, rawI64, type OnnxValue } from '../onnx-proto';
import type { ModelPackage, Op } from '../package';
import type { RefineEngine, SynthesisGrad } from './engine';

export type RefineGraphName = 'synthesis_grad' | 'means' | 'means_grad';

const scalar = (b: GraphBuilder, name: string, v: number) => b.init(name, DT.FLOAT, [], rawF32([v]));

/** Nodes of one op's VJP: `x` its input (`inChannels` channels), `g` the output's cotangent → the input's cotangent. */
function vjpNodes(b: GraphBuilder, op: Op, x: string, inChannels: number, g: string, tag: string): string {
  switch (op.op) {
    case 'conv2d': {
      if (op.stride !== 1) throw new Error(`${tag}: the refinement graphs take stride-1 convolutions only (the synthesis and means head have no other).`);
      const w = b.float(op.weight, [op.cout, op.cin, op.kernel, op.kernel]);
      return b.node('ConvTranspose', [g, w], convAttrs(op.kernel, 1, op.padding));
    }
    case 'depth_to_space': {
      const r = op.block;
      const C = inChannels / (r * r); // the output's channels
      const idx = new Array<number>(C * r * r);
      for (let c = 0; c < C; c++) for (let k = 0; k < r * r; k++) idx[c * r * r + k] = k * C + c;
      const s2d = b.node('SpaceToDepth', [g], { blocksize: { i: r } });
      return b.node('Gather', [s2d, b.init(`${tag}.perm`, DT.INT64, [idx.length], rawI64(idx))], { axis: { i: 1 } });
    }
    case 'gdn':
    case 'igdn': {
      const C = op.channels;
      const gamma = b.float(op.gamma, [C, C, 1, 1]);
      const norm = b.node('Conv', [b.node('Mul', [x, x]), gamma, b.float(op.beta, [C])], convAttrs(1, 1, 0));
      const root = b.node('Sqrt', [norm]);
      const gammaT = b.node('Transpose', [gamma], { perm: { ints: [1, 0, 2, 3] } });
      const gx = b.node('Mul', [g, x]);
      if (op.op === 'igdn') {
        // gx = g·√n + x · Conv(g·x/√n, γᵀ)
        const inner = b.node('Conv', [b.node('Div', [gx, root]), gammaT], convAttrs(1, 1, 0));
        return b.node('Add', [b.node('Mul', [g, root]), b.node('Mul', [x, inner])]);
      }
      // gx = g/√n − x · Conv(g·x/(n√n), γᵀ)
      const inner = b.node('Conv', [b.node('Div', [gx, b.node('Mul', [norm, root])]), gammaT], convAttrs(1, 1, 0));
      return b.node('Sub', [b.node('Div', [g, root]), b.node('Mul', [x, inner])]);
    }
    case 'relu':
    case 'leaky_relu': {
      const slope = op.op === 'relu' ? 0 : (op as OpOf<'leaky_relu'>).slope;
      const pos = b.node(op.op === 'relu' ? 'Greater' : 'GreaterOrEqual', [x, scalar(b, `${tag}.zero`, 0)]);
      return b.node('Mul', [g, b.node('Where', [pos, scalar(b, `${tag}.one`, 1), scalar(b, `${tag}.slope`, slope)])]);
    }
    case 'int_to_float':
      return b.node('Mul', [g, scalar(b, `${tag}.scale`, op.scale)]);
    case 'abs':
      return b.node('Mul', [g, b.node('Sign', [x])]);
    case 'iconv2d':
      throw new Error(`${tag}: the integer layer's VJP runs in TypeScript (vjp.ts), not in these graphs.`);
    default:
      throw new Error(`${tag}: the refinement graphs have no VJP for op ${(op as Op).op}.`);
  }
}

/** Forward nodes op by op (every intermediate named), then the VJP from `gOut` back to the input. */
function forwardBackward(b: GraphBuilder, ops: readonly Op[], x: string, t: ValueType, channels: number, where: string) {
  const inputs: string[] = [];
  const chans: number[] = [];
  let cur = x;
  let type = t;
  let ch = channels;
  ops.forEach((op, i) => {
    inputs.push(cur);
    chans.push(ch);
    const r = opNodes(b, [op], cur, type, `${where}.${i}`);
    cur = r.value;
    type = r.type;
    if (op.op === 'conv2d' || op.op === 'iconv2d') ch = op.cout;
    else if (op.op === 'depth_to_space') ch = ch / (op.block * op.block);
  });
  return {
    out: cur,
    back(gOut: string): string {
      let g = gOut;
      for (let i = ops.length - 1; i >= 0; i--) g = vjpNodes(b, ops[i], inputs[i], chans[i], g, `${where}.vjp${i}`);
      return g;
    },
    outChannels: ch,
  };
}

/** Tests: an f32 op list's forward and VJP nodes in a builder of their own. */
export function forwardBackwardForTests(b: GraphBuilder, ops: readonly Op[], x: string, channels: number) {
  return forwardBackward(b, ops, x, 'f32', channels, 'ops');
}

/** The serialized ONNX model (opset 17) of one refinement graph. */
export function buildRefineGraph(pkg: ModelPackage & GraphWeights, name: RefineGraphName): Uint8Array {
  const m = pkg.manifest;
  const M = m.channels.M;
  const N = m.channels.N;
  const f32 = DT.FLOAT;
  const b = new GraphBuilder(pkg, name);
  let inputs: OnnxValue[];
  let outputs: OnnxValue[];
  if (name === 'synthesis_grad') {
    const yg = mulChannels(b, 'y_hat', 'inv_gain');
    const fb = forwardBackward(b, m.transforms.synthesis, yg, 'f32', M, 'synthesis');
    const diff = b.node('Sub', [fb.out, 'x']);
    const wdiff = b.node('Mul', [diff, 'wt']);
    // D per pixel row (summed over channels and columns in float32), the rows summed in float64 by the caller: one
    // float32 sum over a whole image is off by ~1e-4 relative at 0.1 MP, enough to blur a tile's loss change
    const rowAxes = b.init('d.row_axes', DT.INT64, [3], rawI64([0, 1, 3]));
    b.output(b.node('ReduceSum', [b.node('Mul', [wdiff, diff]), rowAxes], { keepdims: { i: 0 } }), 'd_rows');
    const g = fb.back(b.node('Mul', [wdiff, scalar(b, 'two', 2)]));
    b.output(mulChannels(b, g, 'inv_gain'), 'g_y');
    inputs = [
      { name: 'y_hat', type: f32, dims: [1, M, 'h', 'w'] },
      { name: 'inv_gain', type: f32, dims: [M] },
      { name: 'x', type: f32, dims: [1, 3, 'H', 'W'] },
      { name: 'wt', type: f32, dims: [1, 1, 'H', 'W'] },
    ];
    outputs = [
      { name: 'd_rows', type: f32, dims: ['H'] },
      { name: 'g_y', type: f32, dims: [1, M, 'h', 'w'] },
    ];
  } else {
    const ops = m.transforms.means;
    if (!ops) throw new Error(`${m.name} has no means head.`);
    const fb = forwardBackward(b, ops, 'features', 'i32', N, 'means');
    if (name === 'means') {
      b.output(fb.out, 'means');
      inputs = [{ name: 'features', type: DT.INT32, dims: [1, N, 'h', 'w'] }];
      outputs = [{ name: 'means', type: f32, dims: [1, M, 'h', 'w'] }];
    } else {
      b.output(fb.back('g'), 'g_features');
      inputs = [
        { name: 'features', type: DT.INT32, dims: [1, N, 'h', 'w'] },
        { name: 'g', type: f32, dims: [1, M, 'h', 'w'] },
      ];
      outputs = [{ name: 'g_features', type: f32, dims: [1, N, 'h', 'w'] }];
    }
  }
  return onnxModel({ name: `rdlab_refine_${name}`, nodes: b.nodes, initializers: b.initializers, inputs, outputs });
}

type OrtModule = typeof Ort;

/** The refinement engine on onnxruntime sessions of the graphs above (one per graph, created when first used). */
export class OrtRefineEngine implements RefineEngine {
  readonly label: string;
  private readonly sessions = new Map<RefineGraphName, Promise<Ort.InferenceSession>>();

  constructor(
    private readonly ort: OrtModule,
    private readonly pkg: ModelPackage,
    private readonly ep: 'wasm' | 'webgpu' = 'wasm',
  ) {
    this.label = `onnxruntime-web ${ort.env.versions?.web ?? ''} (${ep} EP)`.replace('  ', ' ');
  }

  private session(name: RefineGraphName): Promise<Ort.InferenceSession> {
    let s = this.sessions.get(name);
    if (!s) {
      s = Promise.resolve().then(() => this.ort.InferenceSession.create(buildRefineGraph(this.pkg, name), { executionProviders: [this.ep], graphOptimizationLevel: 'all' }));
      this.sessions.set(name, s);
    }
    return s;
  }

  async synthesisGrad(yHat: Float32Array, yShape: Shape, invGain: Float32Array, target: Float32Array, wt: Float32Array): Promise<SynthesisGrad> {
    const T = this.ort.Tensor;
    const [H, W] = [yShape[1] * 16, yShape[2] * 16];
    const r = await (await this.session('synthesis_grad')).run({
      y_hat: new T('float32', yHat, [1, ...yShape]),
      inv_gain: new T('float32', invGain, [invGain.length]),
      x: new T('float32', target, [1, 3, H, W]),
      wt: new T('float32', wt, [1, 1, H, W]),
    });
    let d = 0;
    for (const v of r.d_rows.data as Float32Array) d += v;
    return { d, grad: r.g_y.data as Float32Array };
  }

  async means(features: Int32Array, fShape: Shape): Promise<Float32Array> {
    const r = await (await this.session('means')).run({ features: new this.ort.Tensor('int32', features, [1, ...fShape]) });
    return r.means.data as Float32Array;
  }

  async meansGrad(features: Int32Array, fShape: Shape, g: Float32Array): Promise<Float32Array> {
    const M = this.pkg.manifest.channels.M;
    const r = await (await this.session('means_grad')).run({
      features: new this.ort.Tensor('int32', features, [1, ...fShape]),
      g: new this.ort.Tensor('float32', g, [1, M, fShape[1], fShape[2]]),
    });
    return r.g_features.data as Float32Array;
  }

  dispose(): void {
    for (const s of this.sessions.values()) s.then((x) => x.release()).catch(() => {});
    this.sessions.clear();
  }
}
