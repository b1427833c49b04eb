import { describe, expect, it } from 'vitest';
import fixture from './fixtures/pil-lanczos.json';
import { centreCrop, coverCrop, resizeLanczos3, ResizeError } from './resize';
import type { RgbaImage } from '../codecs/types';

function rgba(w: number, h: number, rgb: readonly number[]): RgbaImage {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    data.set(rgb.slice(i * 3, i * 3 + 3), i * 4);
    data[i * 4 + 3] = 255;
  }
  return { width: w, height: h, data };
}

const src = rgba(fixture.width, fixture.height, fixture.rgb);

describe('resizeLanczos3', () => {
  it.each(fixture.resized.map((r) => [`${fixture.width}×${fixture.height} → ${r.width}×${r.height}`, r] as const))(
    'matches Pillow (LANCZOS) within its fixed-point rounding: %s',
    (_, r) => {
      const out = resizeLanczos3(src, r.width, r.height);
      expect([out.width, out.height]).toEqual([r.width, r.height]);
      let worst = 0;
      let sum = 0;
      for (let i = 0; i < r.width * r.height; i++)
        for (let c = 0; c < 3; c++) {
          const d = Math.abs(out.data[i * 4 + c] - r.rgb[i * 3 + c]);
          worst = Math.max(worst, d);
          sum += d;
        }
      expect(worst).toBeLessThanOrEqual(1);
      expect(sum / (r.width * r.height * 3)).toBeLessThan(0.35);
      for (let i = 0; i < r.width * r.height; i++) expect(out.data[i * 4 + 3]).toBe(255);
    },
  );
  it('keeps a flat image flat and the same size a copy', () => {
    const flat = rgba(10, 6, Array.from({ length: 180 }, (_, i) => [40, 128, 250][i % 3]));
    const out = resizeLanczos3(flat, 4, 3);
    for (let i = 0; i < 12; i++) expect(Array.from(out.data.subarray(i * 4, i * 4 + 4))).toEqual([40, 128, 250, 255]);
    const same = resizeLanczos3(src, src.width, src.height);
    expect(same.data).toEqual(src.data);
    expect(same.data).not.toBe(src.data);
  });
  it('rejects sizes that are not positive integers', () => {
    expect(() => resizeLanczos3(src, 0, 5)).toThrow(ResizeError);
    expect(() => resizeLanczos3(src, 2.5, 5)).toThrow(ResizeError);
  });
});

describe('coverCrop / centreCrop', () => {
  it('frames 4:3 and 16:9 landscapes and a portrait at 768×512 / 512×768 from their centre', () => {
    // a gradient whose value encodes the source column: the crop must keep the middle columns
    const wide = rgba(1365, 768, Array.from({ length: 1365 * 768 * 3 }, (_, i) => Math.floor(((i / 3) % 1365) / 1365 * 255)));
    const a = coverCrop(wide, 768, 512);
    expect([a.width, a.height]).toEqual([768, 512]);
    // scaled by 512/768 to 910 wide: columns 71 … 838 kept; the middle pixel still shows the source's middle
    expect(Math.abs(a.data[(256 * 768 + 384) * 4] - 127)).toBeLessThanOrEqual(1);
    const fourThree = coverCrop(rgba(1024, 768, new Array(1024 * 768 * 3).fill(9)), 768, 512);
    expect([fourThree.width, fourThree.height]).toEqual([768, 512]);
    const portrait = coverCrop(rgba(638, 960, new Array(638 * 960 * 3).fill(200)), 512, 768);
    expect([portrait.width, portrait.height]).toEqual([512, 768]);
    expect(portrait.data[0]).toBe(200);
  });
  it('centreCrop refuses a crop larger than the image', () => {
    expect(() => centreCrop(src, 24, 2)).toThrow(ResizeError);
    const c = centreCrop(src, 3, 1); // x0 = floor((23 - 3) / 2) = 10, y0 = floor((17 - 1) / 2) = 8
    expect(c.data).toEqual(src.data.slice((8 * 23 + 10) * 4, (8 * 23 + 13) * 4));
  });
});
