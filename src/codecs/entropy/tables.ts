// CDF tables: the flat layout the model packages store, its validation, and the two families
// (factorized tables shipped by the exporter; Gaussian tables rebuilt bit-exactly from a scale list).
// Spec: docs/entropy-coding.md §2–§3.

import { normalCdf, normalUpperQuantile } from './detmath';
import { EntropyError } from './errors';
import { pmfToQuantizedCdf } from './quantize';

/** Bits of probability precision: every table's CDF ends at 2^16. */
export const PRECISION = 16;
export const PROB_TOTAL = 1 << PRECISION;
/** At most this many tables in one set (a table index must fit a Uint16). */
export const MAX_TABLES = 65536;
/** Symbol offsets are bounded so that every escape value fits 34 bits (docs §4). */
export const MAX_ABS_OFFSET = 2 ** 30;
/** A Gaussian table's centre c = ceil(s·m) must keep 2c + 2 bins within 2^16. */
export const MAX_GAUSSIAN_CENTER = (PROB_TOTAL - 2) / 2;

/**
 * A set of quantized CDF tables in one flat Int32Array (the model package's layout, docs §2.1).
 * Row t is cdf[starts[t] .. starts[t] + lengths[t]): 0 = c_0 < c_1 < … < c_{n} = 2^16 with n = lengths[t] − 1
 * bins: bins 0 … n−2 are the in-range symbols offsets[t] … offsets[t] + n − 2, bin n−1 is the escape bin.
 */
export interface CdfTables {
  readonly precision: 16;
  readonly cdf: Int32Array;
  readonly starts: Int32Array;
  readonly lengths: Int32Array;
  readonly offsets: Int32Array;
}

/** Gaussian tables also carry what they were built from. */
export interface GaussianTables extends CdfTables {
  readonly scales: Float64Array;
  readonly tailMass: number;
  /** m = −Φ⁻¹(tailMass/2). */
  readonly multiplier: number;
  /** c_t = ceil(scales[t]·m); offsets[t] = −c_t. */
  readonly centers: Int32Array;
}

export interface CdfTablesInput {
  precision?: number;
  cdf: Int32Array | Uint32Array | ArrayLike<number>;
  starts?: Int32Array | ArrayLike<number>;
  lengths: Int32Array | ArrayLike<number>;
  offsets: Int32Array | ArrayLike<number>;
}

function bad(message: string): never {
  throw new EntropyError('invalid-table', message);
}

/**
 * Validates a table set and returns it as a CdfTables (copying into Int32Arrays). `starts` defaults to packed
 * rows (starts[0] = 0, starts[t+1] = starts[t] + lengths[t]). Rules checked: precision 16; 1 ≤ #tables ≤ 65536;
 * every row has ≥ 3 entries and ≤ 2^16 + 1, lies inside `cdf`, starts at 0, ends at 2^16 and is strictly
 * increasing (every frequency ≥ 1, the escape bin included); |offset| ≤ 2^30.
 */
export function createTables(input: CdfTablesInput): CdfTables {
  const precision = input.precision ?? PRECISION;
  if (precision !== PRECISION) bad(`precision must be ${PRECISION}, got ${precision}.`);
  const count = input.lengths.length;
  if (count < 1 || count > MAX_TABLES) bad(`a table set needs 1 … ${MAX_TABLES} tables, got ${count}.`);
  if (input.offsets.length !== count) bad(`offsets has ${input.offsets.length} entries, lengths has ${count}.`);
  if (input.starts && input.starts.length !== count) {
    bad(`starts has ${input.starts.length} entries, lengths has ${count}.`);
  }
  const cdf = Int32Array.from(input.cdf as ArrayLike<number>);
  if (cdf.length !== input.cdf.length) bad('cdf could not be copied.');
  for (let i = 0; i < input.cdf.length; i++) {
    if (input.cdf[i] !== cdf[i]) bad(`cdf[${i}] = ${input.cdf[i]} is not an int32.`);
  }
  const lengths = new Int32Array(count);
  const starts = new Int32Array(count);
  const offsets = new Int32Array(count);
  let packed = 0;
  for (let t = 0; t < count; t++) {
    const len = input.lengths[t];
    if (!Number.isInteger(len) || len < 3 || len > PROB_TOTAL + 1) {
      bad(`table ${t}: length ${len} must be an integer in [3, ${PROB_TOTAL + 1}] (in-range bins + escape bin + 1).`);
    }
    const start = input.starts ? input.starts[t] : packed;
    if (!Number.isInteger(start) || start < 0 || start + len > cdf.length) {
      bad(`table ${t}: row [${start}, ${start + len}) lies outside the cdf array of ${cdf.length} entries.`);
    }
    const off = input.offsets[t];
    if (!Number.isInteger(off) || Math.abs(off) > MAX_ABS_OFFSET) {
      bad(`table ${t}: offset ${off} must be an integer with |offset| ≤ 2^30.`);
    }
    if (cdf[start] !== 0) bad(`table ${t}: the CDF must start at 0, got ${cdf[start]}.`);
    if (cdf[start + len - 1] !== PROB_TOTAL) {
      bad(`table ${t}: the CDF must end at 2^16 = ${PROB_TOTAL}, got ${cdf[start + len - 1]}.`);
    }
    for (let k = 1; k < len; k++) {
      if (cdf[start + k] <= cdf[start + k - 1]) {
        bad(
          `table ${t}: bin ${k - 1} has frequency ${cdf[start + k] - cdf[start + k - 1]}; every bin (escape included) needs ≥ 1.`,
        );
      }
    }
    lengths[t] = len;
    starts[t] = start;
    offsets[t] = off;
    packed += len;
  }
  const tables: CdfTables = { precision: PRECISION, cdf, starts, lengths, offsets };
  validated.add(tables);
  return tables;
}

// Table sets built by createTables/buildGaussianTables are valid by construction; others are checked once.
const validated = new WeakSet<CdfTables>();

/** Throws EntropyError('invalid-table') unless `tables` obeys docs §2.1 (checked once per object). */
export function assertValidTables(tables: CdfTables): void {
  if (validated.has(tables)) return;
  const { cdf, starts, lengths, offsets } = tables;
  if (
    !(cdf instanceof Int32Array) ||
    !(starts instanceof Int32Array) ||
    !(lengths instanceof Int32Array) ||
    !(offsets instanceof Int32Array)
  ) {
    bad('cdf, starts, lengths and offsets must be Int32Arrays (use createTables).');
  }
  createTables(tables);
  validated.add(tables);
}

/** The mixing weight of two levels' tables is an integer in [0, 2^MIX_BITS] (docs/model-package.md). */
export const MIX_BITS = 8;

/**
 * Rate t → (i, w): level i gets weight 2^8 − w, level i + 1 gets w. `t` is the container's float32 rate; every
 * step is exact or correctly rounded in float64, so Python (tools/train/entropy_tables.py) gets the same pair.
 */
export function levelMix(t: number, levels: number): { i: number; w: number } {
  if (!Number.isInteger(levels) || levels < 2) bad(`a leveled table set needs ≥ 2 levels, got ${levels}.`);
  if (!(t >= 0 && t <= 1)) bad(`rate t = ${t} is outside [0, 1].`);
  const pos = Math.fround(t) * (levels - 1);
  const i = Math.min(Math.floor(pos), levels - 2);
  return { i, w: Math.floor((pos - i) * (1 << MIX_BITS) + 0.5) };
}

/**
 * One table per channel at rate t from per-level tables (level-major: table l·M + c is level l, channel c; each
 * channel's levels share one offset and length): cdf = ((256 − w)·cdf_i + w·cdf_{i+1}) >> 8, integers only.
 * Both rows end at 2^16 and give every bin ≥ 1, so the mix does too (a weighted mean of frequencies ≥ 1 is ≥ 1,
 * and flooring two cumulative values that differ by ≥ 1 keeps them apart).
 */
export function mixLevelTables(tables: CdfTables, levels: number, t: number): CdfTables {
  assertValidTables(tables);
  const count = tables.lengths.length;
  if (count % levels !== 0) bad(`${count} tables do not split into ${levels} levels.`);
  const M = count / levels;
  const { i, w } = levelMix(t, levels);
  const lengths = new Int32Array(M);
  const offsets = new Int32Array(M);
  const starts = new Int32Array(M);
  let total = 0;
  for (let c = 0; c < M; c++) {
    const a = i * M + c;
    const b = a + M;
    if (tables.lengths[a] !== tables.lengths[b] || tables.offsets[a] !== tables.offsets[b]) {
      bad(`channel ${c}: levels ${i} and ${i + 1} cover different symbol ranges; they cannot be mixed.`);
    }
    starts[c] = total;
    lengths[c] = tables.lengths[a];
    offsets[c] = tables.offsets[a];
    total += lengths[c];
  }
  const cdf = new Int32Array(total);
  const wa = (1 << MIX_BITS) - w;
  for (let c = 0; c < M; c++) {
    const ra = tables.starts[i * M + c];
    const rb = tables.starts[(i + 1) * M + c];
    for (let k = 0; k < lengths[c]; k++) cdf[starts[c] + k] = (wa * tables.cdf[ra + k] + w * tables.cdf[rb + k]) >> MIX_BITS;
  }
  return createTables({ cdf, starts, lengths, offsets });
}

/**
 * Tables from CompressAI-style padded rows: `rows` is [count × rowStride] (row t's CDF in its first lengths[t]
 * entries, the rest ignored), e.g. EntropyBottleneck's `_quantized_cdf`, `_cdf_length`, `_offset` buffers.
 */
export function tablesFromPaddedRows(
  rows: Int32Array | ArrayLike<number>,
  rowStride: number,
  lengths: ArrayLike<number>,
  offsets: ArrayLike<number>,
): CdfTables {
  if (!Number.isInteger(rowStride) || rowStride < 3 || rows.length !== rowStride * lengths.length) {
    bad(`padded rows: ${rows.length} entries is not ${lengths.length} rows × stride ${rowStride}.`);
  }
  const starts = new Int32Array(lengths.length);
  for (let t = 0; t < lengths.length; t++) {
    if (lengths[t] > rowStride) bad(`table ${t}: length ${lengths[t]} exceeds the row stride ${rowStride}.`);
    starts[t] = t * rowStride;
  }
  return createTables({ cdf: rows, starts, lengths, offsets });
}

/**
 * CompressAI's default scale table: 64 log-spaced scales from 0.11 to 256 (exp(linspace(ln 0.11, ln 256, 64))).
 * Not part of the bit-exact spec: model packages store their scales explicitly as float64.
 */
export function defaultScaleTable(min = 0.11, max = 256, levels = 64): Float64Array {
  const out = new Float64Array(levels);
  const a = Math.log(min);
  const b = Math.log(max);
  for (let i = 0; i < levels; i++) out[i] = Math.exp(a + ((b - a) * i) / (levels - 1));
  out[0] = min;
  out[levels - 1] = max;
  return out;
}

export interface GaussianTableParams {
  /** Strictly increasing, finite, > 0 (the package stores them as float64). */
  scales: Float64Array | ArrayLike<number>;
  /** Probability outside [−c − ½, c + ½], 0 < tailMass < 1 (CompressAI: 1e-9). */
  tailMass: number;
  precision: 16;
}

/**
 * Zero-mean Gaussian tables, one per scale (docs §3): with m = −Φ⁻¹(tailMass/2) and c = ceil(s·m), table t
 * covers symbols −c … c; g(j) = Φ((½ − j)/s) for j = 0 … c+1; pmf(k) = g(|k − c|) − g(|k − c| + 1) for
 * k = 0 … 2c; escape bin = 2·g(c + 1); CDF = pmfToQuantizedCdf(pmf ++ [escape], 16). Rows are packed.
 */
export function buildGaussianTables(params: GaussianTableParams): GaussianTables {
  const { scales, tailMass } = params;
  if (params.precision !== PRECISION) {
    throw new EntropyError('invalid-argument', `precision must be ${PRECISION}, got ${params.precision}.`);
  }
  if (!(tailMass > 0 && tailMass < 1)) {
    throw new EntropyError('invalid-argument', `tailMass must lie in (0, 1), got ${tailMass}.`);
  }
  const count = scales.length;
  if (count < 1 || count > MAX_TABLES) {
    throw new EntropyError('invalid-argument', `need 1 … ${MAX_TABLES} scales, got ${count}.`);
  }
  const multiplier = normalUpperQuantile(tailMass / 2);
  const centers = new Int32Array(count);
  let total = 0;
  for (let t = 0; t < count; t++) {
    const s = scales[t];
    if (!(s > 0) || s === Infinity) {
      throw new EntropyError('invalid-argument', `scales[${t}] = ${s} must be finite and > 0.`);
    }
    if (t > 0 && !(s > scales[t - 1])) {
      throw new EntropyError('invalid-argument', `scales must be strictly increasing: scales[${t}] = ${s} ≤ scales[${t - 1}].`);
    }
    const c = Math.ceil(s * multiplier);
    if (c > MAX_GAUSSIAN_CENTER) {
      throw new EntropyError(
        'invalid-argument',
        `scales[${t}] = ${s} gives a table of ${2 * c + 1} symbols; at most ${2 * MAX_GAUSSIAN_CENTER + 1} fit 16-bit precision.`,
      );
    }
    centers[t] = c;
    total += 2 * c + 3;
  }

  const cdf = new Int32Array(total);
  const starts = new Int32Array(count);
  const lengths = new Int32Array(count);
  const offsets = new Int32Array(count);
  let pos = 0;
  for (let t = 0; t < count; t++) {
    const s = scales[t];
    const c = centers[t];
    const g = new Float64Array(c + 2);
    for (let j = 0; j <= c + 1; j++) g[j] = normalCdf((0.5 - j) / s);
    const pmf = new Float64Array(2 * c + 2);
    for (let k = 0; k <= 2 * c; k++) {
      const d = k < c ? c - k : k - c;
      pmf[k] = g[d] - g[d + 1];
    }
    pmf[2 * c + 1] = 2 * g[c + 1];
    const row = pmfToQuantizedCdf(pmf, PRECISION);
    cdf.set(row, pos);
    starts[t] = pos;
    lengths[t] = row.length;
    offsets[t] = -c;
    pos += row.length;
  }
  const tables: GaussianTables = {
    precision: PRECISION,
    cdf,
    starts,
    lengths,
    offsets,
    scales: Float64Array.from(scales),
    tailMass,
    multiplier,
    centers,
  };
  validated.add(tables);
  return tables;
}

/**
 * CompressAI's `build_indexes`: the index of the smallest table scale ≥ s (s below the first scale → 0; above
 * the last → the last index). `scales` must be increasing. NaN maps to the last index.
 */
export function scaleIndex(s: number, scales: Float64Array | ArrayLike<number>): number {
  let lo = 0;
  let hi = scales.length - 1;
  if (!(s <= scales[hi])) return hi;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (scales[mid] >= s) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** scaleIndex for every element; the result type fits up to 256 tables (Uint8Array) or more (Uint16Array). */
export function scaleIndices(
  elementScales: Float32Array | Float64Array,
  scales: Float64Array | ArrayLike<number>,
): Uint8Array | Uint16Array {
  const out = scales.length <= 256 ? new Uint8Array(elementScales.length) : new Uint16Array(elementScales.length);
  for (let i = 0; i < elementScales.length; i++) out[i] = scaleIndex(elementScales[i], scales);
  return out;
}
