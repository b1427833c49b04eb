import { describe, expect, it } from 'vitest';
import fixtures from './fixtures/metrics.json';
import { checksum, distort, referenceImage } from './fixtures/testImages';
import { MetricError } from './errors';
import { mseRgb, psnrRgb } from './psnr';
import { downsample2, gaussianWindow, msssimDb, msssimRgb, msssimScalesFor, ssimRgb } from './msssim';

const cases = fixtures.images.map((c) => {
  const ref = referenceImage(c.width, c.height, c.seed);
  const dist = distort(ref, c.kind, c.amp, c.distortSeed);
  return { c, ref, dist };
});

describe('test-image generator matches the Python fixture generator', () => {
  it.each(cases.map((x) => [`${x.c.width}×${x.c.height} ${x.c.kind}`, x] as const))('%s', (_, { c, ref, dist }) => {
    expect(checksum(ref)).toBe(c.refChecksum);
    expect(checksum(dist)).toBe(c.distChecksum);
  });
});

describe('PSNR (RGB, 8-bit)', () => {
  it.each(cases.map((x) => [`${x.c.width}×${x.c.height} ${x.c.kind}`, x] as const))('matches NumPy: %s', (_, { c, ref, dist }) => {
    expect(psnrRgb(ref, dist)).toBeCloseTo(c.psnr, 10);
  });
  it('hand-computed: every channel off by 1 → MSE 1 → 48.1308 dB', () => {
    const a = { width: 2, height: 1, data: new Uint8ClampedArray([10, 20, 30, 255, 40, 50, 60, 0]) };
    const b = { width: 2, height: 1, data: new Uint8ClampedArray([11, 19, 31, 0, 39, 51, 59, 255]) };
    expect(mseRgb(a, b)).toBe(1);
    expect(psnrRgb(a, b)).toBeCloseTo(20 * Math.log10(255), 12);
    expect(psnrRgb(a, a)).toBe(Infinity);
  });
  it('rejects mismatched sizes and short buffers with a typed error', () => {
    const a = { width: 2, height: 2, data: new Uint8ClampedArray(16) };
    const b = { width: 2, height: 1, data: new Uint8ClampedArray(8) };
    expect(() => psnrRgb(a, b)).toThrowError(MetricError);
    try {
      psnrRgb(a, { width: 2, height: 2, data: new Uint8ClampedArray(15) });
    } catch (e) {
      expect((e as MetricError).kind).toBe('bad-buffer');
    }
    expect.assertions(2);
  });
});

describe('SSIM (single scale) agrees with scikit-image to 1e-4', () => {
  it.each(cases.map((x) => [`${x.c.width}×${x.c.height} ${x.c.kind}`, x] as const))('%s', (_, { c, ref, dist }) => {
    const v = ssimRgb(ref, dist);
    expect(Math.abs(v - c.ssim)).toBeLessThan(1e-4);
    // In float64 it is in fact much closer than the contract asks.
    expect(Math.abs(v - c.ssim)).toBeLessThan(1e-9);
  });
  it('is 1 for identical images and < 1 otherwise', () => {
    const { ref, dist } = cases[1];
    expect(ssimRgb(ref, ref)).toBeCloseTo(1, 12);
    expect(ssimRgb(ref, dist)).toBeLessThan(0.99);
  });
  it('says the image is too small for an 11×11 window', () => {
    const a = { width: 10, height: 40, data: new Uint8ClampedArray(10 * 40 * 4) };
    expect(() => ssimRgb(a, a)).toThrowError(/at least 11×11/);
  });
});

describe('MS-SSIM (pytorch_msssim definition, per channel then averaged)', () => {
  const ms = cases.filter((x) => 'msssim' in x.c);
  it.each(ms.map((x) => [`${x.c.width}×${x.c.height} ${x.c.kind}`, x] as const))('matches the PyTorch reference: %s', (_, { c, ref, dist }) => {
    const r = msssimRgb(ref, dist);
    expect(r.scales).toBe((c as { msssimScales: number }).msssimScales);
    expect(Math.abs(r.value - (c as { msssim: number }).msssim)).toBeLessThan(1e-9);
  });
  it('identical images → exactly 1 (∞ dB)', () => {
    const { ref } = ms[0];
    const r = msssimRgb(ref, ref);
    expect(r.value).toBeCloseTo(1, 12);
    expect(msssimDb(1)).toBe(Infinity);
  });
  it('dB scale: 0.99 → 20 dB, 0.9 → 10 dB', () => {
    expect(msssimDb(0.99)).toBeCloseTo(20, 10);
    expect(msssimDb(0.9)).toBeCloseTo(10, 10);
  });
  it('uses 5 scales only when the shorter side exceeds 160 px', () => {
    expect(msssimScalesFor(768, 512)).toBe(5);
    expect(msssimScalesFor(161, 400)).toBe(5);
    expect(msssimScalesFor(160, 400)).toBe(4);
    expect(msssimScalesFor(11, 11)).toBe(1);
    expect(msssimScalesFor(10, 100)).toBe(0);
  });
  it('Gaussian window: 11 taps, σ = 1.5, sums to 1, centre tap 0.2660', () => {
    const g = gaussianWindow();
    expect(g.length).toBe(11);
    expect(g.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    expect(g[5]).toBeCloseTo(0.26601, 5);
    expect(g[0]).toBeCloseTo(g[10], 15);
  });
  it('odd-size 2×2 pooling pads both ends with zeros that count (PyTorch avg_pool2d)', () => {
    // 3×1 plane [4, 8, 12] with padding 1 on the width: windows [0,4], [8,12]; height 1 → padded to 3 rows,
    // windows [pad,row0] only, so every output is (sum of real values) / 4.
    const p = downsample2({ width: 3, height: 1, data: [4, 8, 12], stride: 1, offset: 0 });
    expect(p.width).toBe(2);
    expect(p.height).toBe(1);
    expect(Array.from(p.data as Float32Array)).toEqual([1, 5]);
  });
});
