// Image ↔ tensor plumbing of the learned codecs, on the CPU (every backend shares it, so padding and rounding
// are identical whichever backend runs the transforms): RGBA8 → 3×H'×W' in [0, 1] with replicate padding to a
// multiple of the model's downsampling, and the synthesis output back to RGBA8 (crop, clamp, round).
import type { RgbaImage } from '../types';

/** Round half to even (torch.round, WGSL round, IEEE roundTiesToEven). */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  // Math.round rounds .5 up; on an exact tie whose result is odd, step back to the even neighbour.
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function paddedSize(width: number, height: number, multiple: number): { width: number; height: number } {
  return { width: Math.ceil(width / multiple) * multiple, height: Math.ceil(height / multiple) * multiple };
}

/**
 * RGBA8 → planar 3×H'×W' float32 in [0, 1] (alpha dropped), H' and W' rounded up to `multiple` by replicating
 * the last row and column (PyTorch `F.pad(mode="replicate")` on the right and bottom, as tools/train/eval.py).
 */
export function imageToPaddedChw(image: RgbaImage, multiple: number): { data: Float32Array; width: number; height: number } {
  const { width: w, height: h, data } = image;
  const p = paddedSize(w, h, multiple);
  const plane = p.width * p.height;
  const out = new Float32Array(3 * plane);
  for (let y = 0; y < p.height; y++) {
    const sy = Math.min(y, h - 1);
    for (let x = 0; x < p.width; x++) {
      const s = (sy * w + Math.min(x, w - 1)) * 4;
      const d = y * p.width + x;
      out[d] = data[s] / 255;
      out[plane + d] = data[s + 1] / 255;
      out[2 * plane + d] = data[s + 2] / 255;
    }
  }
  return { data: out, width: p.width, height: p.height };
}

/**
 * Synthesis output (3×H'×W' float32) → RGBA8 of the original size: crop the top-left W×H, clamp to [0, 1],
 * round(v·255) half to even (torch: `x_hat.clamp(0, 1)`, `round(x_hat·255)` in float32), alpha 255.
 */
export function chwToImage(chw: Float32Array, paddedWidth: number, paddedHeight: number, width: number, height: number): RgbaImage {
  const plane = paddedWidth * paddedHeight;
  if (chw.length !== 3 * plane) throw new RangeError(`synthesis output has ${chw.length} values, expected 3×${paddedHeight}×${paddedWidth}.`);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = y * paddedWidth + x;
      const d = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) {
        const v = chw[c * plane + s];
        const clamped = v > 1 ? 1 : v >= 0 ? v : 0; // NaN → 0
        data[d + c] = roundHalfEven(Math.fround(clamped * 255));
      }
      data[d + 3] = 255;
    }
  }
  return { width, height, data };
}

/**
 * Rows [r0, r1) × columns [c0, c1) of the padded image (imageToPaddedChw's replicate padding) as planar
 * 3×(r1−r0)×(c1−c0) float32 in [0, 1]: one tile's input, without building the whole padded tensor.
 */
export function paddedChwRegion(image: RgbaImage, r0: number, r1: number, c0: number, c1: number): Float32Array {
  const { width: w, height: h, data } = image;
  const th = r1 - r0;
  const tw = c1 - c0;
  const plane = th * tw;
  const out = new Float32Array(3 * plane);
  for (let y = 0; y < th; y++) {
    const sy = Math.min(r0 + y, h - 1);
    for (let x = 0; x < tw; x++) {
      const s = (sy * w + Math.min(c0 + x, w - 1)) * 4;
      const d = y * tw + x;
      out[d] = data[s] / 255;
      out[plane + d] = data[s + 1] / 255;
      out[2 * plane + d] = data[s + 2] / 255;
    }
  }
  return out;
}

/**
 * Writes rows [sr, sr+rows) × columns [sc, sc+cols) of a synthesis tile (3×th×tw float32) into `out` at
 * (dr, dc), as chwToImage does for the whole image: clamp to [0, 1], round(v·255) half to even, alpha 255;
 * positions beyond the image (its padding) are dropped.
 */
export function writeChwTile(chw: Float32Array, th: number, tw: number, sr: number, sc: number, rows: number, cols: number, out: RgbaImage, dr: number, dc: number): void {
  const plane = th * tw;
  if (chw.length !== 3 * plane) throw new RangeError(`synthesis tile has ${chw.length} values, expected 3×${th}×${tw}.`);
  const h = Math.min(rows, out.height - dr);
  const w = Math.min(cols, out.width - dc);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (sr + y) * tw + sc + x;
      const d = ((dr + y) * out.width + dc + x) * 4;
      for (let c = 0; c < 3; c++) {
        const v = chw[c * plane + s];
        const clamped = v > 1 ? 1 : v >= 0 ? v : 0; // NaN → 0
        out.data[d + c] = roundHalfEven(Math.fround(clamped * 255));
      }
      out.data[d + 3] = 255;
    }
  }
}
