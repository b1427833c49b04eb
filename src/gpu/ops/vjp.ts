// Vector–Jacobian products of the synthesis and means-head ops w.r.t. their INPUT (never their weights), for
// encode-time latent refinement (issue 20): g = the cotangent of an op's output → the cotangent of its input.
// The float64 oracle is src/codecs/learned/refine/vjp.ts (itself checked against finite differences).
//
//   conv2d        stride 1: a conv2d over g with the weights transposed and flipped (W'[i][o][a][b] =
//                 W[o][i][k−1−a][k−1−b]) and padding k−1−p, on the GEMM kernel (conv2d.wgsl);
//                 stride 2: the transposed convolution with the same weights (its four phase convolutions),
//                 written into the input's shape (output padding 0 or 1 per axis)
//   depth_to_space  space-to-depth, its inverse permutation (ops/depth_to_space.ts spaceToDepth)
//   (I)GDN        two 1×1 GEMMs (shaders/gdn_vjp.wgsl): γ·x² → u, γᵀ·u
//   (leaky) ReLU  g · (v > 0 ? 1 : v < 0 ? slope : at 0), from the op's input or output (vjp.wgsl `act_vjp`)
//   int_to_float  g · scale (`scale_vjp`); the gain: mulChannel by the same vector (elementwise.ts)
// and the distortion D = Σ wt·(x̂ − x)² with dD/dx̂ (`distortion_grad`, partial sums per workgroup).
import gemmCore from '../shaders/gemm_tile.wgsl?raw';
import gdnVjpCode from '../shaders/gdn_vjp.wgsl?raw';
import code from '../shaders/vjp.wgsl?raw';
import type { GpuEngine, Program, Recorder } from '../engine';
import { GpuEngineError } from '../errors';
import { paramsLayout } from '../params';
import { shapeStr, type Shape, type Tensor } from '../tensor';
import { checkF32, checkInt, checkLength, elementGrid, gemmGrid, gemmPrelude, gemmTile, type GemmTile } from './common';
import { conv2d, convTranspose2dDispatches, packGemmWeights, padTo4, uploadConv2d, uploadConvTranspose2d, type Conv2dLayer, type ConvTranspose2dLayer } from './conv2d';

/** n: elements; hw: H·W; alpha: LeakyReLU slope or scale; at_zero: the activation's derivative at exactly 0. */
export const VJP_PARAMS = paramsLayout({ n: 'u32', hw: 'u32', alpha: 'f32', at_zero: 'f32' });

type Entry = 'act_vjp' | 'scale_vjp' | 'distortion_grad';
const programs = new Map<Entry, Program>();
function program(e: Entry): Program {
  let p = programs.get(e);
  if (!p) {
    const bindings = e === 'distortion_grad' ? (['read', 'read', 'write', 'read', 'write'] as const) : (['read', 'read', 'write'] as const);
    programs.set(e, (p = { id: `vjp/${e}`, code: VJP_PARAMS.wgsl + code, entryPoint: e, bindings }));
  }
  return p;
}

function sameShape(op: string, a: Tensor, b: Tensor): void {
  if (a.c !== b.c || a.h !== b.h || a.w !== b.w) throw new GpuEngineError('shape', `${op}: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)} differ`);
}

/**
 * The VJP of ReLU (slope 0, 0 at 0) or LeakyReLU (slope a, 1 at 0: PyTorch's x ≥ 0 branch): g · f′(v), where v is
 * the op's input or its output (same sign), so a conv with the activation fused need keep only its output.
 */
export function activationVjp(rec: Recorder, v: Tensor, g: Tensor, act: 'relu' | { leakyRelu: number }): Tensor<'f32'> {
  checkF32('activationVjp', v);
  checkF32('activationVjp', g);
  sameShape('activationVjp', v, g);
  const [alpha, atZero] = act === 'relu' ? [0, 0] : [act.leakyRelu, 1];
  if (!(alpha >= 0)) throw new GpuEngineError('params', `activationVjp: slope ${alpha} (must be ≥ 0, so input and output have one sign)`);
  const y = rec.tensor(g.shape, 'f32');
  rec.dispatch({
    program: program('act_vjp'),
    uniforms: VJP_PARAMS.write({ n: g.size, hw: g.h * g.w, alpha, at_zero: atZero }),
    buffers: [v, g, y],
    workgroups: elementGrid(rec.engine, g.size),
    label: 'act_vjp',
  });
  return y;
}

/** g · s (the VJP of int_to_float with scale s). */
export function scaleVjp(rec: Recorder, g: Tensor, s: number): Tensor<'f32'> {
  checkF32('scaleVjp', g);
  const y = rec.tensor(g.shape, 'f32');
  rec.dispatch({
    program: program('scale_vjp'),
    uniforms: VJP_PARAMS.write({ n: g.size, hw: g.h * g.w, alpha: s, at_zero: 0 }),
    buffers: [g, rec.engine.dummy, y],
    workgroups: elementGrid(rec.engine, g.size),
    label: 'scale_vjp',
  });
  return y;
}

/**
 * D = Σ_c,p wt[p]·(x̂[c,p] − x[c,p])² for x̂, x: C×H×W and wt: 1×H×W. Returns grad = dD/dx̂ and `partial`, one
 * sum per 256 elements: D = Σ partial (add them after readback, in float64).
 */
export function distortionGrad(rec: Recorder, xHat: Tensor, x: Tensor, wt: Tensor): { grad: Tensor<'f32'>; partial: Tensor<'f32'> } {
  for (const t of [xHat, x, wt]) checkF32('distortionGrad', t);
  sameShape('distortionGrad', xHat, x);
  if (wt.c !== 1 || wt.h !== x.h || wt.w !== x.w) throw new GpuEngineError('shape', `distortionGrad: weights ${shapeStr(wt.shape)} for an image ${shapeStr(x.shape)}`);
  const groups = elementGrid(rec.engine, x.size);
  const grad = rec.tensor(x.shape, 'f32');
  const partial = rec.tensor([1, 1, groups[0] * groups[1]], 'f32');
  rec.dispatch({
    program: program('distortion_grad'),
    uniforms: VJP_PARAMS.write({ n: x.size, hw: x.h * x.w, alpha: 0, at_zero: 0 }),
    buffers: [xHat, x, grad, wt, partial],
    workgroups: groups,
    label: 'distortion_grad',
  });
  return { grad, partial };
}

// ---- conv2d ----

export interface Conv2dVjpParams {
  cin: number;
  cout: number;
  k: number;
  stride: number;
  pad: number;
  /** The forward conv's OIHW weights (cout·cin·k·k). */
  weight: Float32Array;
}

export type Conv2dVjpLayer =
  | { readonly kind: 'conv2dVjp'; readonly stride: 1; readonly cin: number; readonly cout: number; readonly k: number; readonly pad: number; readonly conv: Conv2dLayer }
  | { readonly kind: 'conv2dVjp'; readonly stride: 2; readonly cin: number; readonly cout: number; readonly k: number; readonly pad: number; readonly convT: ConvTranspose2dLayer };

/** W[o][i][ky][kx] → W′[i][o][k−1−ky][k−1−kx] (the stride-1 conv VJP's weights; exported for tests). */
export function transposeFlip(w: ArrayLike<number>, cout: number, cin: number, k: number): Float32Array {
  const out = new Float32Array(cout * cin * k * k);
  for (let o = 0; o < cout; o++)
    for (let i = 0; i < cin; i++)
      for (let ky = 0; ky < k; ky++)
        for (let kx = 0; kx < k; kx++) out[((i * cout + o) * k + (k - 1 - ky)) * k + (k - 1 - kx)] = w[((o * cin + i) * k + ky) * k + kx];
  return out;
}

export function uploadConv2dVjp(engine: GpuEngine, p: Conv2dVjpParams): Conv2dVjpLayer {
  checkInt('conv2dVjp stride', p.stride, 1, 2);
  checkInt('conv2dVjp padding', p.pad, 0, p.k - 1);
  checkLength('conv2dVjp weight', p.weight, p.cout * p.cin * p.k * p.k);
  if (p.stride === 1) {
    const conv = uploadConv2d(engine, { cin: p.cout, cout: p.cin, k: p.k, stride: 1, pad: p.k - 1 - p.pad, weight: transposeFlip(p.weight, p.cout, p.cin, p.k) });
    return { kind: 'conv2dVjp', stride: 1, cin: p.cin, cout: p.cout, k: p.k, pad: p.pad, conv };
  }
  // ConvTranspose2d's weight [cin_T][cout_T][k][k] = [cout][cin][k][k]: the forward weights as they are
  const convT = uploadConvTranspose2d(engine, { cin: p.cout, cout: p.cin, k: p.k, pad: p.pad, outputPad: 0, weight: p.weight });
  return { kind: 'conv2dVjp', stride: 2, cin: p.cin, cout: p.cout, k: p.k, pad: p.pad, convT };
}

export function conv2dVjpBuffers(l: Conv2dVjpLayer): GPUBuffer[] {
  const c = l.stride === 1 ? l.conv : l.convT;
  return [c.weight, c.taps, ...(c.bias ? [c.bias] : [])];
}

/** The cotangent of the forward conv's input (shape inShape) from g, the cotangent of its output. */
export function conv2dVjp(rec: Recorder, g: Tensor, l: Conv2dVjpLayer, inShape: Shape): Tensor<'f32'> {
  checkF32('conv2dVjp', g);
  if (g.c !== l.cout) throw new GpuEngineError('shape', `conv2dVjp: cotangent has ${g.c} channels, the conv has ${l.cout} outputs`);
  if (inShape[0] !== l.cin) throw new GpuEngineError('shape', `conv2dVjp: input shape ${shapeStr(inShape)} for a conv with ${l.cin} inputs`);
  const ho = Math.floor((inShape[1] + 2 * l.pad - l.k) / l.stride) + 1;
  const wo = Math.floor((inShape[2] + 2 * l.pad - l.k) / l.stride) + 1;
  if (g.h !== ho || g.w !== wo) throw new GpuEngineError('shape', `conv2dVjp: cotangent ${shapeStr(g.shape)} is not the output of a ${shapeStr(inShape)} input`);
  if (l.stride === 1) return conv2d(rec, g, l.conv); // its output is the input's shape: H + 2p − k + 1 + 2(k − 1 − p) − k + 1 = H
  const y = rec.tensor(inShape, 'f32');
  for (const d of convTranspose2dDispatches(rec.engine, g, y, l.convT)) rec.dispatch(d);
  return y;
}

// ---- (I)GDN ----

/** c: channels; npix: H·W; inverse: IGDN; c4: ⌈c/4⌉. */
export const GDN_VJP_PARAMS = paramsLayout({ c: 'u32', npix: 'u32', inverse: 'u32', c4: 'u32' });

const gdnPrograms = new Map<string, Program>();
function gdnProgram(t: GemmTile, entry: 'gdn_vjp_u' | 'gdn_vjp_x'): Program {
  const id = `gdn_vjp/${entry}/${t.wgM}x${t.wgN}`;
  let p = gdnPrograms.get(id);
  if (!p) {
    p = { id, code: gemmPrelude(t) + GDN_VJP_PARAMS.wgsl + gemmCore + '\n' + gdnVjpCode, entryPoint: entry, bindings: ['read', 'read', 'read', 'read', 'write', 'write'] };
    gdnPrograms.set(id, p);
  }
  return p;
}

export interface GdnVjpLayer {
  readonly kind: 'gdnVjp';
  readonly channels: number;
  readonly inverse: boolean;
  readonly beta: GPUBuffer;
  /** γ packed as the forward (A = γ) and transposed (A = γᵀ). */
  readonly gamma: GPUBuffer;
  readonly gammaT: GPUBuffer;
}

export function uploadGdnVjp(engine: GpuEngine, p: { channels: number; beta: Float32Array; gamma: Float32Array; inverse?: boolean }): GdnVjpLayer {
  const C = p.channels;
  checkInt('gdnVjp channels', C, 1);
  checkLength('gdnVjp beta', p.beta, C);
  checkLength('gdnVjp gamma', p.gamma, C * C);
  const gT = new Float32Array(C * C);
  for (let i = 0; i < C; i++) for (let j = 0; j < C; j++) gT[j * C + i] = p.gamma[i * C + j];
  return {
    kind: 'gdnVjp',
    channels: C,
    inverse: p.inverse ?? false,
    beta: engine.constant(p.beta, 'gdnVjp beta'),
    gamma: engine.constant(packGemmWeights(p.gamma, C, C), 'gdnVjp gamma'),
    gammaT: engine.constant(packGemmWeights(gT, C, C), 'gdnVjp gammaT'),
  };
}

/** The cotangent of the (I)GDN's input x from g, the cotangent of its output (x: the forward's input). */
export function gdnVjp(rec: Recorder, x: Tensor, g: Tensor, l: GdnVjpLayer): Tensor<'f32'> {
  checkF32('gdnVjp', x);
  checkF32('gdnVjp', g);
  sameShape('gdnVjp', x, g);
  if (x.c !== l.channels) throw new GpuEngineError('shape', `gdnVjp: input has ${x.c} channels, layer expects ${l.channels}`);
  const npix = x.h * x.w;
  const t = gemmTile(l.channels);
  const uniforms = GDN_VJP_PARAMS.write({ c: l.channels, npix, inverse: l.inverse ? 1 : 0, c4: padTo4(l.channels) / 4 });
  const u = rec.tensor(x.shape, 'f32');
  const gx = rec.tensor(x.shape, 'f32');
  const workgroups = gemmGrid(rec.engine, t, l.channels, npix);
  rec.dispatch({ program: gdnProgram(t, 'gdn_vjp_u'), uniforms, buffers: [x, l.gamma, l.beta, g, u, gx], workgroups, label: `gdn_vjp_u ${l.channels}` });
  rec.dispatch({ program: gdnProgram(t, 'gdn_vjp_x'), uniforms, buffers: [x, l.gammaT, l.beta, g, u, gx], workgroups, label: `gdn_vjp_x ${l.channels}` });
  rec.release(u);
  return gx;
}
