import { describe, expect, it } from 'vitest';
import { chwToImage, imageToPaddedChw, roundHalfEven } from './image';

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
});
