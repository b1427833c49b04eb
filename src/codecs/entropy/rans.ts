// rANS (Duda's asymmetric numeral systems, range variant) with a 31-bit state and byte-wise renormalisation,
// after Fabian Giesen's ryg_rans "rans_byte" design. Spec: docs/entropy-coding.md §4–§5.
//
//  state x ∈ [L, 256·L) = [2^23, 2^31): every intermediate fits an int32, so the hot loops are plain JS
//  integer arithmetic on typed arrays (no BigInt, no allocation per symbol).
//  encode (start c, frequency f, precision 16): while x ≥ 2^15·f emit x & 255 and x >>>= 8;
//                                               x = ⌊x/f⌋·2^16 + (x mod f) + c
//  decode: slot = x & 0xffff; find bin s with c_s ≤ slot < c_{s+1}; x = f·(x >>> 16) + slot − c;
//          while x < 2^23: x = (x << 8) | next byte
//  The encoder runs backwards over the symbols, writing bytes from the end of a buffer, and finally writes its
//  state as 4 big-endian bytes, so the decoder reads everything forwards. It starts at x = L, so a decoder that
//  ends anywhere else (or with bytes left over) has been given a corrupted stream: EntropyError.

import { EntropyError } from './errors';
import { assertValidTables, type CdfTables, PROB_TOTAL } from './tables';

export const RANS_L = 1 << 23;
/** Bytes that terminate each non-empty stream (the final encoder state). */
export const STREAM_STATE_BYTES = 4;
/** Bits of the escape's bit-length field, and the largest bit length an escape may declare. */
export const ESCAPE_LENGTH_BITS = 6;
export const MAX_ESCAPE_BITS = 40;
/** Upper bound on the number of streams per tensor. */
export const MAX_STREAMS = 65536;
/** Largest tensor (symbols) the coder handles: positions are int32. */
export const MAX_TENSOR_SYMBOLS = 2 ** 31 - 1;
/**
 * Default lookup resolution of the decoder: 2^10 buckets per table (4 KiB as int32; 256 KiB for the 64 Gaussian
 * tables) + a short forward search. Chosen by bench/rans.ts: as fast as or faster than 12 bits, 4× smaller;
 * 16 bits (a full slot → bin table) falls out of the caches and is 2–3× slower.
 */
export const DEFAULT_LOOKUP_BITS = 10;

// ───────────────────────────── table index ─────────────────────────────

/** Every element of a C-order CHW tensor uses table `tables[c]` (or table c), c = ⌊i / planeSize⌋. */
export interface PerChannelIndex {
  readonly kind: 'per-channel';
  readonly channels: number;
  readonly planeSize: number;
  readonly tables?: Int32Array | Uint16Array | Uint8Array;
}

/** One table index per element, or one per channel. */
export type TableIndex = Uint8Array | Uint16Array | Int32Array | PerChannelIndex;

export function perChannel(
  channels: number,
  planeSize: number,
  tables?: Int32Array | Uint16Array | Uint8Array,
): PerChannelIndex {
  return { kind: 'per-channel', channels, planeSize, tables };
}

function isPerChannel(index: TableIndex): index is PerChannelIndex {
  return (index as PerChannelIndex).kind === 'per-channel';
}

/** Checks that `index` selects a valid table for each of `count` elements; throws EntropyError otherwise. */
export function checkTableIndex(index: TableIndex, count: number, tables: CdfTables): void {
  assertValidTables(tables);
  const n = tables.lengths.length;
  if (isPerChannel(index)) {
    const { channels, planeSize } = index;
    if (!Number.isInteger(channels) || !Number.isInteger(planeSize) || channels < 0 || planeSize < 0) {
      throw new EntropyError('invalid-argument', `per-channel index: channels ${channels}, planeSize ${planeSize}.`);
    }
    if (channels * planeSize !== count) {
      throw new EntropyError(
        'invalid-argument',
        `per-channel index covers ${channels}×${planeSize} = ${channels * planeSize} elements, the tensor has ${count}.`,
      );
    }
    if (index.tables) {
      if (index.tables.length !== channels) {
        throw new EntropyError('invalid-argument', `per-channel map has ${index.tables.length} entries for ${channels} channels.`);
      }
      for (let c = 0; c < channels; c++) {
        const t = index.tables[c];
        if (!(t >= 0 && t < n)) {
          throw new EntropyError('invalid-argument', `channel ${c} maps to table ${t}; the set has ${n} tables.`);
        }
      }
    } else if (channels > n) {
      throw new EntropyError('invalid-argument', `${channels} channels need ${channels} tables; the set has ${n}.`);
    }
    return;
  }
  if (index.length !== count) {
    throw new EntropyError('invalid-argument', `the table index has ${index.length} entries, the tensor ${count}.`);
  }
  // Fast path: the OR of all indices bounds their maximum (and is negative if any is negative).
  let acc = 0;
  for (let i = 0; i < index.length; i++) acc |= index[i];
  if (acc >= 0 && acc < n) return;
  let max = 0;
  let min = 0;
  for (let i = 0; i < index.length; i++) {
    const t = index[i];
    if (t > max) max = t;
    if (t < min) min = t;
  }
  if (min < 0 || (count > 0 && max >= n)) {
    throw new EntropyError('invalid-argument', `table indices span [${min}, ${max}]; the set has ${n} tables (0 … ${n - 1}).`);
  }
}

// ───────────────────────────── streams ─────────────────────────────

/**
 * Default stream count: 1 below 8192 symbols, else an even number (the decoder interleaves pairs) of about one
 * stream per 2^17 symbols, at most 16. Each extra stream costs 4 bytes of final state (+ its length field in
 * the container).
 */
export function defaultStreamCount(count: number): number {
  if (count < 8192) return 1;
  return Math.min(16, 2 * Math.ceil(count / 262144));
}

/** Stream k codes elements [bounds[k], bounds[k+1]) with bounds[k] = ⌊k·count/K⌋ (contiguous chunks). */
export function streamBounds(count: number, streams: number): Int32Array {
  const b = new Int32Array(streams + 1);
  for (let k = 0; k <= streams; k++) b[k] = Math.floor((k * count) / streams);
  return b;
}

export interface EncodedTensor {
  /** The streams, concatenated. */
  readonly bytes: Uint8Array;
  /** Byte length of each stream (0 for a stream with no symbols). */
  readonly streamLengths: number[];
}

// ───────────────────────────── encoder ─────────────────────────────

// Scratch output buffer, written from its end; grows (copying its tail) when fewer than 16 bytes are free.
let encBuf = new Uint8Array(1 << 16);
// Coder state handed between the hot loops and the escape path (no closures, no per-symbol allocation).
let sx = 0;
let sp = 0;

function growEncBuf(): void {
  const used = encBuf.length - sp;
  const next = new Uint8Array(encBuf.length * 2);
  next.set(encBuf.subarray(sp), next.length - used);
  sp = next.length - used;
  encBuf = next;
}

function encPutBits(nbits: number, value: number): void {
  // A uniform symbol of `nbits` bits: start = value, frequency 1, precision nbits (1 ≤ nbits ≤ 16).
  let x = sx;
  const xmax = 1 << (31 - nbits);
  while (x >= xmax) {
    encBuf[--sp] = x & 255;
    x >>>= 8;
  }
  sx = (x << nbits) | value;
}

function encPut(c0: number, freq: number): void {
  let x = sx;
  const xmax = freq << 15;
  while (x >= xmax) {
    encBuf[--sp] = x & 255;
    x >>>= 8;
  }
  const q = Math.floor(x / freq);
  sx = q * PROB_TOTAL + (x - q * freq) + c0;
}

/** Escape for value v = symbol − offset outside [0, nIn): docs §4.3. Encoded backwards (payload first). */
function encEscape(v: number, nIn: number, cdf: Int32Array, base: number): void {
  const raw = v < 0 ? -2 * v - 1 : 2 * (v - nIn);
  // bit length b of raw (0 for raw = 0)
  let b = 0;
  while (b < 48 && 2 ** b <= raw) b++;
  if (b >= 2) {
    const rest = raw - 2 ** (b - 1);
    const restBits = b - 1;
    const chunks = Math.ceil(restBits / 16);
    for (let j = chunks - 1; j >= 0; j--) {
      const nb = Math.min(16, restBits - 16 * j);
      const val = Math.floor(rest / 2 ** (16 * j)) % 2 ** nb;
      if (sp < 16) growEncBuf();
      encPutBits(nb, val);
    }
  }
  if (sp < 16) growEncBuf();
  encPutBits(ESCAPE_LENGTH_BITS, b);
  if (sp < 16) growEncBuf();
  const c0 = cdf[base + nIn];
  encPut(c0, cdf[base + nIn + 1] - c0);
}

function encodeRunPerElement(
  symbols: Int32Array,
  index: Uint8Array | Uint16Array | Int32Array,
  tables: CdfTables,
  from: number,
  to: number,
): void {
  const { cdf, starts, lengths, offsets } = tables;
  let x = sx;
  let p = sp;
  let buf = encBuf;
  for (let i = to - 1; i >= from; i--) {
    if (p < 16) {
      sp = p;
      growEncBuf();
      p = sp;
      buf = encBuf;
    }
    const t = index[i];
    const base = starts[t];
    const nIn = lengths[t] - 2;
    const v = symbols[i] - offsets[t];
    if (v >= 0 && v < nIn) {
      const c0 = cdf[base + v];
      const freq = cdf[base + v + 1] - c0;
      const xmax = freq << 15;
      while (x >= xmax) {
        buf[--p] = x & 255;
        x >>>= 8;
      }
      const q = Math.floor(x / freq);
      x = ((q << 16) | 0) + (x - q * freq) + c0;
    } else {
      sx = x;
      sp = p;
      encEscape(v, nIn, cdf, base);
      x = sx;
      p = sp;
      buf = encBuf;
    }
  }
  sx = x;
  sp = p;
}

function encodeRunOneTable(symbols: Int32Array, t: number, tables: CdfTables, from: number, to: number): void {
  const { cdf } = tables;
  const base = tables.starts[t];
  const nIn = tables.lengths[t] - 2;
  const off = tables.offsets[t];
  let x = sx;
  let p = sp;
  let buf = encBuf;
  for (let i = to - 1; i >= from; i--) {
    if (p < 16) {
      sp = p;
      growEncBuf();
      p = sp;
      buf = encBuf;
    }
    const v = symbols[i] - off;
    if (v >= 0 && v < nIn) {
      const c0 = cdf[base + v];
      const freq = cdf[base + v + 1] - c0;
      const xmax = freq << 15;
      while (x >= xmax) {
        buf[--p] = x & 255;
        x >>>= 8;
      }
      const q = Math.floor(x / freq);
      x = ((q << 16) | 0) + (x - q * freq) + c0;
    } else {
      sx = x;
      sp = p;
      encEscape(v, nIn, cdf, base);
      x = sx;
      p = sp;
      buf = encBuf;
    }
  }
  sx = x;
  sp = p;
}

function checkSymbols(symbols: Int32Array): void {
  if (!(symbols instanceof Int32Array)) {
    throw new EntropyError('invalid-symbol', 'symbols must be an Int32Array (every int32 value is codable).');
  }
}

/** Encodes elements [from, to) of `symbols` as one stream (empty range → zero bytes). Index not re-checked. */
function encodeChunk(symbols: Int32Array, index: TableIndex, tables: CdfTables, from: number, to: number): Uint8Array {
  if (to <= from) return new Uint8Array(0);
  sx = RANS_L;
  sp = encBuf.length;
  if (isPerChannel(index)) {
    const P = index.planeSize;
    // channels from last to first, each run backwards
    let hi = to;
    while (hi > from) {
      const c = Math.floor((hi - 1) / P);
      const lo = Math.max(from, c * P);
      encodeRunOneTable(symbols, index.tables ? index.tables[c] : c, tables, lo, hi);
      hi = lo;
    }
  } else {
    encodeRunPerElement(symbols, index, tables, from, to);
  }
  if (sp < 16) growEncBuf();
  let x = sx;
  for (let k = 0; k < 4; k++) {
    encBuf[--sp] = x & 255;
    x >>>= 8;
  }
  const out = encBuf.slice(sp);
  if (encBuf.length > 1 << 24) encBuf = new Uint8Array(1 << 16); // do not keep a huge scratch buffer alive
  return out;
}

/**
 * Encodes a tensor of int32 symbols into `streams` independent rANS streams over contiguous chunks of the
 * elements (default: defaultStreamCount). Symbol i uses the table chosen by `index` (its bin is
 * symbols[i] − offsets[t]); symbols outside a table's range go through the escape code.
 */
export function encodeTensor(
  symbols: Int32Array,
  index: TableIndex,
  tables: CdfTables,
  options: { streams?: number } = {},
): EncodedTensor {
  checkSymbols(symbols);
  const count = symbols.length;
  checkTableIndex(index, count, tables);
  const K = options.streams ?? defaultStreamCount(count);
  if (!Number.isInteger(K) || K < 1 || K > MAX_STREAMS) {
    throw new EntropyError('invalid-argument', `streams must be an integer in [1, ${MAX_STREAMS}], got ${K}.`);
  }
  const bounds = streamBounds(count, K);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let k = 0; k < K; k++) {
    const part = encodeChunk(symbols, index, tables, bounds[k], bounds[k + 1]);
    parts.push(part);
    total += part.length;
  }
  const bytes = new Uint8Array(total);
  let pos = 0;
  for (const part of parts) {
    bytes.set(part, pos);
    pos += part.length;
  }
  return { bytes, streamLengths: parts.map((p) => p.length) };
}

/** Single-stream convenience: the bytes of encodeTensor(symbols, index, tables, { streams: 1 }). */
export function encodeSymbols(symbols: Int32Array, index: TableIndex, tables: CdfTables): Uint8Array {
  return encodeTensor(symbols, index, tables, { streams: 1 }).bytes;
}

// ───────────────────────────── decoder ─────────────────────────────

/**
 * Decoder-side tables: the CDF set plus a coarse slot → bin lookup per table, with every index made absolute
 * in `tables.cdf` so the hot loop needs no per-table base. Built once per (set, lookupBits) and cached.
 */
export interface DecoderTables {
  readonly tables: CdfTables;
  readonly lookupBits: number;
  /** lut[(t << lookupBits) + j] = starts[t] + (the bin containing slot j·2^(16 − lookupBits) in table t). */
  readonly lut: Int32Array;
  /** escapeAt[t] = starts[t] + (index of table t's escape bin). */
  readonly escapeAt: Int32Array;
  /** symbolDelta[t] = offsets[t] − starts[t]: the symbol of absolute CDF index k is k + symbolDelta[t]. */
  readonly symbolDelta: Int32Array;
}

const decoderCache = new WeakMap<CdfTables, Map<number, DecoderTables>>();

/** Builds (or fetches from a per-table-set cache) the lookup the decoder uses. `lookupBits` in [1, 16]. */
export function prepareDecoder(tables: CdfTables, lookupBits = DEFAULT_LOOKUP_BITS): DecoderTables {
  if (!Number.isInteger(lookupBits) || lookupBits < 1 || lookupBits > 16) {
    throw new EntropyError('invalid-argument', `lookupBits must be an integer in [1, 16], got ${lookupBits}.`);
  }
  let byBits = decoderCache.get(tables);
  if (!byBits) {
    byBits = new Map();
    decoderCache.set(tables, byBits);
  }
  const hit = byBits.get(lookupBits);
  if (hit) return hit;
  assertValidTables(tables);
  const n = tables.lengths.length;
  const size = 1 << lookupBits;
  const shift = 16 - lookupBits;
  const lut = new Int32Array(n * size);
  const escapeAt = new Int32Array(n);
  const symbolDelta = new Int32Array(n);
  const { cdf, starts, lengths, offsets } = tables;
  for (let t = 0; t < n; t++) {
    const base = starts[t];
    const last = base + lengths[t] - 2; // the escape bin
    let k = base;
    for (let j = 0; j < size; j++) {
      const slot = j << shift;
      while (k < last && cdf[k + 1] <= slot) k++;
      lut[t * size + j] = k;
    }
    escapeAt[t] = last;
    symbolDelta[t] = offsets[t] - base;
  }
  const dec: DecoderTables = { tables, lookupBits, lut, escapeAt, symbolDelta };
  byBits.set(lookupBits, dec);
  return dec;
}

// Decoder state shared between the hot loops and the escape path: stream A (and B when two streams are
// decoded interleaved). x = state, p = read position, e = end of the stream's bytes.
let xa = 0;
let pa = 0;
let ea = 0;
let xb = 0;
let pb = 0;
let eb = 0;

function exhausted(): EntropyError {
  return new EntropyError('stream-exhausted', 'a rANS stream ended before all its symbols were decoded (corrupt or truncated data).');
}

/** Reads an `nbits`-bit uniform value from the stream whose state is (xa, pa, ea). */
function decGetBits(bytes: Uint8Array, nbits: number): number {
  let x = xa;
  const value = x & ((1 << nbits) - 1);
  x >>>= nbits;
  while (x < RANS_L) {
    if (pa >= ea) throw exhausted();
    x = (x << 8) | bytes[pa++];
  }
  xa = x;
  return value;
}

/** The escape payload after an escape bin (docs §4.3), from the stream in (xa, pa, ea). */
function decEscape(bytes: Uint8Array, dec: DecoderTables, t: number): number {
  const nIn = dec.escapeAt[t] - dec.tables.starts[t];
  const b = decGetBits(bytes, ESCAPE_LENGTH_BITS);
  if (b > MAX_ESCAPE_BITS) {
    throw new EntropyError('bad-escape', `an escape declares ${b} value bits; at most ${MAX_ESCAPE_BITS} are valid.`);
  }
  let raw = 0;
  if (b === 1) raw = 1;
  else if (b >= 2) {
    const restBits = b - 1;
    let rest = 0;
    for (let j = 0; 16 * j < restBits; j++) {
      const nb = Math.min(16, restBits - 16 * j);
      rest += decGetBits(bytes, nb) * 2 ** (16 * j);
    }
    raw = 2 ** (b - 1) + rest;
  }
  const v = raw % 2 === 1 ? -(raw + 1) / 2 : nIn + raw / 2;
  const symbol = v + dec.tables.offsets[t];
  if (symbol < -2147483648 || symbol > 2147483647) {
    throw new EntropyError('bad-escape', `an escape decodes to ${symbol}, outside the int32 range.`);
  }
  return symbol;
}

/** Escape on stream B: swap B into the A slots, decode, swap back. */
function decEscapeB(bytes: Uint8Array, dec: DecoderTables, t: number): number {
  const sx = xa;
  const sp = pa;
  const se = ea;
  xa = xb;
  pa = pb;
  ea = eb;
  const v = decEscape(bytes, dec, t);
  xb = xa;
  pb = pa;
  eb = ea;
  xa = sx;
  pa = sp;
  ea = se;
  return v;
}

// Single stream, table per element: elements [from, to) from stream A.
function runOnePerElement(bytes: Uint8Array, dec: DecoderTables, index: ElementIndex, from: number, to: number, out: Int32Array): void {
  const cdf = dec.tables.cdf;
  const { lut, escapeAt, symbolDelta } = dec;
  const bits = dec.lookupBits;
  const shift = 16 - bits;
  const end = ea;
  let x = xa;
  let p = pa;
  for (let i = from; i < to; i++) {
    const t = index[i];
    const slot = x & 0xffff;
    let k = lut[(t << bits) + (slot >>> shift)];
    while (cdf[k + 1] <= slot) k++;
    const c0 = cdf[k];
    x = (cdf[k + 1] - c0) * (x >>> 16) + slot - c0;
    while (x < RANS_L) {
      if (p >= end) throw exhausted();
      x = (x << 8) | bytes[p++];
    }
    if (k !== escapeAt[t]) out[i] = k + symbolDelta[t];
    else {
      xa = x;
      pa = p;
      out[i] = decEscape(bytes, dec, t);
      x = xa;
      p = pa;
    }
  }
  xa = x;
  pa = p;
}

// Single stream, one table t for all elements [from, to).
function runOneTable(bytes: Uint8Array, dec: DecoderTables, t: number, from: number, to: number, out: Int32Array): void {
  const cdf = dec.tables.cdf;
  const lut = dec.lut;
  const bits = dec.lookupBits;
  const shift = 16 - bits;
  const lutBase = t << bits;
  const esc = dec.escapeAt[t];
  const delta = dec.symbolDelta[t];
  const end = ea;
  let x = xa;
  let p = pa;
  for (let i = from; i < to; i++) {
    const slot = x & 0xffff;
    let k = lut[lutBase + (slot >>> shift)];
    while (cdf[k + 1] <= slot) k++;
    const c0 = cdf[k];
    x = (cdf[k + 1] - c0) * (x >>> 16) + slot - c0;
    while (x < RANS_L) {
      if (p >= end) throw exhausted();
      x = (x << 8) | bytes[p++];
    }
    if (k !== esc) out[i] = k + delta;
    else {
      xa = x;
      pa = p;
      out[i] = decEscape(bytes, dec, t);
      x = xa;
      p = pa;
    }
  }
  xa = x;
  pa = p;
}

// Two streams interleaved (independent dependency chains run in parallel in the CPU): element fromA + j from
// stream A and fromB + j from stream B, j ∈ [0, len). Table per element.
function runTwoPerElement(
  bytes: Uint8Array,
  dec: DecoderTables,
  index: ElementIndex,
  fromA: number,
  fromB: number,
  len: number,
  out: Int32Array,
): void {
  const cdf = dec.tables.cdf;
  const { lut, escapeAt, symbolDelta } = dec;
  const bits = dec.lookupBits;
  const shift = 16 - bits;
  let x0 = xa;
  let p0 = pa;
  const e0 = ea;
  let x1 = xb;
  let p1 = pb;
  const e1 = eb;
  for (let j = 0; j < len; j++) {
    const i0 = fromA + j;
    const i1 = fromB + j;
    const t0 = index[i0];
    const t1 = index[i1];
    const s0 = x0 & 0xffff;
    const s1 = x1 & 0xffff;
    let k0 = lut[(t0 << bits) + (s0 >>> shift)];
    let k1 = lut[(t1 << bits) + (s1 >>> shift)];
    while (cdf[k0 + 1] <= s0) k0++;
    while (cdf[k1 + 1] <= s1) k1++;
    const c0 = cdf[k0];
    const c1 = cdf[k1];
    x0 = (cdf[k0 + 1] - c0) * (x0 >>> 16) + s0 - c0;
    x1 = (cdf[k1 + 1] - c1) * (x1 >>> 16) + s1 - c1;
    while (x0 < RANS_L) {
      if (p0 >= e0) throw exhausted();
      x0 = (x0 << 8) | bytes[p0++];
    }
    while (x1 < RANS_L) {
      if (p1 >= e1) throw exhausted();
      x1 = (x1 << 8) | bytes[p1++];
    }
    if (k0 !== escapeAt[t0] && k1 !== escapeAt[t1]) {
      out[i0] = k0 + symbolDelta[t0];
      out[i1] = k1 + symbolDelta[t1];
    } else {
      xa = x0;
      pa = p0;
      xb = x1;
      pb = p1;
      out[i0] = k0 !== escapeAt[t0] ? k0 + symbolDelta[t0] : decEscape(bytes, dec, t0);
      out[i1] = k1 !== escapeAt[t1] ? k1 + symbolDelta[t1] : decEscapeB(bytes, dec, t1);
      x0 = xa;
      p0 = pa;
      x1 = xb;
      p1 = pb;
    }
  }
  xa = x0;
  pa = p0;
  xb = x1;
  pb = p1;
}

// Two streams interleaved, table tA for stream A's elements and tB for stream B's.
function runTwoTables(
  bytes: Uint8Array,
  dec: DecoderTables,
  tA: number,
  tB: number,
  fromA: number,
  fromB: number,
  len: number,
  out: Int32Array,
): void {
  const cdf = dec.tables.cdf;
  const lut = dec.lut;
  const bits = dec.lookupBits;
  const shift = 16 - bits;
  const lut0 = tA << bits;
  const lut1 = tB << bits;
  const esc0 = dec.escapeAt[tA];
  const esc1 = dec.escapeAt[tB];
  const d0 = dec.symbolDelta[tA];
  const d1 = dec.symbolDelta[tB];
  let x0 = xa;
  let p0 = pa;
  const e0 = ea;
  let x1 = xb;
  let p1 = pb;
  const e1 = eb;
  for (let j = 0; j < len; j++) {
    const s0 = x0 & 0xffff;
    const s1 = x1 & 0xffff;
    let k0 = lut[lut0 + (s0 >>> shift)];
    let k1 = lut[lut1 + (s1 >>> shift)];
    while (cdf[k0 + 1] <= s0) k0++;
    while (cdf[k1 + 1] <= s1) k1++;
    const c0 = cdf[k0];
    const c1 = cdf[k1];
    x0 = (cdf[k0 + 1] - c0) * (x0 >>> 16) + s0 - c0;
    x1 = (cdf[k1 + 1] - c1) * (x1 >>> 16) + s1 - c1;
    while (x0 < RANS_L) {
      if (p0 >= e0) throw exhausted();
      x0 = (x0 << 8) | bytes[p0++];
    }
    while (x1 < RANS_L) {
      if (p1 >= e1) throw exhausted();
      x1 = (x1 << 8) | bytes[p1++];
    }
    if (k0 !== esc0 && k1 !== esc1) {
      out[fromA + j] = k0 + d0;
      out[fromB + j] = k1 + d1;
    } else {
      xa = x0;
      pa = p0;
      xb = x1;
      pb = p1;
      out[fromA + j] = k0 !== esc0 ? k0 + d0 : decEscape(bytes, dec, tA);
      out[fromB + j] = k1 !== esc1 ? k1 + d1 : decEscapeB(bytes, dec, tB);
      x0 = xa;
      p0 = pa;
      x1 = xb;
      p1 = pb;
    }
  }
  xa = x0;
  pa = p0;
  xb = x1;
  pb = p1;
}

type ElementIndex = Uint8Array | Uint16Array | Int32Array;

/** Decodes elements [from, to) of stream A (state already in xa/pa/ea) with either index form. */
function runOne(bytes: Uint8Array, dec: DecoderTables, index: TableIndex, from: number, to: number, out: Int32Array): void {
  if (!isPerChannel(index)) {
    runOnePerElement(bytes, dec, index, from, to, out);
    return;
  }
  const P = index.planeSize;
  let lo = from;
  while (lo < to) {
    const c = Math.floor(lo / P);
    const hi = Math.min(to, (c + 1) * P);
    runOneTable(bytes, dec, index.tables ? index.tables[c] : c, lo, hi, out);
    lo = hi;
  }
}

/** Decodes `len` elements from each of streams A (from fromA) and B (from fromB), interleaved. */
function runTwo(
  bytes: Uint8Array,
  dec: DecoderTables,
  index: TableIndex,
  fromA: number,
  fromB: number,
  len: number,
  out: Int32Array,
): void {
  if (!isPerChannel(index)) {
    runTwoPerElement(bytes, dec, index, fromA, fromB, len, out);
    return;
  }
  const P = index.planeSize;
  const map = index.tables;
  let j = 0;
  while (j < len) {
    const a = fromA + j;
    const b = fromB + j;
    const ca = Math.floor(a / P);
    const cb = Math.floor(b / P);
    const run = Math.min(len - j, (ca + 1) * P - a, (cb + 1) * P - b);
    runTwoTables(bytes, dec, map ? map[ca] : ca, map ? map[cb] : cb, a, b, run, out);
    j += run;
  }
}

/** Reads a stream's initial state; throws unless the stream can hold one. */
function initialState(bytes: Uint8Array, start: number, end: number, symbols: number): number {
  if (end - start < STREAM_STATE_BYTES) {
    throw new EntropyError('stream-exhausted', `a stream of ${symbols} symbols has only ${end - start} bytes (≥ 4 needed).`);
  }
  const x = (bytes[start] << 24) | (bytes[start + 1] << 16) | (bytes[start + 2] << 8) | bytes[start + 3];
  if (x < RANS_L) {
    throw new EntropyError('bad-initial-state', `stream state 0x${(x >>> 0).toString(16)} lies outside [2^23, 2^31).`);
  }
  return x;
}

function checkFinal(x: number, p: number, end: number): void {
  if (p !== end) {
    throw new EntropyError('final-state-mismatch', `a stream has ${end - p} unread bytes after its last symbol (corrupt data).`);
  }
  if (x !== RANS_L) {
    throw new EntropyError(
      'final-state-mismatch',
      `a stream's final rANS state is 0x${x.toString(16)}, expected 0x${RANS_L.toString(16)} (corrupt data).`,
    );
  }
}

function checkEmpty(start: number, end: number): void {
  if (end !== start) {
    throw new EntropyError('final-state-mismatch', `a stream with no symbols must be empty; it has ${end - start} bytes.`);
  }
}

/**
 * Decodes one stream, `bytes[start, end)`, holding elements [from, to), into out[from .. to). For workers:
 * every stream can be decoded on its own into a shared output. `index` is not re-checked here (call
 * checkTableIndex once per tensor).
 */
export function decodeStreamInto(
  bytes: Uint8Array,
  start: number,
  end: number,
  index: TableIndex,
  dec: DecoderTables,
  from: number,
  to: number,
  out: Int32Array,
): void {
  if (to <= from) return checkEmpty(start, end);
  xa = initialState(bytes, start, end, to - from);
  pa = start + STREAM_STATE_BYTES;
  ea = end;
  runOne(bytes, dec, index, from, to, out);
  checkFinal(xa, pa, ea);
}

/** Decodes two streams at once (interleaved, faster than one after the other); same contract as above. */
export function decodeStreamPairInto(
  bytes: Uint8Array,
  startA: number,
  endA: number,
  startB: number,
  endB: number,
  index: TableIndex,
  dec: DecoderTables,
  fromA: number,
  toA: number,
  fromB: number,
  toB: number,
  out: Int32Array,
): void {
  if (toA <= fromA || toB <= fromB) {
    decodeStreamInto(bytes, startA, endA, index, dec, fromA, toA, out);
    decodeStreamInto(bytes, startB, endB, index, dec, fromB, toB, out);
    return;
  }
  xa = initialState(bytes, startA, endA, toA - fromA);
  pa = startA + STREAM_STATE_BYTES;
  ea = endA;
  xb = initialState(bytes, startB, endB, toB - fromB);
  pb = startB + STREAM_STATE_BYTES;
  eb = endB;
  const common = Math.min(toA - fromA, toB - fromB);
  runTwo(bytes, dec, index, fromA, fromB, common, out);
  // the longer stream's remainder (chunks differ by at most one element when made by streamBounds)
  runOne(bytes, dec, index, fromA + common, toA, out);
  checkFinal(xa, pa, ea);
  xa = xb;
  pa = pb;
  ea = eb;
  runOne(bytes, dec, index, fromB + common, toB, out);
  checkFinal(xa, pa, ea);
}

/**
 * Decodes `count` symbols from the streams of an EncodedTensor (or any bytes + stream lengths, e.g. from the
 * container); streams are decoded two at a time, interleaved. Throws EntropyError on malformed input; never
 * reads outside `bytes`, never loops more than a bounded number of times per symbol.
 */
export function decodeTensor(
  encoded: { bytes: Uint8Array; streamLengths: ArrayLike<number> },
  index: TableIndex,
  tables: CdfTables | DecoderTables,
  count: number,
): Int32Array {
  const dec = 'lut' in tables ? tables : prepareDecoder(tables);
  if (!Number.isInteger(count) || count < 0 || count > MAX_TENSOR_SYMBOLS) {
    throw new EntropyError('invalid-argument', `count must be an integer in [0, 2^31 − 1], got ${count}.`);
  }
  checkTableIndex(index, count, dec.tables);
  const { bytes, streamLengths } = encoded;
  const K = streamLengths.length;
  if (K < 1 || K > MAX_STREAMS) {
    throw new EntropyError('invalid-argument', `a tensor needs 1 … ${MAX_STREAMS} streams, got ${K}.`);
  }
  // Int32 positions keep the hot loops on small-integer arithmetic (a Float64 index is markedly slower).
  const starts = new Int32Array(K + 1);
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const len = streamLengths[k];
    if (!Number.isInteger(len) || len < 0) {
      throw new EntropyError('invalid-argument', `stream ${k} has length ${len}.`);
    }
    sum += len;
    if (sum > bytes.length) break;
    starts[k + 1] = sum;
  }
  if (sum !== bytes.length) {
    throw new EntropyError('invalid-argument', `stream lengths add up to ${sum}+ bytes, the data has ${bytes.length}.`);
  }
  const out = new Int32Array(count);
  const bounds = streamBounds(count, K);
  let k = 0;
  for (; k + 1 < K; k += 2) {
    decodeStreamPairInto(
      bytes,
      starts[k],
      starts[k + 1],
      starts[k + 1],
      starts[k + 2],
      index,
      dec,
      bounds[k],
      bounds[k + 1],
      bounds[k + 1],
      bounds[k + 2],
      out,
    );
  }
  if (k < K) decodeStreamInto(bytes, starts[k], starts[k + 1], index, dec, bounds[k], bounds[k + 1], out);
  return out;
}

/** Single-stream convenience, the inverse of encodeSymbols. */
export function decodeSymbols(bytes: Uint8Array, index: TableIndex, tables: CdfTables | DecoderTables, count: number): Int32Array {
  return decodeTensor({ bytes, streamLengths: [bytes.length] }, index, tables, count);
}
