import { describe, expect, it } from 'vitest';
import fixtures from './fixtures/metrics.json';
import { bdQuality, bdRate, BdRateError, tryBd, type RatePoint } from './bdrate';
import { pchip, pchipEval, pchipIntegrate } from './pchip';

const anchor: RatePoint[] = [
  { rate: 0.12, quality: 27.1 },
  { rate: 0.21, quality: 29.0 },
  { rate: 0.33, quality: 30.6 },
  { rate: 0.52, quality: 32.4 },
  { rate: 0.8, quality: 34.0 },
  { rate: 1.25, quality: 35.9 },
];

describe('BD-rate, hand-computed cases', () => {
  it('every rate × 0.8 at the same quality → −20.0 %', () => {
    const test = anchor.map((p) => ({ rate: p.rate * 0.8, quality: p.quality }));
    expect(bdRate(anchor, test).value).toBeCloseTo(-20, 10);
  });
  it('every rate × 1.25 → +25.0 %, and swapping anchor and test gives −20.0 %', () => {
    const test = anchor.map((p) => ({ rate: p.rate * 1.25, quality: p.quality }));
    expect(bdRate(anchor, test).value).toBeCloseTo(25, 10);
    expect(bdRate(test, anchor).value).toBeCloseTo(-20, 10);
  });
  it('identical curves → 0 % and 0 dB', () => {
    expect(bdRate(anchor, anchor).value).toBeCloseTo(0, 12);
    expect(bdQuality(anchor, anchor).value).toBeCloseTo(0, 12);
  });
  it('straight line PSNR = 40 + 10·log10(R) shifted up by 1 dB → BD-PSNR +1 dB, BD-rate 10^−0.1 − 1 = −20.567 %', () => {
    const line = [0.1, 0.2, 0.4, 0.8, 1.6].map((r) => ({ rate: r, quality: 40 + 10 * Math.log10(r) }));
    const up = line.map((p) => ({ rate: p.rate, quality: p.quality + 1 }));
    expect(bdQuality(line, up).value).toBeCloseTo(1, 10);
    expect(bdRate(line, up).value).toBeCloseTo((10 ** -0.1 - 1) * 100, 8);
    // The BD-rate average only covers the overlapping quality interval [31, 43.04…].
    const r = bdRate(line, up);
    expect(r.interval[0]).toBeCloseTo(31, 10);
    expect(r.interval[1]).toBeCloseTo(40 + 10 * Math.log10(1.6), 10);
  });
  it('order of points does not matter', () => {
    const test = anchor.map((p) => ({ rate: p.rate * 0.8, quality: p.quality })).reverse();
    expect(bdRate([...anchor].reverse(), test).value).toBeCloseTo(-20, 10);
  });
  it('curves that do not overlap → typed error "no-overlap"', () => {
    const far = anchor.map((p) => ({ rate: p.rate, quality: p.quality + 20 }));
    expect(() => bdRate(anchor, far)).toThrowError(BdRateError);
    const r = tryBd(bdRate, anchor, far);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.kind).toBe('no-overlap');
  });
  it('fewer than 2 usable points (non-finite and non-positive are dropped) → "too-few-points"', () => {
    const bad = [
      { rate: 0.5, quality: 30 },
      { rate: 0, quality: 31 },
      { rate: 0.7, quality: Infinity },
    ];
    const r = tryBd(bdRate, anchor, bad);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.kind).toBe('too-few-points');
  });
});

describe('BD-rate and BD-quality agree with SciPy PchipInterpolator', () => {
  it.each(fixtures.bd.map((c, i) => [i, c] as const))('case %i', (_, c) => {
    expect(bdRate(c.anchor, c.test).value).toBeCloseTo(c.bdRate, 9);
    expect(bdQuality(c.anchor, c.test).value).toBeCloseTo(c.bdQuality, 9);
  });
});

describe('PCHIP', () => {
  it('interpolates knots exactly, keeps monotone data monotone, and integrates a line exactly', () => {
    const p = pchip([0, 1, 2, 5], [0, 1, 1.1, 4]);
    expect(pchipEval(p, 2)).toBeCloseTo(1.1, 14);
    let prev = -Infinity;
    for (let v = 0; v <= 5; v += 0.01) {
      const y = pchipEval(p, v);
      expect(y).toBeGreaterThanOrEqual(prev - 1e-12);
      prev = y;
    }
    const line = pchip([0, 1, 3, 4], [1, 3, 7, 9]); // y = 2x + 1
    expect(pchipIntegrate(line, 0.5, 3.5)).toBeCloseTo(3 * (2 * 2 + 1), 12);
  });
  it('a flat step gets zero slope at the local extremum (no overshoot)', () => {
    const p = pchip([0, 1, 2], [0, 1, 0]);
    expect(p.d[1]).toBe(0);
    for (let v = 0; v <= 2; v += 0.05) expect(pchipEval(p, v)).toBeLessThanOrEqual(1 + 1e-12);
  });
});
