import { describe, expect, it } from 'vitest';
import { checkTarget, decodeResize, encodeResize, keepAspect, ResizeSettingError, targetSize } from './resize';

describe('resize settings', () => {
  it('percentages round to whole pixels; sizes are taken as they are', () => {
    expect(targetSize({ percent: 50 }, 451, 300)).toEqual({ width: 226, height: 150 });
    expect(targetSize({ percent: 100 / 3 }, 4000, 3000)).toEqual({ width: 1333, height: 1000 });
    expect(targetSize({ percent: 200 }, 451, 300)).toEqual({ width: 902, height: 600 });
    expect(targetSize({ percent: 0.01 }, 100, 100)).toEqual({ width: 1, height: 1 });
    expect(targetSize({ width: 800, height: 100 }, 451, 300)).toEqual({ width: 800, height: 100 });
  });

  it('keeps the aspect ratio from either side', () => {
    expect(keepAspect('width', 800, 4000, 3000)).toBe(600);
    expect(keepAspect('height', 600, 4000, 3000)).toBe(800);
    expect(keepAspect('width', 300, 451, 300)).toBe(200);
    expect(keepAspect('width', 1, 4000, 30)).toBe(1);
  });

  it('refuses results RD Lab cannot open, with the reason', () => {
    expect(() => checkTarget(10, 500)).toThrow(ResizeSettingError);
    expect(() => checkTarget(10, 500)).toThrow(/at least 11×11/);
    expect(() => checkTarget(20000, 100)).toThrow(/16384 pixels a side/);
    expect(() => checkTarget(5000, 4000)).toThrow(/20\.0 MP/);
    expect(() => checkTarget(12.5, 100)).toThrow(/whole numbers/);
    expect(() => checkTarget(4096, 4096)).not.toThrow();
  });

  it('URL form round-trips; malformed text is no resize', () => {
    for (const s of [{ percent: 50 }, { percent: 33.33 }, { width: 800, height: 533 }]) expect(decodeResize(encodeResize(s))).toEqual(s);
    expect(encodeResize({ percent: 100 / 3 })).toBe('33.33%');
    expect(encodeResize(null)).toBeNull();
    for (const bad of ['', '50', '0%', '-5%', 'x100', '800x', '1e3x5', '800x533x2', '2000%']) expect(decodeResize(bad)).toBeNull();
  });
});
