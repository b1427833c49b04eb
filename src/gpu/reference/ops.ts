// Float64 CPU reference of every tensor-engine op. It is the test oracle for the WGSL kernels (and is itself
// checked against PyTorch-generated vectors in reference.test.ts). Written for clarity, not speed: each op is its
// textbook definition, deliberately *not* the GPU's formulation (convolutions here are direct loops, the
// transposed convolution scatters instead of gathering per phase, GDN sums explicitly).
//
// Tensors are planar CHW (see ../tensor.ts): element (c, y, x) at (c·H + y)·W + x.
import type { Shape } from '../tensor';

export interface RefTensor {
  shape: Shape;
  data: Float64Array;
}

export function refTensor(shape: Shape, data?: ArrayLike<number>): RefTensor {
  const n = shape[0] * shape[1] * shape[2];
  const d = new Float64Array(n);
  if (data) {
    if (data.length !== n) throw new Error(`refTensor: ${data.length} values for shape ${shape.join('×')}`);
    for (let i = 0; i < n; i++) d[i] = data[i];
  }
  return { shape, data: d };
}

/**
 * The checkerboard context layer (op checkerboard_iconv2d) by its definition: at a non-anchor (oy + ox odd)
 * out = clamp(trunc((acc + ⌊c/2⌋) / c), lo, hi) with acc = b + Σ over the input positions that are anchors
 * (iy + ix even) inside the k×k window of w · clamp(x, −clip, clip); 0 at the anchors. Written over input
 * positions (which anchors a window holds), not over the kernel's odd taps as the kernels are.
 */
export function checkerboardConv(
  x: RefTensor,
  w: ArrayLike<number>,
  bias: ArrayLike<number>,
  divisor: ArrayLike<number>,
  cout: number,
  k: number,
  o: { pad: number; lo: number; hi: number; clip: number },
): RefTensor {
  const [cin, h, wd] = x.shape;
  const ho = h + 2 * o.pad - k + 1;
  const wo = wd + 2 * o.pad - k + 1;
  const y = refTensor([cout, ho, wo]);
  for (let oc = 0; oc < cout; oc++)
    for (let oy = 0; oy < ho; oy++)
      for (let ox = 0; ox < wo; ox++) {
        if ((oy + ox) % 2 === 0) continue;
        let acc = bias[oc];
        for (let iy = oy - o.pad; iy < oy - o.pad + k; iy++)
          for (let ix = ox - o.pad; ix < ox - o.pad + k; ix++) {
            if (iy < 0 || iy >= h || ix < 0 || ix >= wd || (iy + ix) % 2 !== 0) continue;
            for (let i = 0; i < cin; i++) {
              const v = Math.min(o.clip, Math.max(-o.clip, x.data[(i * h + iy) * wd + ix]));
              acc += w[((oc * cin + i) * k + (iy - oy + o.pad)) * k + (ix - ox + o.pad)] * v;
            }
          }
        const q = Math.trunc((acc + Math.floor(divisor[oc] / 2)) / divisor[oc]);
        y.data[(oc * ho + oy) * wo + ox] = Math.min(o.hi, Math.max(o.lo, q));
      }
  return y;
}

export interface ConvOptions {
  stride: number;
  pad: number;
}

/** y[o, oy, ox] = b[o] + Σ_{i,ky,kx} w[o, i, ky, kx] · x[i, oy·s + ky − p, ox·s + kx − p] (zero outside). w: OIHW. */
export function conv2d(x: RefTensor, w: ArrayLike<number>, bias: ArrayLike<number> | null, cout: number, k: number, o: ConvOptions): RefTensor {
  const [cin, h, wd] = x.shape;
  const ho = Math.floor((h + 2 * o.pad - k) / o.stride) + 1;
  const wo = Math.floor((wd + 2 * o.pad - k) / o.stride) + 1;
  const y = refTensor([cout, ho, wo]);
  for (let co = 0; co < cout; co++)
    for (let oy = 0; oy < ho; oy++)
      for (let ox = 0; ox < wo; ox++) {
        let s = bias ? bias[co] : 0;
        for (let ci = 0; ci < cin; ci++)
          for (let ky = 0; ky < k; ky++) {
            const iy = oy * o.stride + ky - o.pad;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < k; kx++) {
              const ix = ox * o.stride + kx - o.pad;
              if (ix < 0 || ix >= wd) continue;
              s += w[((co * cin + ci) * k + ky) * k + kx] * x.data[(ci * h + iy) * wd + ix];
            }
          }
        y.data[(co * ho + oy) * wo + ox] = s;
      }
  return y;
}

export interface ConvTransposeOptions {
  stride: number;
  pad: number;
  outputPad: number;
}

/**
 * PyTorch ConvTranspose2d (w: [Cin, Cout, K, K]) by its definition: every input pixel scatters its kernel,
 * x[i, iy, ix] · w[i, o, ky, kx] lands on output (iy·s − p + ky, ix·s − p + kx); H_out = (H−1)·s − 2p + K + output_padding.
 */
export function convTranspose2d(x: RefTensor, w: ArrayLike<number>, bias: ArrayLike<number> | null, cout: number, k: number, o: ConvTransposeOptions): RefTensor {
  const [cin, h, wd] = x.shape;
  const ho = (h - 1) * o.stride - 2 * o.pad + k + o.outputPad;
  const wo = (wd - 1) * o.stride - 2 * o.pad + k + o.outputPad;
  const y = refTensor([cout, ho, wo]);
  for (let co = 0; co < cout; co++) {
    const b = bias ? bias[co] : 0;
    for (let i = 0; i < ho * wo; i++) y.data[co * ho * wo + i] = b;
  }
  for (let ci = 0; ci < cin; ci++)
    for (let iy = 0; iy < h; iy++)
      for (let ix = 0; ix < wd; ix++) {
        const v = x.data[(ci * h + iy) * wd + ix];
        for (let co = 0; co < cout; co++)
          for (let ky = 0; ky < k; ky++) {
            const oy = iy * o.stride - o.pad + ky;
            if (oy < 0 || oy >= ho) continue;
            for (let kx = 0; kx < k; kx++) {
              const ox = ix * o.stride - o.pad + kx;
              if (ox < 0 || ox >= wo) continue;
              y.data[(co * ho + oy) * wo + ox] += v * w[((ci * cout + co) * k + ky) * k + kx];
            }
          }
      }
  return y;
}

/** PyTorch PixelShuffle / ONNX DepthToSpace(mode=CRD): out[c, y·r+i, x·r+j] = in[c·r² + i·r + j, y, x]. */
export function depthToSpace<T extends Float64Array | Int32Array>(data: T, shape: Shape, r: number): { shape: Shape; data: T } {
  const [c, h, w] = shape;
  if (c % (r * r) !== 0) throw new Error(`depthToSpace: ${c} channels not divisible by ${r * r}`);
  const co = c / (r * r);
  const out = new (data.constructor as { new (n: number): T })(data.length);
  for (let oc = 0; oc < co; oc++)
    for (let i = 0; i < r; i++)
      for (let j = 0; j < r; j++)
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++) out[(oc * h * r + y * r + i) * w * r + x * r + j] = data[((oc * r * r + i * r + j) * h + y) * w + x];
  return { shape: [co, h * r, w * r], data: out };
}

/** CompressAI GDN: y_i = x_i / sqrt(β_i + Σ_j γ_ij x_j²); inverse (IGDN): y_i = x_i · sqrt(β_i + Σ_j γ_ij x_j²). γ row-major [i][j]. */
export function gdn(x: RefTensor, beta: ArrayLike<number>, gamma: ArrayLike<number>, inverse: boolean): RefTensor {
  const [c, h, w] = x.shape;
  const hw = h * w;
  const y = refTensor(x.shape);
  for (let p = 0; p < hw; p++)
    for (let i = 0; i < c; i++) {
      let n = beta[i];
      for (let j = 0; j < c; j++) {
        const v = x.data[j * hw + p];
        n += gamma[i * c + j] * v * v;
      }
      const xi = x.data[i * hw + p];
      y.data[i * hw + p] = inverse ? xi * Math.sqrt(n) : xi / Math.sqrt(n);
    }
  return y;
}

export function map(x: RefTensor, f: (v: number, i: number) => number): RefTensor {
  const y = refTensor(x.shape);
  for (let i = 0; i < y.data.length; i++) y.data[i] = f(x.data[i], i);
  return y;
}

export const relu = (x: RefTensor) => map(x, (v) => (v > 0 ? v : 0));
export const leakyRelu = (x: RefTensor, alpha: number) => map(x, (v) => (v >= 0 ? v : alpha * v));
export const abs = (x: RefTensor) => map(x, (v) => Math.abs(v));
export const add = (a: RefTensor, b: RefTensor) => map(a, (v, i) => v + b.data[i]);
/** y[c, …] = x[c, …] · v[c]. */
export const mulChannel = (x: RefTensor, v: ArrayLike<number>) => {
  const hw = x.shape[1] * x.shape[2];
  return map(x, (u, i) => u * v[Math.floor(i / hw)]);
};

/** Round half to even (PyTorch `round`, WGSL `round`, IEEE roundTiesToEven). */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Means for quantization: none, one per channel, or a full tensor. */
export type RefMeans = null | { perChannel: ArrayLike<number> } | { tensor: ArrayLike<number> };

function meanAt(m: RefMeans, i: number, hw: number): number {
  if (!m) return 0;
  if ('perChannel' in m) return m.perChannel[Math.floor(i / hw)];
  return m.tensor[i];
}

/**
 * CompressAI quantize: symbols q = round(x − μ), dequantized q + μ. The difference x − μ and the sum q + μ are
 * rounded to binary32 (Math.fround) because the rounding decision must match the f32 GPU bit for bit.
 */
export function quantize(x: RefTensor, means: RefMeans): { symbols: Int32Array; dequantized: Float64Array } {
  const hw = x.shape[1] * x.shape[2];
  const n = x.data.length;
  const symbols = new Int32Array(n);
  const dequantized = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const mu = Math.fround(meanAt(means, i, hw));
    const q = roundHalfEven(Math.fround(Math.fround(x.data[i]) - mu));
    symbols[i] = q;
    dequantized[i] = Math.fround(q + mu);
  }
  return { symbols, dequantized };
}

/** Index of the first table entry ≥ max(scale, bound), or the last index when none is (CompressAI build_indexes). */
export function scaleIndex(scales: ArrayLike<number>, table: ArrayLike<number>, bound: number): Int32Array {
  const out = new Int32Array(scales.length);
  for (let i = 0; i < scales.length; i++) {
    const s = Math.max(Math.fround(scales[i]), Math.fround(bound));
    let idx = table.length - 1;
    for (let j = 0; j < table.length - 1; j++)
      if (Math.fround(table[j]) >= s) {
        idx = j;
        break;
      }
    out[i] = idx;
  }
  return out;
}

/**
 * erfc in float64 to ~1e-13 relative: Maclaurin series of erf for |x| < 2 (erfc = 1 − erf there, ≥ 0.0046 so
 * no cancellation problem), Laplace continued fraction for x ≥ 2 (evaluated bottom-up, 80 terms), erfc(−x) = 2 − erfc(x).
 * Independent of the Chebyshev fit used in WGSL; checked against PyTorch float64 erfc in reference.test.ts.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    // erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1))
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (x > 27) return 0;
  // erfc(x) = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
  let f = x;
  for (let n = 80; n >= 1; n--) f = x + n / 2 / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** Standard normal CDF Φ(x) = ½ erfc(−x/√2). */
export const normalCdf = (x: number) => 0.5 * erfc(-x / Math.SQRT2);

export interface LikelihoodOptions {
  /** Scales are lower-bounded to this first (CompressAI scale_bound 0.11). */
  scaleBound: number;
  /** Likelihoods are lower-bounded to this (CompressAI likelihood_bound 1e-9). */
  likelihoodBound: number;
}

/** Gaussian likelihood of quantized values: Φ((½ − |v−μ|)/σ) − Φ((−½ − |v−μ|)/σ) = Φ((v+½−μ)/σ) − Φ((v−½−μ)/σ). */
export function gaussianLikelihood(values: ArrayLike<number>, means: ArrayLike<number> | null, scales: ArrayLike<number>, o: LikelihoodOptions): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const s = Math.max(scales[i], o.scaleBound);
    const v = Math.abs(values[i] - (means ? means[i] : 0));
    const p = normalCdf((0.5 - v) / s) - normalCdf((-0.5 - v) / s);
    out[i] = Math.max(p, o.likelihoodBound);
  }
  return out;
}

/** Bits map: Σ_c −log2(likelihood[c, y, x]) → H×W. */
export function bitsMap(lik: ArrayLike<number>, shape: Shape): Float64Array {
  const [c, h, w] = shape;
  const hw = h * w;
  const out = new Float64Array(hw);
  for (let ch = 0; ch < c; ch++) for (let p = 0; p < hw; p++) out[p] -= Math.log2(lik[ch * hw + p]);
  return out;
}

/** RGBA8 (row-major, 4 bytes per pixel) → 3×H×W in [0, 1]: v / 255. */
export function imageToChw(rgba: ArrayLike<number>, width: number, height: number): RefTensor {
  const t = refTensor([3, height, width]);
  const hw = width * height;
  for (let p = 0; p < hw; p++) for (let c = 0; c < 3; c++) t.data[c * hw + p] = rgba[4 * p + c] / 255;
  return t;
}

/** 3×H×W (f32 values) → RGBA8: round-half-even(fround(clamp(v, 0, 1) · 255)), alpha 255. */
export function chwToRgba(chw: ArrayLike<number>, width: number, height: number): Uint8ClampedArray {
  const hw = width * height;
  const out = new Uint8ClampedArray(4 * hw);
  for (let p = 0; p < hw; p++) {
    for (let c = 0; c < 3; c++) {
      const v = Math.min(Math.max(Math.fround(chw[c * hw + p]), 0), 1);
      out[4 * p + c] = roundHalfEven(Math.fround(v * 255));
    }
    out[4 * p + 3] = 255;
  }
  return out;
}
