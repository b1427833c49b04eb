// Integer convolution ("iconv") for bit-exact integer networks (e.g. the hyper-synthesis that chooses entropy
// tables: encoder and decoder must agree on every bit, on any device). This file is both the production CPU
// path and the oracle for the WGSL kernel in ../shaders/conv2d_int.wgsl, which must match it exactly.
// It imports nothing from WebGPU, so workers and Node can use it.
//
// Definition (per output channel o, output pixel p):
//   acc = bias[o] + Σ_{i,ky,kx} w[o,i,ky,kx] · x[i, oy·s+ky−pad, ox·s+kx−pad]     (zero padding; i32 wrapping arithmetic)
//   out = clamp(trunc_div(acc + (c[o] >> 1), c[o]), lo[o], hi[o])
// trunc_div truncates toward zero like WGSL's i32 `/` and ONNX Div on int32. Because lo ≥ 0, any negative
// numerator gives a quotient ≤ 0 that is clamped to lo whether division truncates or floors, so floor-dividing
// implementations (numpy `//`, Python) produce the same output.
// Inputs are guaranteed in [−127, 127] and weights in the int8 range by the exporter, so every product is
// exact; sums wrap modulo 2³² exactly as WGSL i32 does (they do not overflow for exported networks anyway).
import { RdLabError } from '../../errors';
import type { Shape } from '../tensor';

export interface IConvParams {
  cin: number;
  cout: number;
  /** 1, 3 or 5. */
  k: number;
  /** 1 or 2. */
  stride: number;
  /** Zero padding (usually (k − 1) / 2). */
  pad: number;
  /** OIHW, int8 range. */
  weight: Int8Array | Int32Array;
  /** Per output channel. */
  bias: Int32Array;
  /** Per output channel, > 0. */
  divisor: Int32Array;
  /** Per output channel clamp bounds, 0 ≤ lo ≤ hi. */
  lo: Int32Array;
  hi: Int32Array;
  /** Inputs are read as clamp(x, −clip, clip) (the checkerboard context's symbols); none: x as it is. */
  clip?: number;
  /** Only the outputs with (oy + ox) mod 2 = parity are computed, the others are 0 (the checkerboard context and
   * its heads: 1 = the non-anchors). Stride 1. */
  parity?: 0 | 1;
}

export type IConvErrorKind = 'params' | 'shape';

export class IConvError extends RdLabError<IConvErrorKind> {
  constructor(kind: IConvErrorKind, message: string) {
    super(kind, message);
    this.name = 'IConvError';
  }
}

export function iconvOutputShape(inShape: Shape, p: Pick<IConvParams, 'cout' | 'k' | 'stride' | 'pad'>): Shape {
  const ho = Math.floor((inShape[1] + 2 * p.pad - p.k) / p.stride) + 1;
  const wo = Math.floor((inShape[2] + 2 * p.pad - p.k) / p.stride) + 1;
  return [p.cout, ho, wo];
}

/** Checks every parameter once (typed IConvError); both the CPU and the GPU path call it. */
export function validateIConv(p: IConvParams): void {
  const bad = (m: string) => {
    throw new IConvError('params', `iconv: ${m}`);
  };
  if (![1, 3, 5].includes(p.k)) bad(`kernel size ${p.k} (must be 1, 3 or 5)`);
  if (p.stride !== 1 && p.stride !== 2) bad(`stride ${p.stride} (must be 1 or 2)`);
  if (!Number.isInteger(p.pad) || p.pad < 0 || p.pad >= p.k) bad(`padding ${p.pad}`);
  if (!Number.isInteger(p.cin) || p.cin < 1 || !Number.isInteger(p.cout) || p.cout < 1) bad(`channels ${p.cin}→${p.cout}`);
  if (p.weight.length !== p.cout * p.cin * p.k * p.k) bad(`weight has ${p.weight.length} values, expected ${p.cout * p.cin * p.k * p.k}`);
  for (const [name, a] of [['bias', p.bias], ['divisor', p.divisor], ['lo', p.lo], ['hi', p.hi]] as const) {
    if (a.length !== p.cout) bad(`${name} has ${a.length} values, expected ${p.cout}`);
  }
  for (let o = 0; o < p.cout; o++) {
    if (p.divisor[o] <= 0) bad(`divisor[${o}] = ${p.divisor[o]} (must be > 0)`);
    if (p.lo[o] < 0 || p.lo[o] > p.hi[o]) bad(`clamp bounds [${p.lo[o]}, ${p.hi[o]}] for channel ${o} (need 0 ≤ lo ≤ hi)`);
  }
  for (let i = 0; i < p.weight.length; i++) if (p.weight[i] < -128 || p.weight[i] > 127) bad(`weight[${i}] = ${p.weight[i]} outside int8`);
  if (p.clip !== undefined && !(Number.isInteger(p.clip) && p.clip >= 0 && p.clip <= 127)) bad(`clip ${p.clip} (must be an integer in [0, 127])`);
  if (p.parity !== undefined && ((p.parity !== 0 && p.parity !== 1) || p.stride !== 1)) bad(`parity ${p.parity} needs stride 1 and 0 or 1`);
}

/**
 * Integer convolution on the CPU. x is CHW int32 (values in [−127, 127]). Cost: one multiply-add per tap,
 * row-wise over typed arrays, no allocation per element.
 */
export function iconv(x: Int32Array, shape: Shape, p: IConvParams): { shape: Shape; data: Int32Array } {
  validateIConv(p);
  const [cin, h, w] = shape;
  if (cin !== p.cin) throw new IConvError('shape', `iconv: input has ${cin} channels, layer expects ${p.cin}`);
  if (x.length !== cin * h * w) throw new IConvError('shape', `iconv: ${x.length} values for shape ${shape.join('×')}`);
  const out = iconvOutputShape(shape, p);
  const [, ho, wo] = out;
  if (ho < 1 || wo < 1) throw new IConvError('shape', `iconv: input ${h}×${w} too small for kernel ${p.k}`);
  const { k, stride: s, pad, weight } = p;
  if (p.clip !== undefined) {
    const c = p.clip;
    x = x.map((v) => (v > c ? c : v < -c ? -c : v));
  }
  // With a parity, only every other output of a row is computed (step 2), starting where (oy + ox) mod 2 = parity.
  const par = p.parity;
  const step = par === undefined ? 1 : 2;
  const first = (oy: number, ox0: number) => (par === undefined ? ox0 : ox0 + (((oy + ox0) & 1) ^ par));
  const plane = ho * wo;
  const y = new Int32Array(p.cout * plane);
  const acc = new Int32Array(plane); // Int32Array stores wrap modulo 2³², like WGSL i32
  for (let o = 0; o < p.cout; o++) {
    acc.fill(p.bias[o]);
    for (let i = 0; i < cin; i++) {
      const xo = i * h * w;
      for (let ky = 0; ky < k; ky++) {
        // Output rows whose input row iy = oy·s + ky − pad lies inside [0, h).
        const oy0 = Math.max(0, Math.ceil((pad - ky) / s));
        const oy1 = Math.min(ho - 1, Math.floor((h - 1 + pad - ky) / s));
        for (let kx = 0; kx < k; kx++) {
          const wv = weight[((o * cin + i) * k + ky) * k + kx];
          if (wv === 0) continue;
          const ox0 = Math.max(0, Math.ceil((pad - kx) / s));
          const ox1 = Math.min(wo - 1, Math.floor((w - 1 + pad - kx) / s));
          for (let oy = oy0; oy <= oy1; oy++) {
            const row = xo + (oy * s + ky - pad) * w + kx - pad;
            const ao = oy * wo;
            for (let ox = first(oy, ox0); ox <= ox1; ox += step) acc[ao + ox] += Math.imul(wv, x[row + ox * s]);
          }
        }
      }
    }
    const c = p.divisor[o];
    const half = c >> 1;
    const lo = p.lo[o];
    const hi = p.hi[o];
    const yo = o * plane;
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = first(oy, 0), q = oy * wo + ox; ox < wo; ox += step, q += step) {
        // (a + half) | 0 wraps like i32; Math.trunc of the exact float64 quotient equals WGSL's truncating i32 `/`.
        const v = Math.trunc(((acc[q] + half) | 0) / c);
        y[yo + q] = v < lo ? lo : v > hi ? hi : v;
      }
    }
  }
  return { shape: out, data: y };
}

/** Depth-to-space ×r on int32 CHW (the same permutation as the float op; see reference/ops.ts). */
export function depthToSpaceI32(x: Int32Array, shape: Shape, r = 2): { shape: Shape; data: Int32Array } {
  const [c, h, w] = shape;
  if (c % (r * r) !== 0) throw new IConvError('shape', `depthToSpace: ${c} channels not divisible by ${r * r}`);
  const co = c / (r * r);
  const out = new Int32Array(x.length);
  for (let oc = 0; oc < co; oc++)
    for (let i = 0; i < r; i++)
      for (let j = 0; j < r; j++) {
        const src = (oc * r * r + i * r + j) * h * w;
        for (let y = 0; y < h; y++) {
          const dst = (oc * h * r + y * r + i) * w * r + j;
          for (let xx = 0; xx < w; xx++) out[dst + xx * r] = x[src + y * w + xx];
        }
      }
  return { shape: [co, h * r, w * r], data: out };
}
