// conv2d and stride-2 transposed conv2d (CompressAI `deconv`) on f32 CHW tensors: shaders/gemm_tile.wgsl + conv2d.wgsl.
import core from '../shaders/gemm_tile.wgsl?raw';
import code from '../shaders/conv2d.wgsl?raw';
import type { Dispatch, GpuEngine, Program, Recorder } from '../engine';
import { paramsLayout } from '../params';
import { GpuEngineError } from '../errors';
import type { Shape, Tensor } from '../tensor';
import { checkChannels, checkF32, checkInt, checkLength, gemmGrid, gemmPrelude, gemmTile, type GemmTile } from './common';

/** Activation fused into the convolution's epilogue. */
export type Activation = 'none' | 'relu' | { leakyRelu: number };

/** The generalized convolution's geometry (see shaders/conv2d.wgsl), the activation and the packed weights' row width. */
export const CONV2D_PARAMS = paramsLayout({
  hin: 'u32', win: 'u32', cout: 'u32', hout: 'u32', wout: 'u32', npix: 'u32', kdim: 'u32', gw: 'u32',
  isy: 'u32', isx: 'u32', osy: 'u32', osx: 'u32', py: 'u32', px: 'u32', a_off4: 'u32',
  ioy: 'i32', iox: 'i32', t_off: 'u32', act: 'u32', alpha: 'f32', has_bias: 'u32', cout4: 'u32',
});

const programs = new Map<string, Program>();
function program(t: GemmTile): Program {
  const id = `conv2d/${t.wgM}x${t.wgN}`;
  let p = programs.get(id);
  if (!p) {
    p = { id, code: gemmPrelude(t) + CONV2D_PARAMS.wgsl + core + '\n' + code, entryPoint: 'conv2d', bindings: ['read', 'read', 'read', 'read', 'write'] };
    programs.set(id, p);
  }
  return p;
}

/** Tap word of the reduction table (see conv2d.wgsl): input channel and the (dy, dx) offset from the base pixel. */
function tapWord(ci: number, dy: number, dx: number): number {
  return ((ci << 16) | ((dy + 128) << 8) | (dx + 128)) >>> 0;
}

/** The conv's tap table: k = (ci·K + ky)·K + kx → (ci, ky, kx), matching OIHW weight rows. */
export function convTaps(cin: number, k: number): Uint32Array {
  const t = new Uint32Array(cin * k * k);
  let i = 0;
  for (let ci = 0; ci < cin; ci++) for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) t[i++] = tapWord(ci, ky, kx);
  return t;
}

/**
 * A[m][k] (row-major, m < rows, k < kdim) → the GEMM kernels' weight layout: transposed [k][M4] with M padded to
 * a multiple of 4, so a workgroup stages one vec4 of 4 output channels per load.
 */
export function packGemmWeights(a: ArrayLike<number>, rows: number, kdim: number, out = new Float32Array(kdim * padTo4(rows)), offset = 0): Float32Array {
  const m4 = padTo4(rows);
  for (let m = 0; m < rows; m++) for (let k = 0; k < kdim; k++) out[offset + k * m4 + m] = a[m * kdim + k];
  return out;
}

export function padTo4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

/** Geometry of one generalized-convolution dispatch (see conv2d.wgsl). */
interface Geometry {
  npix: number;
  kdim: number;
  gw: number;
  isy: number;
  isx: number;
  osy: number;
  osx: number;
  py: number;
  px: number;
  ioy: number;
  iox: number;
  aOff: number;
  tOff: number;
}

interface GemmConvLayer {
  readonly cin: number;
  readonly cout: number;
  readonly act: Activation;
  readonly weight: GPUBuffer;
  readonly bias: GPUBuffer | null;
  readonly taps: GPUBuffer;
}

function gemmConvDispatch(engine: GpuEngine, x: Tensor, y: Tensor, l: GemmConvLayer, g: Geometry, label: string): Dispatch {
  const [act, alpha] = actCode(l.act);
  const t = gemmTile(l.cout);
  const uniforms = CONV2D_PARAMS.write({
    hin: x.h, win: x.w, cout: l.cout, hout: y.h, wout: y.w, npix: g.npix, kdim: g.kdim, gw: g.gw,
    isy: g.isy, isx: g.isx, osy: g.osy, osx: g.osx, py: g.py, px: g.px, a_off4: g.aOff / 4,
    ioy: g.ioy, iox: g.iox, t_off: g.tOff, act, alpha, has_bias: l.bias ? 1 : 0, cout4: padTo4(l.cout) / 4,
  });
  return {
    program: program(t),
    uniforms,
    buffers: [x, l.weight, l.bias ?? engine.dummy, l.taps, y],
    workgroups: gemmGrid(engine, t, l.cout, g.npix),
    label,
  };
}

function actCode(a: Activation | undefined): [number, number] {
  if (!a || a === 'none') return [0, 0];
  if (a === 'relu') return [1, 0];
  return [2, a.leakyRelu];
}

export interface Conv2dParams {
  cin: number;
  cout: number;
  /** Kernel size (square), ≥ 1. */
  k: number;
  /** 1 (default) or 2. */
  stride?: number;
  /** Zero padding, default ⌊(k − 1)/2⌋ ("same" for odd k). */
  pad?: number;
  /** OIHW = PyTorch Conv2d.weight, cout·cin·k·k values. */
  weight: Float32Array;
  /** cout values, optional. */
  bias?: Float32Array | null;
  act?: Activation;
}

export interface Conv2dLayer {
  readonly kind: 'conv2d';
  readonly cin: number;
  readonly cout: number;
  readonly k: number;
  readonly stride: number;
  readonly pad: number;
  readonly act: Activation;
  readonly weight: GPUBuffer;
  readonly bias: GPUBuffer | null;
  readonly taps: GPUBuffer;
}

export function uploadConv2d(engine: GpuEngine, p: Conv2dParams): Conv2dLayer {
  const stride = p.stride ?? 1;
  const pad = p.pad ?? (p.k - 1) >> 1;
  checkInt('conv2d cin', p.cin, 1, 65535);
  checkInt('conv2d cout', p.cout, 1);
  checkInt('conv2d kernel size', p.k, 1, 15);
  checkInt('conv2d stride', stride, 1, 2);
  checkInt('conv2d padding', pad, 0, p.k - 1);
  checkLength('conv2d weight', p.weight, p.cout * p.cin * p.k * p.k);
  if (p.bias) checkLength('conv2d bias', p.bias, p.cout);
  return {
    kind: 'conv2d',
    cin: p.cin,
    cout: p.cout,
    k: p.k,
    stride,
    pad,
    act: p.act ?? 'none',
    weight: engine.constant(packGemmWeights(p.weight, p.cout, p.cin * p.k * p.k), 'conv2d weight'),
    bias: p.bias ? engine.constant(p.bias, 'conv2d bias') : null,
    taps: engine.constant(convTaps(p.cin, p.k), 'conv2d taps'),
  };
}

export function conv2dOutputShape(x: Shape, l: Pick<Conv2dLayer, 'cout' | 'k' | 'stride' | 'pad'>): Shape {
  const ho = Math.floor((x[1] + 2 * l.pad - l.k) / l.stride) + 1;
  const wo = Math.floor((x[2] + 2 * l.pad - l.k) / l.stride) + 1;
  if (ho < 1 || wo < 1) throw new GpuEngineError('shape', `conv2d: input ${x[1]}×${x[2]} is smaller than kernel ${l.k} with padding ${l.pad}`);
  return [l.cout, ho, wo];
}

/** The dispatch for y = conv2d(x) (exposed so tests can run deliberately altered variants through the same path). */
export function conv2dDispatch(engine: GpuEngine, x: Tensor, y: Tensor, l: Conv2dLayer): Dispatch {
  const g: Geometry = {
    npix: y.h * y.w,
    kdim: l.cin * l.k * l.k,
    gw: y.w,
    isy: l.stride,
    isx: l.stride,
    osy: 1,
    osx: 1,
    py: 0,
    px: 0,
    ioy: -l.pad,
    iox: -l.pad,
    aOff: 0,
    tOff: 0,
  };
  return gemmConvDispatch(engine, x, y, l, g, `conv2d ${l.cin}→${l.cout} k${l.k} s${l.stride}`);
}

export function conv2d(rec: Recorder, x: Tensor, l: Conv2dLayer): Tensor<'f32'> {
  checkF32('conv2d', x);
  checkChannels('conv2d', x, l.cin);
  const y = rec.tensor(conv2dOutputShape(x.shape, l), 'f32');
  rec.dispatch(conv2dDispatch(rec.engine, x, y, l));
  return y;
}

export interface ConvTranspose2dParams {
  cin: number;
  cout: number;
  k: number;
  /** Only 2 is supported (the upsampling layers of CompressAI models). */
  stride?: 2;
  pad: number;
  /** 0 or 1; H_out = 2·(H − 1) − 2·pad + k + outputPad. */
  outputPad: number;
  /** [cin][cout][k][k] = PyTorch ConvTranspose2d.weight. */
  weight: Float32Array;
  bias?: Float32Array | null;
  act?: Activation;
}

interface Phase {
  py: number;
  px: number;
  ky0: number;
  kx0: number;
  nty: number;
  ntx: number;
  aOff: number;
  tOff: number;
}

export interface ConvTranspose2dLayer {
  readonly kind: 'convTranspose2d';
  readonly cin: number;
  readonly cout: number;
  readonly k: number;
  readonly pad: number;
  readonly outputPad: number;
  readonly act: Activation;
  /** The four phase matrices [cout][cin·nty·ntx], concatenated. */
  readonly weight: GPUBuffer;
  readonly bias: GPUBuffer | null;
  readonly phases: readonly Phase[];
  /** The four phase tap tables (ci, −ty, −tx), concatenated. */
  readonly taps: GPUBuffer;
}

/** Taps of a k-wide kernel at stride 2 that hit output phase `ph` with padding `pad`: first tap and count. */
function taps(k: number, pad: number, ph: number): [number, number] {
  const k0 = (ph + pad) % 2;
  return [k0, k0 < k ? Math.ceil((k - k0) / 2) : 0];
}

/**
 * Repacks PyTorch [cin][cout][k][k] into four per-phase GEMM matrices A[cout][cin·nty·ntx] (stored in the
 * packGemmWeights layout, one after another) and their tap tables (ci, −ty, −tx) (exported for tests).
 */
export function packConvTranspose(cin: number, cout: number, k: number, pad: number, w: Float32Array): { data: Float32Array; taps: Uint32Array; phases: Phase[] } {
  const m4 = padTo4(cout);
  const data = new Float32Array(cin * m4 * k * k);
  const tapTable = new Uint32Array(cin * k * k);
  const phases: Phase[] = [];
  let off = 0;
  let tOff = 0;
  for (let py = 0; py < 2; py++)
    for (let px = 0; px < 2; px++) {
      const [ky0, nty] = taps(k, pad, py);
      const [kx0, ntx] = taps(k, pad, px);
      phases.push({ py, px, ky0, kx0, nty, ntx, aOff: off, tOff });
      const kdim = cin * nty * ntx;
      const a = new Float32Array(cout * kdim);
      let i = 0;
      for (let co = 0; co < cout; co++)
        for (let ci = 0; ci < cin; ci++)
          for (let ty = 0; ty < nty; ty++)
            for (let tx = 0; tx < ntx; tx++) a[i++] = w[((ci * cout + co) * k + ky0 + 2 * ty) * k + kx0 + 2 * tx];
      packGemmWeights(a, cout, kdim, data, off);
      off += kdim * m4;
      for (let ci = 0; ci < cin; ci++) for (let ty = 0; ty < nty; ty++) for (let tx = 0; tx < ntx; tx++) tapTable[tOff++] = tapWord(ci, -ty, -tx);
    }
  return { data, taps: tapTable, phases };
}

export function uploadConvTranspose2d(engine: GpuEngine, p: ConvTranspose2dParams): ConvTranspose2dLayer {
  checkInt('convTranspose2d cin', p.cin, 1, 65535);
  checkInt('convTranspose2d cout', p.cout, 1);
  checkInt('convTranspose2d kernel size', p.k, 1, 15);
  if ((p.stride ?? 2) !== 2) throw new GpuEngineError('params', `convTranspose2d: stride ${p.stride} (only 2 is supported)`);
  checkInt('convTranspose2d padding', p.pad, 0, p.k - 1);
  checkInt('convTranspose2d output padding', p.outputPad, 0, 1);
  checkLength('convTranspose2d weight', p.weight, p.cin * p.cout * p.k * p.k);
  if (p.bias) checkLength('convTranspose2d bias', p.bias, p.cout);
  const { data, taps: tapTable, phases } = packConvTranspose(p.cin, p.cout, p.k, p.pad, p.weight);
  return {
    kind: 'convTranspose2d',
    cin: p.cin,
    cout: p.cout,
    k: p.k,
    pad: p.pad,
    outputPad: p.outputPad,
    act: p.act ?? 'none',
    weight: engine.constant(data, 'convTranspose2d weight'),
    bias: p.bias ? engine.constant(p.bias, 'convTranspose2d bias') : null,
    phases,
    taps: engine.constant(tapTable, 'convTranspose2d taps'),
  };
}

export function convTranspose2dOutputShape(x: Shape, l: Pick<ConvTranspose2dLayer, 'cout' | 'k' | 'pad' | 'outputPad'>): Shape {
  const ho = 2 * (x[1] - 1) - 2 * l.pad + l.k + l.outputPad;
  const wo = 2 * (x[2] - 1) - 2 * l.pad + l.k + l.outputPad;
  if (ho < 1 || wo < 1) throw new GpuEngineError('shape', `convTranspose2d: output would be ${ho}×${wo}`);
  return [l.cout, ho, wo];
}

/** One dispatch per non-empty output phase. */
export function convTranspose2dDispatches(engine: GpuEngine, x: Tensor, y: Tensor, l: ConvTranspose2dLayer): Dispatch[] {
  const out: Dispatch[] = [];
  for (const ph of l.phases) {
    const hp = Math.ceil((y.h - ph.py) / 2);
    const wp = Math.ceil((y.w - ph.px) / 2);
    if (hp <= 0 || wp <= 0) continue;
    const g: Geometry = {
      npix: hp * wp,
      kdim: l.cin * ph.nty * ph.ntx,
      gw: wp,
      isy: 1,
      isx: 1,
      osy: 2,
      osx: 2,
      py: ph.py,
      px: ph.px,
      ioy: (ph.py + l.pad - ph.ky0) / 2,
      iox: (ph.px + l.pad - ph.kx0) / 2,
      aOff: ph.aOff,
      tOff: ph.tOff,
    };
    out.push(gemmConvDispatch(engine, x, y, l, g, `convTranspose2d ${l.cin}→${l.cout} k${l.k} phase ${ph.py}${ph.px}`));
  }
  return out;
}

export function convTranspose2d(rec: Recorder, x: Tensor, l: ConvTranspose2dLayer): Tensor<'f32'> {
  checkF32('convTranspose2d', x);
  checkChannels('convTranspose2d', x, l.cin);
  const y = rec.tensor(convTranspose2dOutputShape(x.shape, l), 'f32');
  for (const d of convTranspose2dDispatches(rec.engine, x, y, l)) rec.dispatch(d);
  return y;
}
