// SSIM and MS-SSIM on 8-bit RGB (alpha ignored), computed per channel and then averaged over R, G, B.
//
// Definition (Wang, Bovik, Sheikh & Simoncelli 2004 for SSIM; Wang, Simoncelli & Bovik 2003 for MS-SSIM), with the
// conventions of pytorch_msssim, which CompressAI uses for its published "ms-ssim-rgb" numbers:
//  - 11-tap Gaussian window, σ = 1.5, applied separably over the *valid* region only (no padding);
//  - K1 = 0.01, K2 = 0.03, data range L = 255, so C1 = (K1·L)², C2 = (K2·L)²; population (not sample) covariance;
//  - 5 scales with weights [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]; scales 1–4 contribute the contrast-structure
//    term cs, the coarsest scale the full SSIM; negative terms are clamped to 0 (ReLU) before the weighted product;
//  - between scales a 2×2 average pool with stride 2; an odd side is zero-padded by one pixel on *both* ends and the
//    zeros count in the average (PyTorch avg_pool2d with padding = side % 2, count_include_pad = true).
// Single-scale SSIM here equals scikit-image's structural_similarity(gaussian_weights=True, sigma=1.5,
// use_sample_covariance=False, data_range=255, channel_axis=-1): its mean is over the same valid interior.
//
// Memory: each scale is filtered in a rolling window of 11 rows, so the work buffers are O(11·width), and the
// downsampled planes (¼, 1/16, … of the image) are Float32 — exact, since they hold multiples of 4^-s below 2^16.
import { checkPair, MetricError, type RgbaPixels } from './errors';

export const SSIM_WINDOW = 11;
export const SSIM_SIGMA = 1.5;
export const SSIM_K1 = 0.01;
export const SSIM_K2 = 0.03;
export const MS_SSIM_WEIGHTS: readonly number[] = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333];

/** Normalised 1-D Gaussian taps at offsets −(size−1)/2 … (size−1)/2. */
export function gaussianWindow(size = SSIM_WINDOW, sigma = SSIM_SIGMA): Float64Array {
  const w = new Float64Array(size);
  const c = (size - 1) / 2;
  let s = 0;
  for (let i = 0; i < size; i++) {
    w[i] = Math.exp(-((i - c) * (i - c)) / (2 * sigma * sigma));
    s += w[i];
  }
  for (let i = 0; i < size; i++) w[i] /= s;
  return w;
}

/** One channel of an image: element (x, y) is data[offset + (y·width + x)·stride]. */
export interface Plane {
  width: number;
  height: number;
  data: ArrayLike<number>;
  stride: number;
  offset: number;
}

export function channelPlane(im: RgbaPixels, channel: number): Plane {
  return { width: im.width, height: im.height, data: im.data, stride: 4, offset: channel };
}

export interface SsimTerms {
  /** Mean SSIM over the valid region. */
  ssim: number;
  /** Mean contrast-structure term over the valid region. */
  cs: number;
}

/** Mean SSIM and mean cs of one channel pair over the valid region of an n×n Gaussian window. */
export function ssimTerms(x: Plane, y: Plane, win: Float64Array = gaussianWindow(), dataRange = 255): SsimTerms {
  const W = x.width;
  const H = x.height;
  const n = win.length;
  const r = n - 1;
  const Wv = W - r;
  const Hv = H - r;
  if (Wv <= 0 || Hv <= 0) {
    throw new MetricError('too-small', `SSIM needs at least ${n}×${n} pixels; got ${W}×${H}.`);
  }
  if (n % 2 !== 1 || Array.from(win).some((g, k) => g !== win[n - 1 - k])) throw new RangeError('The SSIM window must be odd and symmetric.');
  const C1 = (SSIM_K1 * dataRange) ** 2;
  const C2 = (SSIM_K2 * dataRange) ** 2;
  const X = x.data;
  const Y = y.data;
  const xs = x.stride;
  const ys = y.stride;
  const half = r >> 1; // centre tap index; the window is symmetric, so taps k and r − k share a weight
  // One input row of x, y, x², y², xy as float64 (read once, used by 11 output columns).
  const rx = new Float64Array(W);
  const ry = new Float64Array(W);
  const rxx = new Float64Array(W);
  const ryy = new Float64Array(W);
  const rxy = new Float64Array(W);
  // Rolling buffers: horizontally filtered rows of x, y, x², y², xy; row j lives in slot j % n.
  const hx = new Float64Array(n * Wv);
  const hy = new Float64Array(n * Wv);
  const hxx = new Float64Array(n * Wv);
  const hyy = new Float64Array(n * Wv);
  const hxy = new Float64Array(n * Wv);
  const slot = new Int32Array(n);
  let ssimSum = 0;
  let csSum = 0;
  for (let row = 0; row < H; row++) {
    const xRow = x.offset + row * W * xs;
    const yRow = y.offset + row * W * ys;
    for (let col = 0; col < W; col++) {
      const a = X[xRow + col * xs];
      const b = Y[yRow + col * ys];
      rx[col] = a;
      ry[col] = b;
      rxx[col] = a * a;
      ryy[col] = b * b;
      rxy[col] = a * b;
    }
    const base = (row % n) * Wv;
    const gc = win[half];
    for (let col = 0; col < Wv; col++) {
      const c = col + half;
      let sx = gc * rx[c];
      let sy = gc * ry[c];
      let sxx = gc * rxx[c];
      let syy = gc * ryy[c];
      let sxy = gc * rxy[c];
      for (let k = 0; k < half; k++) {
        const g = win[k];
        const i = col + k;
        const j = col + r - k;
        sx += g * (rx[i] + rx[j]);
        sy += g * (ry[i] + ry[j]);
        sxx += g * (rxx[i] + rxx[j]);
        syy += g * (ryy[i] + ryy[j]);
        sxy += g * (rxy[i] + rxy[j]);
      }
      hx[base + col] = sx;
      hy[base + col] = sy;
      hxx[base + col] = sxx;
      hyy[base + col] = syy;
      hxy[base + col] = sxy;
    }
    if (row < r) continue;
    const top = row - r; // first input row of the window whose output row is `top`
    for (let k = 0; k < n; k++) slot[k] = ((top + k) % n) * Wv;
    const sc = slot[half];
    for (let col = 0; col < Wv; col++) {
      let mx = gc * hx[sc + col];
      let my = gc * hy[sc + col];
      let mxx = gc * hxx[sc + col];
      let myy = gc * hyy[sc + col];
      let mxy = gc * hxy[sc + col];
      for (let k = 0; k < half; k++) {
        const g = win[k];
        const i = slot[k] + col;
        const j = slot[r - k] + col;
        mx += g * (hx[i] + hx[j]);
        my += g * (hy[i] + hy[j]);
        mxx += g * (hxx[i] + hxx[j]);
        myy += g * (hyy[i] + hyy[j]);
        mxy += g * (hxy[i] + hxy[j]);
      }
      const vx = mxx - mx * mx;
      const vy = myy - my * my;
      const vxy = mxy - mx * my;
      const cs = (2 * vxy + C2) / (vx + vy + C2);
      const l = (2 * mx * my + C1) / (mx * mx + my * my + C1);
      csSum += cs;
      ssimSum += l * cs;
    }
  }
  const count = Wv * Hv;
  return { ssim: ssimSum / count, cs: csSum / count };
}

/** 2×2 average pool, stride 2, PyTorch semantics: odd sides zero-padded at both ends, zeros counted. */
export function downsample2(p: Plane): Plane {
  const W = p.width;
  const H = p.height;
  const pw = W % 2;
  const ph = H % 2;
  const Wo = Math.floor((W + 2 * pw - 2) / 2) + 1;
  const Ho = Math.floor((H + 2 * ph - 2) / 2) + 1;
  const out = new Float32Array(Wo * Ho);
  const d = p.data;
  const at = (xx: number, yy: number) =>
    xx < 0 || yy < 0 || xx >= W || yy >= H ? 0 : d[p.offset + (yy * W + xx) * p.stride];
  for (let j = 0; j < Ho; j++) {
    const y0 = 2 * j - ph;
    for (let i = 0; i < Wo; i++) {
      const x0 = 2 * i - pw;
      out[j * Wo + i] = (at(x0, y0) + at(x0 + 1, y0) + at(x0, y0 + 1) + at(x0 + 1, y0 + 1)) / 4;
    }
  }
  return { width: Wo, height: Ho, data: out, stride: 1, offset: 0 };
}

/** Single-scale SSIM of two RGBA images: mean over R, G, B of each channel's mean SSIM. */
export function ssimRgb(reference: RgbaPixels, distorted: RgbaPixels): number {
  checkPair(reference, distorted);
  const win = gaussianWindow();
  let s = 0;
  for (let c = 0; c < 3; c++) s += ssimTerms(channelPlane(reference, c), channelPlane(distorted, c), win).ssim;
  return s / 3;
}

export interface MsSsimResult {
  /** MS-SSIM in [0, 1] (1 = identical). */
  value: number;
  /** Scales actually used: 5, or fewer for images whose shorter side is ≤ 160 px (weights renormalised). */
  scales: number;
  /** Per channel (R, G, B), per scale: the term that entered the product (cs, and SSIM at the coarsest). */
  terms: number[][];
}

/** How many scales fit: pytorch_msssim requires shorter side > (win − 1)·2^(scales − 1). */
export function msssimScalesFor(width: number, height: number, maxScales = MS_SSIM_WEIGHTS.length): number {
  const side = Math.min(width, height);
  let s = maxScales;
  while (s > 0 && !(side > (SSIM_WINDOW - 1) * 2 ** (s - 1))) s--;
  return s;
}

/** MS-SSIM over RGB (per channel, then averaged). Images too small for 5 scales use fewer, flagged in `scales`. */
export function msssimRgb(reference: RgbaPixels, distorted: RgbaPixels): MsSsimResult {
  checkPair(reference, distorted);
  const scales = msssimScalesFor(reference.width, reference.height);
  if (scales === 0) {
    throw new MetricError('too-small', `MS-SSIM needs at least ${SSIM_WINDOW}×${SSIM_WINDOW} pixels; got ${reference.width}×${reference.height}.`);
  }
  const wsum = MS_SSIM_WEIGHTS.slice(0, scales).reduce((a, b) => a + b, 0);
  const weights = MS_SSIM_WEIGHTS.slice(0, scales).map((w) => w / wsum);
  const win = gaussianWindow();
  const terms: number[][] = [];
  let total = 0;
  for (let c = 0; c < 3; c++) {
    let x = channelPlane(reference, c);
    let y = channelPlane(distorted, c);
    const t: number[] = [];
    let v = 1;
    for (let s = 0; s < scales; s++) {
      const { ssim, cs } = ssimTerms(x, y, win);
      const term = Math.max(0, s === scales - 1 ? ssim : cs);
      t.push(term);
      v *= term ** weights[s];
      if (s < scales - 1) {
        x = downsample2(x);
        y = downsample2(y);
      }
    }
    terms.push(t);
    total += v;
  }
  return { value: total / 3, scales, terms };
}

/** MS-SSIM on the decibel scale used by RD plots: −10·log10(1 − MS-SSIM); Infinity at 1. */
export function msssimDb(value: number): number {
  if (value >= 1) return Infinity;
  return -10 * Math.log10(1 - value);
}
