// The bit-allocation overlay's colours and scale: viridis against matplotlib's 256-entry table (known values),
// lightness rising monotonically (what makes the map readable), the scale's percentile/mean on maps whose
// answers are known, and a real learned-codec bit map (src/codecs/learned/bits.ts) whose mean is its bits/pixel.
import { describe, expect, it } from 'vitest';
import { bitAllocationMap } from '../../codecs/learned/bits';
import { mulberry32 } from '../../testing/random';
import { bitMapScale, bitMapToRgba, fmtBits, niceCeil, viridis } from './bitmap';

/** Relative luminance (sRGB → linear, Rec. 709 weights). */
function luminance([r, g, b]: number[]): number {
  const lin = (c: number) => {
    const x = c / 255;
    return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

describe('viridis', () => {
  it('matches matplotlib’s table within 2/255, at its ends and between our samples', () => {
    // matplotlib _viridis_data[i] · 255 for i = 0, 37, 100, 140, 200, 230, 255 (t = i / 255).
    const known: [number, number[]][] = [
      [0, [68.09, 1.24, 84.0]],
      [37, [69.9, 50.93, 127.22]],
      [100, [42.49, 118.25, 142.32]],
      [140, [30.45, 155.84, 137.44]],
      [200, [112.23, 206.84, 86.95]],
      [230, [189.05, 222.73, 38.14]],
      [255, [253.28, 231.07, 36.7]],
    ];
    for (const [i, rgb] of known) {
      const got = viridis(i / 255);
      for (let c = 0; c < 3; c++) expect(Math.abs(got[c] - rgb[c]), `t = ${i}/255, channel ${c}`).toBeLessThan(2);
    }
  });
  it('gets lighter monotonically from 0 to 1, and clamps outside', () => {
    let prev = -1;
    for (let i = 0; i <= 512; i++) {
      const l = luminance(viridis(i / 512));
      expect(l).toBeGreaterThan(prev);
      prev = l;
    }
    expect(viridis(-3)).toEqual(viridis(0));
    expect(viridis(Number.NaN)).toEqual(viridis(0));
    expect(viridis(7)).toEqual(viridis(1));
  });
});

describe('bit map scale and colours', () => {
  it('niceCeil rounds up to 1, 2, 2.5, 5 × 10^k', () => {
    expect([0.37, 1, 1.01, 2.2, 3, 7, 0.0123, 12].map(niceCeil)).toEqual([0.5, 1, 2, 2.5, 5, 10, 0.02, 20]);
    expect(niceCeil(0)).toBe(1);
    expect([0, 0.25, 1.5, 2.5, 12, 0.125].map(fmtBits)).toEqual(['0', '0.25', '1.5', '2.5', '12', '0.125']);
  });

  it('top = niceCeil(99th percentile), a few hot pixels are clipped, mean is exact', () => {
    const v = new Float32Array(1000).fill(0.3);
    for (let i = 0; i < 10; i++) v[100 * i] = 5;
    const s = bitMapScale({ width: 50, height: 20, bitsPerPixel: v });
    expect(s.top).toBe(0.5);
    expect(s.max).toBe(5);
    expect(s.clipped).toBe(true);
    expect(s.mean).toBeCloseTo((990 * Math.fround(0.3) + 50) / 1000, 9);
    expect(s.ticks).toEqual([0, 0.25, 0.5]);

    const zero = bitMapScale({ width: 2, height: 2, bitsPerPixel: new Float32Array(4) });
    expect(zero).toMatchObject({ top: 1, max: 0, clipped: false, mean: 0 });
  });

  it('colours 0 as viridis(0), the top and anything above as viridis(1), half-way as viridis(½); opaque', () => {
    const map = { width: 4, height: 1, bitsPerPixel: Float32Array.from([0, 1, 2, 9]) };
    const im = bitMapToRgba(map, 2);
    expect(im.width).toBe(4);
    const px = (i: number) => Array.from(im.data.subarray(4 * i, 4 * i + 4));
    expect(px(0)).toEqual([...viridis(0).map(Math.round), 255]);
    expect(px(1)).toEqual([...viridis(128 / 255).map(Math.round), 255]);
    expect(px(2)).toEqual([...viridis(1).map(Math.round), 255]);
    expect(px(3)).toEqual(px(2));
    expect(() => bitMapToRgba({ width: 3, height: 3, bitsPerPixel: new Float32Array(4) }, 1)).toThrow(/3×3 has 4 values/);
  });

  it('a learned codec’s map (latent bits spread over 16/64-pixel blocks): mean = total bits / pixels', () => {
    const r = mulberry32(3);
    const y = { bits: Float64Array.from({ length: 4 * 3 * 5 }, () => 6 * r()), total: 0, escapes: 0 };
    y.total = y.bits.reduce((a, b) => a + b, 0);
    const z = { bits: Float64Array.from({ length: 2 }, () => 20 * r()), total: 0, escapes: 0 };
    z.total = z.bits.reduce((a, b) => a + b, 0);
    // 70 × 40 pixels: 5 × 3 y positions (16 px; last column/row partly outside), 1 × 1 z position (64 px).
    const map = bitAllocationMap(70, 40, [
      { name: 'y', channels: 4, height: 3, width: 5, block: 16, bits: y },
      { name: 'z', channels: 2, height: 1, width: 1, block: 64, bits: z },
    ]);
    const s = bitMapScale(map);
    expect(s.mean).toBeCloseTo((y.total + z.total) / (70 * 40), 6);
    expect(s.max).toBeGreaterThan(0);
    expect(s.top).toBeGreaterThanOrEqual(s.max * 0.5);
    const im = bitMapToRgba(map, s.top);
    expect(im.data.length).toBe(70 * 40 * 4);
  });
});
