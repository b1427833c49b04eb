import { describe, expect, it } from 'vitest';
import {
  EntropyError,
  RANS_L,
  buildGaussianTables,
  createTables,
  decodeStreamInto,
  decodeSymbols,
  decodeTensor,
  defaultScaleTable,
  defaultStreamCount,
  encodeSymbols,
  encodeTensor,
  idealBits,
  perChannel,
  pmfToQuantizedCdf,
  prepareDecoder,
  scaleIndex,
  streamBounds,
  type CdfTables,
  type TableIndex,
} from './index';
import { gaussian, mulberry32, randInt, tablesFromRows } from './testing';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** A random table set: T tables of 1…maxBins in-range bins, random pmfs (zeros, spikes, flat), random offsets. */
function randomTables(rnd: () => number, T: number, maxBins: number, maxOffset = 1000): CdfTables {
  const rows: Int32Array[] = [];
  const offsets: number[] = [];
  for (let t = 0; t < T; t++) {
    const nIn = randInt(rnd, 1, maxBins);
    const kind = rnd();
    const pmf = new Float64Array(nIn + 1);
    for (let i = 0; i <= nIn; i++) pmf[i] = kind < 0.3 ? rnd() : kind < 0.6 ? rnd() ** 8 : rnd() < 0.5 ? 0 : rnd();
    pmf[randInt(rnd, 0, nIn)] += 1;
    rows.push(pmfToQuantizedCdf(pmf, 16));
    offsets.push(randInt(rnd, -maxOffset, maxOffset));
  }
  return tablesFromRows(rows, offsets);
}

/** Symbols drawn from each element's own table (so they are mostly in range), with some escapes mixed in. */
function symbolsFor(rnd: () => number, tables: CdfTables, tableOf: (i: number) => number, n: number, escapeRate: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const t = tableOf(i);
    const nIn = tables.lengths[t] - 2;
    const base = tables.starts[t];
    if (rnd() < escapeRate) {
      const r = rnd();
      out[i] = r < 0.1 ? INT32_MIN : r < 0.2 ? INT32_MAX : tables.offsets[t] + (rnd() < 0.5 ? -randInt(rnd, 1, 70000) : nIn + randInt(rnd, 0, 70000));
    } else {
      const slot = Math.floor(rnd() * 65536);
      let b = 0;
      while (tables.cdf[base + b + 1] <= slot) b++;
      out[i] = b < nIn ? tables.offsets[t] + b : tables.offsets[t] + nIn + randInt(rnd, 0, 5);
    }
  }
  return out;
}

function tableOfIndex(index: TableIndex): (i: number) => number {
  if ('kind' in index) return (i) => (index.tables ? index.tables[Math.floor(i / index.planeSize)] : Math.floor(i / index.planeSize));
  return (i) => index[i];
}

function roundTrip(symbols: Int32Array, index: TableIndex, tables: CdfTables, streams?: number) {
  const enc = encodeTensor(symbols, index, tables, streams === undefined ? {} : { streams });
  const dec = decodeTensor(enc, index, tables, symbols.length);
  expect(dec).toEqual(symbols);
  expect(enc.streamLengths.reduce((a, b) => a + b, 0)).toBe(enc.bytes.length);
  return enc;
}

describe('rANS coder', () => {
  it('produces the hand-computed bytes for a two-symbol known answer', () => {
    // table: bins 0 and 1 (f = 32768, 32767) + escape (f = 1); symbols [0, 1] encoded in reverse from x = 2^23:
    //   symbol 1: x = ⌊8388608/32767⌋·2^16 + 8388608 mod 32767 + 32768 = 256·65536 + 256 + 32768 = 16810240
    //   symbol 0: x = ⌊16810240/32768⌋·2^16 + 16810240 mod 32768 + 0 = 513·65536 + 256 = 33620224 = 0x02010100
    const tables = createTables({ cdf: [0, 32768, 65535, 65536], lengths: [4], offsets: [0] });
    const bytes = encodeSymbols(Int32Array.from([0, 1]), new Uint8Array(2), tables);
    expect(Array.from(bytes)).toEqual([0x02, 0x01, 0x01, 0x00]);
    expect(Array.from(decodeSymbols(bytes, new Uint8Array(2), tables, 2))).toEqual([0, 1]);
    expect(RANS_L).toBe(2 ** 23);
  });

  it('round-trips random tables and symbols, every index form and stream count', () => {
    const rnd = mulberry32(11);
    for (let trial = 0; trial < 60; trial++) {
      const T = randInt(rnd, 1, 70);
      const tables = randomTables(rnd, T, trial % 4 === 0 ? 3000 : 40);
      const C = randInt(rnd, 1, 12);
      const P = randInt(rnd, 1, 300);
      const n = C * P;
      const form = trial % 5;
      let index: TableIndex;
      if (form === 0) index = Uint8Array.from({ length: n }, () => randInt(rnd, 0, Math.min(T, 256) - 1));
      else if (form === 1) index = Uint16Array.from({ length: n }, () => randInt(rnd, 0, T - 1));
      else if (form === 2) index = Int32Array.from({ length: n }, () => randInt(rnd, 0, T - 1));
      else if (form === 3 && C <= T) index = perChannel(C, P);
      else index = perChannel(C, P, Int32Array.from({ length: C }, () => randInt(rnd, 0, T - 1)));
      const symbols = symbolsFor(rnd, tables, tableOfIndex(index), n, trial % 3 === 0 ? 0.05 : 0.001);
      for (const K of [1, 2, 3, 5, 8]) roundTrip(symbols, index, tables, K);
    }
  });

  it('round-trips Gaussian latents with random scales through the 64 default tables', () => {
    const scales = defaultScaleTable();
    const tables = buildGaussianTables({ scales, tailMass: 1e-9, precision: 16 });
    const rnd = mulberry32(5);
    const n = 40000;
    const symbols = new Int32Array(n);
    const index = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const s = Math.exp(-3 + 9 * rnd());
      index[i] = scaleIndex(s, scales);
      symbols[i] = Math.round(s * gaussian(rnd));
    }
    const enc = roundTrip(symbols, index, tables);
    expect(enc.streamLengths.length).toBe(defaultStreamCount(n));
    roundTrip(symbols, index, tables, 1);
    roundTrip(symbols, index, tables, 7);
  });

  it('round-trips heavy tails, int32 extremes and extreme offsets through the escape code', () => {
    const rnd = mulberry32(9);
    const tables = createTables({
      cdf: [0, 20000, 40000, 65535, 65536, 0, 65535, 65536, 0, 1000, 65536],
      lengths: [5, 3, 3],
      offsets: [-1, 2 ** 30, -(2 ** 30)],
    });
    const n = 5000;
    const symbols = new Int32Array(n);
    const index = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      index[i] = i % 3;
      const r = rnd();
      // Cauchy-distributed values, clamped to int32, plus the exact extremes
      const cauchy = Math.tan(Math.PI * (rnd() - 0.5)) * 10 ** randInt(rnd, 0, 9);
      symbols[i] = r < 0.05 ? INT32_MIN : r < 0.1 ? INT32_MAX : Math.max(INT32_MIN, Math.min(INT32_MAX, Math.round(cauchy)));
    }
    const rate = idealBits(symbols, index, tables);
    expect(rate.escapes).toBeGreaterThan(n / 2);
    for (const K of [1, 4]) roundTrip(symbols, index, tables, K);
  });

  it('round-trips a stream made only of escapes', () => {
    const tables = createTables({ cdf: [0, 65535, 65536], lengths: [3], offsets: [0] });
    const symbols = Int32Array.from({ length: 3000 }, (_, i) => (i % 2 ? -1 - i * 7919 : 1 + i * 104729));
    const index = new Uint8Array(symbols.length);
    expect(idealBits(symbols, index, tables).escapes).toBe(symbols.length);
    for (const K of [1, 2, 3]) roundTrip(symbols, index, tables, K);
  });

  it('handles empty and one-symbol tensors, and more streams than symbols', () => {
    const tables = createTables({ cdf: [0, 30000, 65000, 65536], lengths: [4], offsets: [5] });
    const empty = encodeTensor(new Int32Array(0), new Uint8Array(0), tables);
    expect(empty.bytes.length).toBe(0);
    expect(empty.streamLengths).toEqual([0]);
    expect(decodeTensor(empty, new Uint8Array(0), tables, 0).length).toBe(0);
    for (const v of [5, 6, 4, 7, INT32_MIN, INT32_MAX]) {
      const one = roundTrip(Int32Array.from([v]), new Uint8Array(1), tables, 1);
      expect(one.bytes.length).toBeGreaterThanOrEqual(4);
    }
    const three = roundTrip(Int32Array.from([5, 6, 99]), new Uint8Array(3), tables, 8);
    expect(three.streamLengths.filter((l) => l === 0).length).toBe(5);
    expect(Array.from(streamBounds(3, 8))).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 3]);
  });

  it('decodes identically with every lookup resolution', () => {
    const rnd = mulberry32(21);
    const tables = randomTables(rnd, 20, 2000);
    const index = Uint8Array.from({ length: 20000 }, () => randInt(rnd, 0, 19));
    const symbols = symbolsFor(rnd, tables, (i) => index[i], index.length, 0.002);
    const enc = encodeTensor(symbols, index, tables, { streams: 3 });
    for (let bits = 1; bits <= 16; bits++) expect(decodeTensor(enc, index, prepareDecoder(tables, bits), symbols.length)).toEqual(symbols);
  });

  it('lets each stream be decoded on its own into a shared output (worker split)', () => {
    const rnd = mulberry32(4);
    const tables = randomTables(rnd, 8, 100);
    const index = perChannel(8, 999);
    const symbols = symbolsFor(rnd, tables, (i) => Math.floor(i / 999), 8 * 999, 0.01);
    const K = 5;
    const enc = encodeTensor(symbols, index, tables, { streams: K });
    const bounds = streamBounds(symbols.length, K);
    const out = new Int32Array(symbols.length);
    const dec = prepareDecoder(tables);
    const starts = [0];
    for (const l of enc.streamLengths) starts.push(starts[starts.length - 1] + l);
    for (const k of [3, 0, 4, 2, 1]) decodeStreamInto(enc.bytes, starts[k], starts[k + 1], index, dec, bounds[k], bounds[k + 1], out);
    expect(out).toEqual(symbols);
  });
});

describe('rANS efficiency', () => {
  function checkEfficiency(name: string, symbols: Int32Array, index: TableIndex, tables: CdfTables, K: number) {
    const enc = encodeTensor(symbols, index, tables, { streams: K });
    const ideal = idealBits(symbols, index, tables).bits / 8;
    expect(enc.bytes.length, name).toBeLessThanOrEqual(ideal * 1.005 + 6 * K);
    return { bytes: enc.bytes.length, ideal };
  }

  it('spends at most 0.5 % + 6 bytes per stream over the ideal code length', () => {
    const rnd = mulberry32(77);
    const scales = defaultScaleTable();
    const gauss = buildGaussianTables({ scales, tailMass: 1e-9, precision: 16 });
    for (const [lo, hi] of [
      [-2.2, -1.5], // almost deterministic symbols (f close to 2^16): the hardest case for rANS precision
      [-1, 1],
      [1, 4],
      [4, 5.5], // wide tables, ~8 bits/symbol
    ]) {
      const n = 60000;
      const symbols = new Int32Array(n);
      const index = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const s = Math.exp(lo + (hi - lo) * rnd());
        index[i] = scaleIndex(s, scales);
        symbols[i] = Math.round(s * gaussian(rnd));
      }
      for (const K of [1, 4]) checkEfficiency(`gaussian log-scale [${lo}, ${hi}], K=${K}`, symbols, index, gauss, K);
    }
    const fact = randomTables(rnd, 16, 200);
    const index = perChannel(16, 4000);
    const symbols = symbolsFor(rnd, fact, (i) => Math.floor(i / 4000), 64000, 0.0005);
    checkEfficiency('factorized', symbols, index, fact, 2);
  });
});

describe('rANS robustness', () => {
  it('turns truncated, extended and bit-flipped streams into EntropyError or wrong symbols, never anything else', () => {
    const rnd = mulberry32(1234);
    let detected = 0;
    let cases = 0;
    for (let trial = 0; trial < 150; trial++) {
      const tables = randomTables(rnd, 4, 60);
      const n = randInt(rnd, 1, 400);
      const index = Uint8Array.from({ length: n }, () => randInt(rnd, 0, 3));
      const symbols = symbolsFor(rnd, tables, (i) => index[i], n, 0.03);
      const K = randInt(rnd, 1, 3);
      const enc = encodeTensor(symbols, index, tables, { streams: K });
      for (let m = 0; m < 20; m++) {
        const bytes = enc.bytes.slice();
        const lengths = enc.streamLengths.slice();
        const k = randInt(rnd, 0, K - 1);
        const kind = m % 4;
        let mustDetect = false;
        if (kind === 0 && lengths[k] > 0) {
          // truncate stream k by 1…3 bytes
          const cut = Math.min(lengths[k], randInt(rnd, 1, 3));
          const startK = lengths.slice(0, k).reduce((a, b) => a + b, 0);
          const shorter = new Uint8Array(bytes.length - cut);
          shorter.set(bytes.subarray(0, startK + lengths[k] - cut));
          shorter.set(bytes.subarray(startK + lengths[k]), startK + lengths[k] - cut);
          lengths[k] -= cut;
          mustDetect = true;
          cases++;
          detected += expectTypedOrValue(shorter, lengths, index, tables, n, mustDetect);
          continue;
        } else if (kind === 1) {
          // one extra byte at the end of stream k
          const startK = lengths.slice(0, k).reduce((a, b) => a + b, 0);
          const longer = new Uint8Array(bytes.length + 1);
          longer.set(bytes.subarray(0, startK + lengths[k]));
          longer[startK + lengths[k]] = randInt(rnd, 0, 255);
          longer.set(bytes.subarray(startK + lengths[k]), startK + lengths[k] + 1);
          lengths[k] += 1;
          cases++;
          detected += expectTypedOrValue(longer, lengths, index, tables, n, true);
          continue;
        } else if (bytes.length > 0) {
          const flips = kind === 2 ? 1 : randInt(rnd, 2, 16);
          for (let f = 0; f < flips; f++) bytes[randInt(rnd, 0, bytes.length - 1)] ^= 1 << randInt(rnd, 0, 7);
        }
        cases++;
        detected += expectTypedOrValue(bytes, lengths, index, tables, n, false);
      }
    }
    // most corruption is detected by the final-state check alone
    expect(detected / cases).toBeGreaterThan(0.8);
  });

  it('rejects bad arguments with typed errors', () => {
    const tables = createTables({ cdf: [0, 30000, 65000, 65536], lengths: [4], offsets: [0] });
    const ok = Int32Array.from([0, 1, 1]);
    const idx = new Uint8Array(3);
    const bad: [() => unknown, string][] = [
      [() => encodeTensor(ok, new Uint8Array(2), tables), 'invalid-argument'],
      [() => encodeTensor(ok, Uint8Array.from([0, 1, 0]), tables), 'invalid-argument'],
      [() => encodeTensor(ok, Int32Array.from([0, -1, 0]), tables), 'invalid-argument'],
      [() => encodeTensor(ok, perChannel(2, 2), tables), 'invalid-argument'],
      [() => encodeTensor(ok, perChannel(3, 1), tables), 'invalid-argument'],
      [() => encodeTensor(ok, perChannel(3, 1, Int32Array.from([0, 0, 1])), tables), 'invalid-argument'],
      [() => encodeTensor(ok, idx, tables, { streams: 0 }), 'invalid-argument'],
      [() => encodeTensor(ok, idx, tables, { streams: 1.5 }), 'invalid-argument'],
      [() => encodeTensor([0, 1, 1] as unknown as Int32Array, idx, tables), 'invalid-symbol'],
      [() => decodeTensor({ bytes: new Uint8Array(4), streamLengths: [3] }, idx, tables, 3), 'invalid-argument'],
      [() => decodeTensor({ bytes: new Uint8Array(4), streamLengths: [] }, idx, tables, 3), 'invalid-argument'],
      [() => decodeTensor({ bytes: new Uint8Array(4), streamLengths: [4] }, idx, tables, -1), 'invalid-argument'],
      [() => decodeTensor({ bytes: new Uint8Array(4), streamLengths: [4] }, idx, tables, 3), 'bad-initial-state'],
      [() => decodeTensor({ bytes: new Uint8Array(3), streamLengths: [3] }, idx, tables, 3), 'stream-exhausted'],
      [() => decodeTensor({ bytes: new Uint8Array(2), streamLengths: [2, 0] }, new Uint8Array(1), tables, 1), 'final-state-mismatch'],
      [() => prepareDecoder(tables, 17), 'invalid-argument'],
    ];
    for (const [fn, kind] of bad) {
      let err: unknown;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      expect(err, kind).toBeInstanceOf(EntropyError);
      expect((err as EntropyError).kind).toBe(kind);
    }
  });
});

/** Decodes possibly corrupted data; returns 1 if an EntropyError reported it, 0 if it decoded to something. */
function expectTypedOrValue(
  bytes: Uint8Array,
  streamLengths: number[],
  index: TableIndex,
  tables: CdfTables,
  n: number,
  mustDetect: boolean,
): number {
  try {
    const out = decodeTensor({ bytes, streamLengths }, index, tables, n);
    expect(out).toBeInstanceOf(Int32Array);
    expect(out.length).toBe(n);
    expect(mustDetect, 'truncation / extension must always be detected').toBe(false);
    return 0;
  } catch (e) {
    if (!(e instanceof EntropyError)) throw e;
    return 1;
  }
}
