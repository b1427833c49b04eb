import { describe, expect, it } from 'vitest';
import { formatBppTick, linearTicks, logTicks, niceStep } from './axis';

describe('bpp axis ticks', () => {
  it('log: powers of two spanning the data (Chelsea: 0.16 … 3.9 bpp → 0.125 … 4)', () => {
    expect(logTicks(0.16, 3.9)).toEqual([0.125, 0.25, 0.5, 1, 2, 4]);
    expect(logTicks(0.25, 4)).toEqual([0.25, 0.5, 1, 2, 4]);
    expect(logTicks(1, 1)).toEqual([1, 2]);
    // A wide range: every second power, still covering both ends.
    const wide = logTicks(0.01, 20)!;
    expect(wide[0]).toBeLessThanOrEqual(0.01);
    expect(wide.at(-1)).toBeGreaterThanOrEqual(20);
    expect(wide.length).toBeLessThanOrEqual(8);
    for (let i = 1; i < wide.length; i++) expect(wide[i] / wide[i - 1]).toBe(4);
    expect(logTicks(0, 4)).toBeUndefined();
    expect(logTicks(NaN, 4)).toBeUndefined();
  });

  it('every point lies inside the log ticks, for random ranges', () => {
    for (let k = 0; k < 200; k++) {
      const min = 10 ** (-3 + 4 * ((k * 0.618) % 1));
      const max = min * 10 ** (3 * ((k * 0.414) % 1));
      const t = logTicks(min, max)!;
      expect(t[0]).toBeLessThanOrEqual(min);
      expect(t.at(-1)).toBeGreaterThanOrEqual(max);
      expect(t[0]).toBeGreaterThan(min / 4.0001);
    }
  });

  it('linear: round steps from 0 past the largest point', () => {
    expect(niceStep(0.78)).toBe(1);
    expect(linearTicks(3.9)).toEqual([0, 1, 2, 3, 4]);
    expect(linearTicks(2)).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(linearTicks(0)).toBeUndefined();
  });

  it('labels', () => {
    expect([0, 0.0625, 0.125, 0.5, 1, 2, 0.3, 1.5].map(formatBppTick)).toEqual(['0', '0.0625', '0.125', '0.5', '1', '2', '0.30', '1.5']);
  });
});
