// Where the bits go: ideal code length of every latent element under its table (the same quantity as
// src/codecs/entropy's idealBits, element by element), the per-pixel bit-allocation map and per-latent
// statistics that the app shows.
import { ESCAPE_LENGTH_BITS } from '../entropy/rans';
import { PRECISION, type CdfTables } from '../entropy';
import type { BitAllocationMap, LatentStatistics } from '../types';

/** Table of element i: `index[i]` (one table per element) or channel ⌊i / planeSize⌋ (one per channel). */
export type ElementTables = { perElement: Int32Array } | { planeSize: number };

/** Escape payload length in bits (docs/entropy-coding.md §4.3): the 6-bit length field + the value's bits. */
function escapePayloadBits(v: number, nIn: number): number {
  const raw = v < 0 ? -2 * v - 1 : 2 * (v - nIn);
  let b = 0;
  while (b < 48 && 2 ** b <= raw) b++;
  return ESCAPE_LENGTH_BITS + Math.max(0, b - 1);
}

export interface ElementBits {
  /** −log2 p of each symbol under its table (escape payload included). */
  bits: Float64Array;
  total: number;
  escapes: number;
}

/** Ideal bits of each symbol; Σ equals idealBits(symbols, index, tables).bits (tested). */
export function elementBits(symbols: Int32Array, which: ElementTables, tables: CdfTables): ElementBits {
  const { cdf, starts, lengths, offsets } = tables;
  const bits = new Float64Array(symbols.length);
  const rows = new Map<number, Float64Array>();
  let total = 0;
  let escapes = 0;
  for (let i = 0; i < symbols.length; i++) {
    const t = 'perElement' in which ? which.perElement[i] : Math.floor(i / which.planeSize);
    let row = rows.get(t);
    if (!row) {
      row = new Float64Array(lengths[t] - 1);
      for (let s = 0; s < row.length; s++) row[s] = PRECISION - Math.log2(cdf[starts[t] + s + 1] - cdf[starts[t] + s]);
      rows.set(t, row);
    }
    const nIn = lengths[t] - 2;
    const v = symbols[i] - offsets[t];
    let b: number;
    if (v >= 0 && v < nIn) b = row[v];
    else {
      b = row[nIn] + escapePayloadBits(v, nIn);
      escapes++;
    }
    bits[i] = b;
    total += b;
  }
  return { bits, total, escapes };
}

/** Σ over channels: C×h×w → h×w. */
export function sumChannels(bits: Float64Array, channels: number, plane: number): Float64Array {
  const out = new Float64Array(plane);
  for (let c = 0; c < channels; c++) for (let p = 0; p < plane; p++) out[p] += bits[c * plane + p];
  return out;
}

/** Per-channel sums: C×h×w → C. */
export function channelSums(bits: Float64Array, channels: number, plane: number): Float32Array {
  const out = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    let s = 0;
    for (let p = 0; p < plane; p++) s += bits[c * plane + p];
    out[c] = s;
  }
  return out;
}

/**
 * Adds a latent's bits (summed over channels, lw × lh positions) to a W×H map: each position's bits are spread
 * evenly over the pixels of its block × block square that lie inside the image (the padding costs bits too; they
 * go to the nearest real pixels), so Σ map = Σ bits and mean(map) = bits / (W·H).
 */
export function spreadBits(map: Float64Array, width: number, height: number, positionBits: Float64Array, lw: number, lh: number, block: number): void {
  for (let by = 0; by < lh; by++) {
    const y0 = by * block;
    if (y0 >= height) {
      // A latent row entirely in the padding: its bits go to the last real block row.
      continue;
    }
    for (let bx = 0; bx < lw; bx++) {
      const x0 = bx * block;
      if (x0 >= width) continue;
      const y1 = Math.min(height, y0 + block);
      const x1 = Math.min(width, x0 + block);
      // Gather the bits of padding-only blocks to the right/below this edge block.
      let b = 0;
      const lastX = x1 === width ? lw : bx + 1;
      const lastY = y1 === height ? lh : by + 1;
      for (let yy = by; yy < lastY; yy++) for (let xx = bx; xx < lastX; xx++) b += positionBits[yy * lw + xx];
      const per = b / ((y1 - y0) * (x1 - x0));
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) map[y * width + x] += per;
    }
  }
}

export interface LatentBits {
  name: string;
  channels: number;
  height: number;
  width: number;
  /** Pixels per latent position along each side (16 for y, 64 for z). */
  block: number;
  bits: ElementBits;
  values?: Record<string, number>;
}

/** The bit-allocation map of an image from its latents' element bits. */
export function bitAllocationMap(width: number, height: number, latents: readonly LatentBits[]): BitAllocationMap {
  const map = new Float64Array(width * height);
  for (const l of latents) {
    const plane = l.height * l.width;
    spreadBits(map, width, height, sumChannels(l.bits.bits, l.channels, plane), l.width, l.height, l.block);
  }
  return { width, height, bitsPerPixel: Float32Array.from(map) };
}

export function latentStatistics(l: LatentBits): LatentStatistics {
  return {
    name: l.name,
    channels: l.channels,
    height: l.height,
    width: l.width,
    bits: l.bits.total,
    channelBits: channelSums(l.bits.bits, l.channels, l.height * l.width),
    values: { escapes: l.bits.escapes, ...l.values },
  };
}

const fmtBits = (b: number) => (b >= 8192 ? `${(b / 8192).toFixed(1)} KiB` : `${Math.round(b / 8)} B`);

/** The side panel's note on the latents: y's bits (a checkerboard's two passes summed, with each pass's share of
 * y), z's as side information, and the file's bytes over the ideal code length. */
export function latentsNote(latents: readonly LatentStatistics[], fileBytes: number): string {
  const ys = latents.filter((l) => l.name !== 'z');
  const yBits = ys.reduce((a, l) => a + l.bits, 0);
  const zBits = latents.find((l) => l.name === 'z')?.bits ?? 0;
  const passes = ys.length > 1 ? ` (${ys.map((l) => `${l.name.replace(/^y /, '')} ${((100 * l.bits) / yBits).toFixed(1)} %`).join(', ')})` : '';
  const header = `header ${fileBytes - Math.ceil((yBits + zBits) / 8)} B over the ideal code length.`;
  return zBits > 0
    ? `Latents: y ${fmtBits(yBits)}${passes}, z ${fmtBits(zBits)} (side information ${((100 * zBits) / (yBits + zBits)).toFixed(1)} %); ${header}`
    : `Latent y ${fmtBits(yBits)}${passes}; ${header}`;
}
