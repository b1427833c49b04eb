// Image resampling: Lanczos-3 (separable, in 8-bit sRGB values like PIL's and Squoosh's default resize), and the
// benchmark's "cover then centre-crop" framing. Used by the benchmark (whole scenes at the standard test-set scale)
// and the app's Resize step.
import { RdLabError } from '../errors';
import type { RgbaImage } from '../codecs/types';

export class ResizeError extends RdLabError<'params'> {
  constructor(message: string) {
    super('params', message);
    this.name = 'ResizeError';
  }
}

/** Lanczos window of 3 lobes. */
function lanczos3(x: number): number {
  if (x === 0) return 1;
  if (x <= -3 || x >= 3) return 0;
  const px = Math.PI * x;
  return (3 * Math.sin(px) * Math.sin(px / 3)) / (px * px);
}

const clamp255 = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);

/** Per output sample along one axis: first source index and normalised weights. When shrinking, the kernel is
 *  stretched by the scale factor (so it also low-passes), as PIL does. */
function axisWeights(src: number, dst: number): { first: Int32Array; count: Int32Array; weights: Float64Array; stride: number } {
  const scale = src / dst;
  const fscale = Math.max(scale, 1);
  const support = 3 * fscale;
  const stride = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(dst);
  const count = new Int32Array(dst);
  const weights = new Float64Array(dst * stride);
  for (let i = 0; i < dst; i++) {
    const centre = (i + 0.5) * scale;
    const lo = Math.max(0, Math.floor(centre - support + 0.5));
    const hi = Math.min(src, Math.floor(centre + support + 0.5));
    let sum = 0;
    for (let j = lo; j < hi; j++) {
      const w = lanczos3((j + 0.5 - centre) / fscale);
      weights[i * stride + (j - lo)] = w;
      sum += w;
    }
    for (let j = lo; j < hi; j++) weights[i * stride + (j - lo)] /= sum || 1;
    first[i] = lo;
    count[i] = hi - lo;
  }
  return { first, count, weights, stride };
}

/** Resizes an RGBA image to w × h with a Lanczos-3 filter (horizontal pass, then vertical; float in between, clamped to 0 … 255). */
export function resizeLanczos3(im: RgbaImage, w: number, h: number): RgbaImage {
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1) throw new ResizeError(`cannot resize to ${w}×${h}.`);
  if (w === im.width && h === im.height) return { width: w, height: h, data: new Uint8ClampedArray(im.data) };
  const H = axisWeights(im.width, w);
  const tmp = new Float32Array(w * im.height * 4);
  for (let y = 0; y < im.height; y++) {
    const row = y * im.width * 4;
    for (let x = 0; x < w; x++) {
      let r = 0, g = 0, b = 0, a = 0; // prettier-ignore
      const o = x * H.stride;
      for (let k = 0, s = row + H.first[x] * 4; k < H.count[x]; k++, s += 4) {
        const wt = H.weights[o + k];
        r += wt * im.data[s];
        g += wt * im.data[s + 1];
        b += wt * im.data[s + 2];
        a += wt * im.data[s + 3];
      }
      const d = (y * w + x) * 4; // clamped between the passes, as PIL does: ringing does not carry over
      tmp[d] = clamp255(r);
      tmp[d + 1] = clamp255(g);
      tmp[d + 2] = clamp255(b);
      tmp[d + 3] = clamp255(a);
    }
  }
  const V = axisWeights(im.height, h);
  const out = new Uint8ClampedArray(w * h * 4); // rounds and clamps on store
  for (let y = 0; y < h; y++) {
    const o = y * V.stride;
    for (let x = 0; x < w; x++) {
      let r = 0, g = 0, b = 0, a = 0; // prettier-ignore
      for (let k = 0, s = (V.first[y] * w + x) * 4; k < V.count[y]; k++, s += w * 4) {
        const wt = V.weights[o + k];
        r += wt * tmp[s];
        g += wt * tmp[s + 1];
        b += wt * tmp[s + 2];
        a += wt * tmp[s + 3];
      }
      const d = (y * w + x) * 4;
      out[d] = r;
      out[d + 1] = g;
      out[d + 2] = b;
      out[d + 3] = a;
    }
  }
  return { width: w, height: h, data: out };
}

/** The w × h rectangle at the centre of an image. */
export function centreCrop(im: RgbaImage, w: number, h: number): RgbaImage {
  if (w > im.width || h > im.height) throw new ResizeError(`cannot crop ${w}×${h} out of ${im.width}×${im.height}.`);
  const x0 = Math.floor((im.width - w) / 2);
  const y0 = Math.floor((im.height - h) / 2);
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) data.set(im.data.subarray(((y0 + y) * im.width + x0) * 4, ((y0 + y) * im.width + x0 + w) * 4), y * w * 4);
  return { width: w, height: h, data };
}

/** Scales an image (Lanczos-3) to the smallest size that covers w × h with its aspect ratio kept, then crops the
 *  centre w × h: how the benchmark frames whole scenes at the standard test-set size (768×512 or 512×768). */
export function coverCrop(im: RgbaImage, w: number, h: number): RgbaImage {
  const s = Math.max(w / im.width, h / im.height);
  const sw = Math.max(w, Math.round(im.width * s));
  const sh = Math.max(h, Math.round(im.height * s));
  return centreCrop(resizeLanczos3(im, sw, sh), w, h);
}
