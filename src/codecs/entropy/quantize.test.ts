import { describe, expect, it } from 'vitest';
import { EntropyError } from './errors';
import { pmfToQuantizedCdf } from './quantize';
import { gaussian, mulberry32, randInt } from './testing';

/**
 * Oracle: the same spec (docs/entropy-coding.md §2.2) implemented the slow, obvious way — a full linear scan
 * for the arg-min/arg-max at every step, no heap — so heap bugs and tie-breaking slips show up as mismatches.
 */
function naiveQuantize(pmf: number[], precision: number): number[] {
  const M = 2 ** precision;
  const sum = pmf.reduce((a, b) => a + b, 0);
  const f = pmf.map((p) => Math.max(1, Math.floor((p * M) / sum + 0.5)));
  let excess = f.reduce((a, b) => a + b, 0) - M;
  while (excess > 0) {
    let best = -1;
    for (let i = 0; i < f.length; i++) {
      if (f[i] < 2) continue;
      if (best < 0 || pmf[i] / (f[i] - 0.5) < pmf[best] / (f[best] - 0.5)) best = i;
    }
    f[best]--;
    excess--;
  }
  while (excess < 0) {
    let best = 0;
    for (let i = 1; i < f.length; i++) if (pmf[i] / (f[i] + 0.5) > pmf[best] / (f[best] + 0.5)) best = i;
    f[best]++;
    excess++;
  }
  const cdf = [0];
  for (const v of f) cdf.push(cdf[cdf.length - 1] + v);
  return cdf;
}

function checkCdf(cdf: Int32Array, n: number, precision: number): void {
  expect(cdf.length).toBe(n + 1);
  expect(cdf[0]).toBe(0);
  expect(cdf[n]).toBe(2 ** precision);
  let minFreq = Infinity;
  for (let i = 0; i < n; i++) minFreq = Math.min(minFreq, cdf[i + 1] - cdf[i]);
  expect(minFreq).toBeGreaterThanOrEqual(1);
}

describe('pmfToQuantizedCdf', () => {
  it('known answers worked by hand (ties go to the smallest index)', () => {
    // round → [32768, 32768, 1]: one unit too many; bins 0 and 1 have equal keys 0.5/32767.5 → bin 0 pays.
    expect(Array.from(pmfToQuantizedCdf([0.5, 0.5, 0], 16))).toEqual([0, 32767, 65535, 65536]);
    // 1/3 each at precision 2: round(4/3) = 1 each → total 3, one short; equal gains → bin 0 gets it.
    expect(Array.from(pmfToQuantizedCdf([1, 1, 1], 2))).toEqual([0, 2, 3, 4]);
    // unnormalized input is normalized first: [3, 1] at precision 2 → [3, 1].
    expect(Array.from(pmfToQuantizedCdf([3, 1], 2))).toEqual([0, 3, 4]);
    // a bin of probability 0 still gets frequency 1; round → [13, 3, 1], one too many; decrement keys
    // 0.8/12.5 = 0.064 < 0.2/2.5 = 0.08, so the 0.8 bin pays.
    expect(Array.from(pmfToQuantizedCdf([0.8, 0.2, 0], 4))).toEqual([0, 12, 15, 16]);
  });

  it('matches a naive linear-scan implementation of the same rule on random pmfs', () => {
    const rnd = mulberry32(7);
    for (let trial = 0; trial < 300; trial++) {
      const n = randInt(rnd, 2, trial < 250 ? 40 : 700);
      const precision = trial % 3 === 0 ? 16 : randInt(rnd, Math.ceil(Math.log2(n)) + 1, 16);
      const pmf: number[] = [];
      for (let i = 0; i < n; i++) {
        const r = rnd();
        pmf.push(r < 0.2 ? 0 : r < 0.4 ? r * 1e-7 : r < 0.5 ? 0.25 : rnd() ** 4);
      }
      if (!pmf.some((p) => p > 0)) pmf[0] = 1;
      const got = pmfToQuantizedCdf(pmf, precision);
      checkCdf(got, n, precision);
      expect(Array.from(got)).toEqual(naiveQuantize(pmf, precision));
    }
  });

  it('keeps every bin ≥ 1 even when there are 2^precision bins', () => {
    const pmf = new Float64Array(65536);
    pmf[5] = 1;
    const cdf = pmfToQuantizedCdf(pmf, 16);
    checkCdf(cdf, 65536, 16);
  });

  it('costs little rate: cross-entropy of a discretized Gaussian within 0.01 bit of its entropy', () => {
    const rnd = mulberry32(3);
    for (const s of [0.3, 1, 4, 20, 150]) {
      const c = Math.ceil(6.1 * s);
      const pmf: number[] = [];
      for (let k = -c; k <= c; k++) pmf.push(Math.exp(-(k * k) / (2 * s * s)));
      pmf.push(1e-9);
      const sum = pmf.reduce((a, b) => a + b, 0);
      const cdf = pmfToQuantizedCdf(pmf, 16);
      let h = 0;
      let ce = 0;
      for (let i = 0; i < pmf.length; i++) {
        const p = pmf[i] / sum;
        if (p === 0) continue;
        h -= p * Math.log2(p);
        ce -= p * Math.log2((cdf[i + 1] - cdf[i]) / 65536);
      }
      expect(ce - h, `scale ${s}`).toBeLessThan(s > 100 ? 0.035 : 0.01);
      expect(ce).toBeGreaterThanOrEqual(h - 1e-12);
      void gaussian(rnd);
    }
  });

  it('rejects unusable input with a typed error', () => {
    const cases: [ArrayLike<number>, number][] = [
      [[1], 16],
      [[0, 0], 16],
      [[1, -0.1], 16],
      [[1, NaN], 16],
      [[1, Infinity], 16],
      [[1, 1, 1, 1, 1], 2],
      [[1, 1], 0],
      [[1, 1], 17],
      [[1, 1], 3.5],
    ];
    for (const [pmf, prec] of cases) {
      let err: unknown;
      try {
        pmfToQuantizedCdf(pmf, prec);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EntropyError);
      expect((err as EntropyError).kind).toBe('invalid-argument');
    }
  });
});
