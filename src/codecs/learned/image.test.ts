import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../testing/random';
import { chwToImage, imageToPaddedChw, paddedChwRegion, roundHalfEven, writeChwTile } from './image';

describe('learned-codec image plumbing', () => {
  it('rounds half to even like torch.round', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, 2.5001, 3].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, 2, 3, 3]);
  });

  it('pads by replicating the last row and column, values v/255', () => {
    const im = { width: 3, height: 2, data: new Uint8ClampedArray([10, 20, 30, 255, 40, 50, 60, 255, 70, 80, 90, 255, 100, 110, 120, 255, 130, 140, 150, 255, 160, 170, 180, 255]) };
    const x = imageToPaddedChw(im, 4);
    expect([x.width, x.height]).toEqual([4, 4]);
    const R = Array.from(x.data.subarray(0, 16), (v) => Math.round(v * 255));
    expect(R).toEqual([10, 40, 70, 70, 100, 130, 160, 160, 100, 130, 160, 160, 100, 130, 160, 160]);
    expect(x.data[16]).toBeCloseTo(20 / 255, 7);
  });

  it('crops, clamps and rounds the synthesis output', () => {
    const pw = 4;
    const ph = 2;
    const chw = new Float32Array(3 * pw * ph);
    chw.set([-0.2, 0.5 / 255, 1.5 / 255, 9, 2, NaN, 0.5, 0.25], 0); // R plane
    const im = chwToImage(chw, pw, ph, 3, 2);
    expect(Array.from(im.data.filter((_, i) => i % 4 === 0))).toEqual([0, 0, 2, 255, 0, 128]);
    expect(im.data[3]).toBe(255);
    expect(() => chwToImage(chw.subarray(1), pw, ph, 3, 2)).toThrow(RangeError);
  });

  it('tiles: a region of the padded image and a written tile equal the whole-image functions there', () => {
    const rnd = mulberry32(4);
    const im = { width: 21, height: 13, data: Uint8ClampedArray.from({ length: 21 * 13 * 4 }, () => Math.floor(rnd() * 256)) };
    const whole = imageToPaddedChw(im, 16); // 32×16
    const [r0, r1, c0, c1] = [3, 16, 8, 32];
    const part = paddedChwRegion(im, r0, r1, c0, c1);
    for (let c = 0; c < 3; c++)
      for (let y = r0; y < r1; y++)
        for (let x = c0; x < c1; x++) expect(part[(c * (r1 - r0) + y - r0) * (c1 - c0) + x - c0]).toBe(whole.data[(c * 16 + y) * 32 + x]);
    // Synthesis output of the padded size, written as two tiles (the second reaching into the padding).
    const chw = Float32Array.from({ length: 3 * 16 * 32 }, () => rnd() * 1.2 - 0.1);
    const ref = chwToImage(chw, 32, 16, 21, 13);
    const out = { width: 21, height: 13, data: new Uint8ClampedArray(21 * 13 * 4) };
    const tile = (x0: number, x1: number, keep0: number, keep1: number) => {
      const t = new Float32Array(3 * 16 * (x1 - x0));
      for (let c = 0; c < 3; c++) for (let y = 0; y < 16; y++) for (let x = x0; x < x1; x++) t[(c * 16 + y) * (x1 - x0) + x - x0] = chw[(c * 16 + y) * 32 + x];
      writeChwTile(t, 16, x1 - x0, 0, keep0 - x0, 16, keep1 - keep0, out, 0, keep0);
    };
    tile(0, 14, 0, 10);
    tile(6, 32, 10, 32);
    expect(Array.from(out.data)).toEqual(Array.from(ref.data));
  });
});
