import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EntropyError } from './errors';
import fixture from './fixtures/gaussian-tables.json';
import {
  PROB_TOTAL,
  assertValidTables,
  buildGaussianTables,
  createTables,
  defaultScaleTable,
  levelMix,
  mixLevelTables,
  scaleIndex,
  scaleIndices,
  tablesFromPaddedRows,
  type CdfTables,
} from './tables';

function sha256Int32(a: Int32Array): string {
  // the fixture hashes the rows as little-endian int32, which is the in-memory layout on every supported host
  return createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
}

function errorOf(fn: () => unknown): EntropyError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EntropyError);
    return e as EntropyError;
  }
  throw new Error('expected an EntropyError');
}

/** Independent float64 oracle: P(k − ½ < X < k + ½) for X ~ N(0, s²) by composite Simpson on the density. */
function gaussianBinProbability(k: number, s: number): number {
  const a = k - 0.5;
  const b = k + 0.5;
  const n = 200;
  const h = (b - a) / n;
  const pdf = (x: number) => Math.exp(-(x * x) / (2 * s * s)) / (s * Math.sqrt(2 * Math.PI));
  let acc = pdf(a) + pdf(b);
  for (let i = 1; i < n; i++) acc += (i % 2 === 1 ? 4 : 2) * pdf(a + i * h);
  return (acc * h) / 3;
}

describe('Gaussian tables', () => {
  it('are bit-identical to the Python reference port of docs/entropy-coding.md (fixture)', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(3);
    for (const c of fixture.cases) {
      const t = buildGaussianTables({ scales: Float64Array.from(c.scales), tailMass: c.tailMass, precision: 16 });
      expect(t.multiplier, c.name).toBe(c.multiplier);
      expect(t.cdf.length, c.name).toBe(c.cdfEntries);
      expect(Array.from(t.lengths), c.name).toEqual(c.lengths);
      expect(Array.from(t.offsets), c.name).toEqual(c.offsets);
      expect(Array.from(t.cdf.subarray(0, c.cdfHead.length)), c.name).toEqual(c.cdfHead);
      expect(sha256Int32(t.cdf), c.name).toBe(c.cdfSha256);
    }
  });

  it('have the documented shape: c = ceil(s·m), 2c + 3 entries, offset −c, packed rows', () => {
    const scales = defaultScaleTable();
    const t = buildGaussianTables({ scales, tailMass: 1e-9, precision: 16 });
    expect(t.cdf.length).toBe(27256);
    expect(t.centers[0]).toBe(1);
    expect(t.centers[63]).toBe(1565);
    let pos = 0;
    for (let i = 0; i < 64; i++) {
      expect(t.centers[i]).toBe(Math.ceil(scales[i] * t.multiplier));
      expect(t.lengths[i]).toBe(2 * t.centers[i] + 3);
      expect(t.offsets[i]).toBe(-t.centers[i]);
      expect(t.starts[i]).toBe(pos);
      pos += t.lengths[i];
    }
  });

  it('quantize close to the float64 Gaussian bin probabilities (Simpson-integrated oracle)', () => {
    const scales = Float64Array.from([0.11, 0.5, 1.7, 6, 23, 90]);
    const t = buildGaussianTables({ scales, tailMass: 1e-9, precision: 16 });
    for (let i = 0; i < scales.length; i++) {
      const s = scales[i];
      const c = t.centers[i];
      let crossEntropy = 0;
      let entropy = 0;
      for (let k = -c; k <= c; k++) {
        const f = t.cdf[t.starts[i] + k + c + 1] - t.cdf[t.starts[i] + k + c];
        const p = gaussianBinProbability(k, s);
        // every frequency is within 2.5 units of p·2^16 (+0.01 % for the mass that bins forced up to 1 take)
        expect(Math.abs(f - p * PROB_TOTAL), `scale ${s}, symbol ${k}`).toBeLessThanOrEqual(2.5 + 1e-4 * p * PROB_TOTAL);
        if (p > 0) {
          entropy -= p * Math.log2(p);
          crossEntropy -= p * Math.log2(f / PROB_TOTAL);
        }
      }
      expect(crossEntropy - entropy, `scale ${s}`).toBeLessThan(0.02);
    }
  });

  it('rejects bad parameters with typed errors', () => {
    const good = Float64Array.from([0.2, 1]);
    expect(errorOf(() => buildGaussianTables({ scales: good, tailMass: 0, precision: 16 })).kind).toBe('invalid-argument');
    expect(errorOf(() => buildGaussianTables({ scales: good, tailMass: 1, precision: 16 })).kind).toBe('invalid-argument');
    expect(errorOf(() => buildGaussianTables({ scales: good, tailMass: 1e-9, precision: 15 as 16 })).kind).toBe(
      'invalid-argument',
    );
    for (const scales of [[1, 0.5], [0, 1], [NaN], [1, Infinity], [], [6000]]) {
      expect(errorOf(() => buildGaussianTables({ scales, tailMass: 1e-9, precision: 16 })).kind).toBe('invalid-argument');
    }
  });
});

describe('table sets', () => {
  const row = [0, 100, 65000, 65536]; // two in-range bins + escape
  it('accept a valid set, packed or with explicit starts', () => {
    const t = createTables({ cdf: [...row, ...row], lengths: [4, 4], offsets: [-1, 7] });
    expect(Array.from(t.starts)).toEqual([0, 4]);
    const u = createTables({ cdf: [9, ...row], starts: [1, 1], lengths: [4, 4], offsets: [0, 0] });
    expect(Array.from(u.starts)).toEqual([1, 1]);
    expect(() => assertValidTables(u)).not.toThrow();
  });

  it('reject every rule violation with a message naming the table', () => {
    const cases: [string, () => CdfTables][] = [
      ['start at 0', () => createTables({ cdf: [1, 100, 65000, 65536], lengths: [4], offsets: [0] })],
      ['end at 2^16', () => createTables({ cdf: [0, 100, 65000, 65535], lengths: [4], offsets: [0] })],
      ['frequency', () => createTables({ cdf: [0, 100, 100, 65536], lengths: [4], offsets: [0] })],
      ['frequency', () => createTables({ cdf: [0, 65000, 100, 65536], lengths: [4], offsets: [0] })],
      ['length', () => createTables({ cdf: [0, 65536], lengths: [2], offsets: [0] })],
      ['outside', () => createTables({ cdf: row, lengths: [5], offsets: [0] })],
      ['outside', () => createTables({ cdf: row, starts: [-1], lengths: [4], offsets: [0] })],
      ['offset', () => createTables({ cdf: row, lengths: [4], offsets: [2 ** 30 + 1] })],
      ['offsets has', () => createTables({ cdf: row, lengths: [4], offsets: [] })],
      ['precision', () => createTables({ cdf: row, lengths: [4], offsets: [0], precision: 12 })],
      ['int32', () => createTables({ cdf: [0, 0.5, 65000, 65536], lengths: [4], offsets: [0] })],
      ['1 …', () => createTables({ cdf: row, lengths: [], offsets: [] })],
    ];
    for (const [word, make] of cases) {
      const e = errorOf(make);
      expect(e.kind).toBe('invalid-table');
      expect(e.message).toContain(word);
    }
    // a hand-made object that skips createTables is validated before use
    const forged: CdfTables = {
      precision: 16,
      cdf: Int32Array.from([0, 5, 5, 65536]),
      starts: Int32Array.from([0]),
      lengths: Int32Array.from([4]),
      offsets: Int32Array.from([0]),
    };
    expect(errorOf(() => assertValidTables(forged)).kind).toBe('invalid-table');
  });

  it('read CompressAI-style padded rows', () => {
    const rows = [0, 30000, 65536, 0, 0, 0, 1, 2, 3, 65536];
    const t = tablesFromPaddedRows(rows, 5, [3, 5], [-1, 4]);
    expect(Array.from(t.starts)).toEqual([0, 5]);
    expect(errorOf(() => tablesFromPaddedRows(rows, 4, [3, 5], [0, 0])).kind).toBe('invalid-table');
    expect(errorOf(() => tablesFromPaddedRows(rows, 5, [3, 6], [0, 0])).kind).toBe('invalid-table');
  });
});

describe('scale index', () => {
  it('is the index of the smallest table scale ≥ σ, clamped to the ends (linear-scan oracle)', () => {
    const scales = defaultScaleTable();
    const probes = [0, 0.05, 0.11, 0.110001, 1, scales[10], scales[10] * (1 + 1e-12), 255.9, 256, 300, NaN];
    for (let i = 0; i < 2000; i++) probes.push(Math.exp(-3 + 9 * (i / 2000)));
    for (const s of probes) {
      let want = scales.length - 1;
      for (let i = 0; i < scales.length; i++) {
        if (scales[i] >= s) {
          want = i;
          break;
        }
      }
      expect(scaleIndex(s, scales), `σ = ${s}`).toBe(want);
    }
    expect(Array.from(scaleIndices(Float32Array.from([0.01, 300]), scales))).toEqual([0, 63]);
  });
});

describe('per-level table sets (factorized densities per gain level)', () => {
  /** A random valid CDF row of n in-range bins + escape: frequencies ≥ 1 summing to 2^16. */
  function randomRow(n: number, rnd: () => number): number[] {
    const w = Array.from({ length: n + 1 }, () => rnd() ** 3 + 1e-4);
    const sum = w.reduce((a, b) => a + b, 0);
    const f = w.map((v) => 1 + Math.floor((v / sum) * (PROB_TOTAL - n - 1)));
    f[f.length - 1] += PROB_TOTAL - f.reduce((a, b) => a + b, 0);
    const row = [0];
    for (const v of f) row.push(row[row.length - 1] + v);
    return row;
  }
  function lcg(seed: number): () => number {
    let x = seed >>> 0;
    return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  }
  /** L levels × M channels, level-major; channel c's levels share its offset and length. */
  function leveled(L: number, M: number, seed: number): CdfTables {
    const rnd = lcg(seed);
    const lens = Array.from({ length: M }, () => 2 + Math.floor(rnd() * 40));
    const offs = Array.from({ length: M }, () => -Math.floor(rnd() * 20));
    const cdf: number[] = [];
    const lengths: number[] = [];
    const offsets: number[] = [];
    for (let l = 0; l < L; l++) {
      for (let c = 0; c < M; c++) {
        const row = randomRow(lens[c], rnd);
        cdf.push(...row);
        lengths.push(row.length);
        offsets.push(offs[c]);
      }
    }
    return createTables({ cdf, lengths, offsets });
  }

  it('mix level weights from the float32 rate like the Python exporter (known values)', () => {
    expect(levelMix(0, 8)).toEqual({ i: 0, w: 0 });
    expect(levelMix(1, 8)).toEqual({ i: 6, w: 256 });
    expect(levelMix(0.5, 8)).toEqual({ i: 3, w: 128 });
    // fround(0.3) = 0.30000001192092896; ×7 = 2.1000000834…; (0.1000000834…)·256 + ½ = 26.1…
    expect(levelMix(0.3, 8)).toEqual({ i: 2, w: 26 });
    expect(levelMix(2 / 7, 8)).toEqual({ i: 2, w: 0 });
    expect(() => levelMix(1.5, 8)).toThrow(EntropyError);
    expect(() => levelMix(0.5, 1)).toThrow(EntropyError);
  });

  it('equal the stored level at anchor rates and the floor of the weighted mean in between (oracle)', () => {
    const L = 8;
    const M = 5;
    const set = leveled(L, M, 7);
    for (let l = 0; l < L; l++) {
      const mixed = mixLevelTables(set, L, l / (L - 1));
      for (let c = 0; c < M; c++) {
        const src = l * M + c;
        const row = Array.from(set.cdf.subarray(set.starts[src], set.starts[src] + set.lengths[src]));
        expect(Array.from(mixed.cdf.subarray(mixed.starts[c], mixed.starts[c] + mixed.lengths[c]))).toEqual(row);
        expect(mixed.offsets[c]).toBe(set.offsets[src]);
      }
    }
    const rnd = lcg(11);
    for (let trial = 0; trial < 50; trial++) {
      const t = rnd();
      const pos = Math.fround(t) * (L - 1);
      const i = Math.min(Math.floor(pos), L - 2);
      const w = Math.round((pos - i) * 256); // no exact .5 ties occur for these t
      const mixed = mixLevelTables(set, L, t); // createTables inside: every bin ≥ 1, rows end at 2^16
      for (let c = 0; c < M; c++) {
        const a = set.starts[i * M + c];
        const b = set.starts[(i + 1) * M + c];
        for (let k = 0; k < mixed.lengths[c]; k++) {
          const want = Math.floor(((256 - w) * set.cdf[a + k] + w * set.cdf[b + k]) / 256);
          expect(mixed.cdf[mixed.starts[c] + k]).toBe(want);
        }
      }
    }
  });

  it('refuse levels whose symbol ranges differ, or a count that does not split', () => {
    const a = [0, 100, PROB_TOTAL];
    const b = [0, 5, 9, PROB_TOTAL];
    const differ = createTables({ cdf: [...a, ...b], lengths: [3, 4], offsets: [0, 0] });
    expect(errorOf(() => mixLevelTables(differ, 2, 0.5)).kind).toBe('invalid-table');
    const shifted = createTables({ cdf: [...a, ...a], lengths: [3, 3], offsets: [0, 1] });
    expect(errorOf(() => mixLevelTables(shifted, 2, 0.5)).kind).toBe('invalid-table');
    const odd = createTables({ cdf: [...a, ...a, ...a], lengths: [3, 3, 3], offsets: [0, 0, 0] });
    expect(errorOf(() => mixLevelTables(odd, 2, 0.5)).kind).toBe('invalid-table');
  });
});
