// The bit-allocation overlay: a learned codec's bits per pixel (extras.bitMap, src/codecs/types.ts) coloured with
// the perceptually uniform viridis colormap, on a scale from 0 to a round number at or above the 99th percentile
// (a few very expensive blocks must not wash out the rest; values above the top take the top colour and the
// legend says "≥"). Pure functions, tested in bitmap.test.ts; CompareView draws the result.
import type { BitAllocationMap, RgbaImage } from '../../codecs/types';

/**
 * viridis (van der Walt, Smith, Firing for matplotlib 1.5; CC0) sampled at 33 evenly spaced points, RGB 0–255.
 * Linear interpolation between them stays within 2/255 of the full 256-entry table.
 */
// prettier-ignore
const VIRIDIS = [
  68, 1, 84, 71, 13, 96, 72, 24, 106, 72, 35, 116, 71, 45, 123, 69, 54, 129, 66, 64, 134, 63, 73, 137, 59, 82, 139,
  55, 90, 141, 51, 99, 141, 47, 106, 142, 44, 114, 142, 41, 122, 142, 38, 129, 142, 35, 137, 142, 33, 144, 140,
  31, 152, 139, 31, 159, 136, 33, 166, 133, 40, 174, 128, 49, 181, 123, 62, 188, 116, 76, 194, 108, 93, 201, 99,
  110, 206, 88, 130, 211, 76, 150, 216, 63, 171, 220, 50, 192, 223, 36, 213, 226, 26, 234, 229, 26, 253, 231, 37,
];
const STOPS = VIRIDIS.length / 3;

/** viridis at t ∈ [0, 1] (clamped; NaN → 0) as [r, g, b], each 0–255, not rounded. */
export function viridis(t: number): [number, number, number] {
  const x = (t > 0 ? (t < 1 ? t : 1) : 0) * (STOPS - 1);
  const k = Math.min(Math.floor(x), STOPS - 2);
  const f = x - k;
  const a = 3 * k;
  return [0, 1, 2].map((c) => VIRIDIS[a + c] * (1 - f) + VIRIDIS[a + 3 + c] * f) as [number, number, number];
}

/** 256 rounded viridis colours (index = round(255·t)), for drawing. */
const LUT = (() => {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) lut.set(viridis(i / 255).map(Math.round), 3 * i);
  return lut;
})();

/** The smallest of 1, 2, 2.5, 5 × 10^k that is ≥ v (v > 0). */
export function niceCeil(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v * (1 - 1e-12)) return m * p;
  return 10 * p;
}

export interface BitMapScale {
  /** Colour scale top in bits/pixel: niceCeil of the 99th percentile (1 for an all-zero map). */
  top: number;
  /** Largest value in the map, and whether it exceeds `top` (the legend then reads "≥ top"). */
  max: number;
  clipped: boolean;
  /** Mean bits/pixel of the map (≈ the file's bpp without the container header). */
  mean: number;
  /** Legend ticks: 0, top/2, top. */
  ticks: number[];
}

/** Scale of a map (one pass plus a sort of a copy: ~30 ms at 768×512). */
export function bitMapScale(map: BitAllocationMap): BitMapScale {
  const v = map.bitsPerPixel;
  const n = v.length;
  let sum = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (!(x >= 0)) continue;
    sum += x;
    if (x > max) max = x;
  }
  const sorted = Float32Array.from(v).sort();
  const p99 = n > 0 ? sorted[Math.min(n - 1, Math.floor(0.99 * (n - 1)))] : 0;
  const top = p99 > 0 ? niceCeil(p99) : niceCeil(max);
  return { top, max, clipped: max > top, mean: n > 0 ? sum / n : 0, ticks: [0, top / 2, top] };
}

/** The map as an opaque RGBA image: value v → viridis(v / top). The overlay's transparency is CSS opacity. */
export function bitMapToRgba(map: BitAllocationMap, top: number): RgbaImage {
  const { width, height, bitsPerPixel } = map;
  if (bitsPerPixel.length !== width * height) throw new Error(`bit map of ${width}×${height} has ${bitsPerPixel.length} values.`);
  const data = new Uint8ClampedArray(width * height * 4);
  const k = top > 0 ? 255 / top : 0;
  for (let i = 0; i < bitsPerPixel.length; i++) {
    const x = bitsPerPixel[i] * k;
    const j = 3 * (x > 0 ? (x < 255 ? Math.round(x) : 255) : 0);
    data[4 * i] = LUT[j];
    data[4 * i + 1] = LUT[j + 1];
    data[4 * i + 2] = LUT[j + 2];
    data[4 * i + 3] = 255;
  }
  return { width, height, data };
}

/** CSS linear-gradient of the colormap (left = 0), for the legend. */
export function viridisGradient(): string {
  const stops: string[] = [];
  for (let i = 0; i <= 8; i++) {
    const [r, g, b] = viridis(i / 8).map(Math.round);
    stops.push(`rgb(${r}, ${g}, ${b}) ${(i * 100) / 8}%`);
  }
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

/** A tick label: as few decimals as the value needs (0, 0.25, 1.5, 12). */
export function fmtBits(v: number): string {
  if (v === 0) return '0';
  return v >= 10 ? v.toFixed(0) : v >= 1 ? String(Number(v.toFixed(2))) : String(Number(v.toFixed(3)));
}
