import { describe, expect, it } from 'vitest';
import { formatBppTick, linearTicks, logTicks, niceStep, sideLabelAt } from './axis';

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

describe('side ring letters', () => {
  // The letter's box as the browser lays it out at font size 10: ~7 px wide, from 8 px above the baseline to 2 below.
  const box = (side: 'L' | 'R', cx: number, cy: number) => {
    const { x, y, textAnchor } = sideLabelAt(side, cx, cy);
    const x0 = textAnchor === 'start' ? x : x - 7;
    return { x0, x1: x0 + 7, y0: y - 8, y1: y + 2 };
  };
  const hitsCircle = (b: ReturnType<typeof box>, px: number, py: number, r: number) => {
    const nx = Math.min(Math.max(px, b.x0), b.x1);
    const ny = Math.min(Math.max(py, b.y0), b.y1);
    return Math.hypot(px - nx, py - ny) < r;
  };
  it('stay outside their ring (radius 9 + stroke) and apart when both sides show the same point', () => {
    const [l, r] = [box('L', 100, 100), box('R', 100, 100)];
    expect(hitsCircle(l, 100, 100, 9.75)).toBe(false);
    expect(hitsCircle(r, 100, 100, 9.75)).toBe(false);
    expect(l.x1 <= r.x0 || r.x1 <= l.x0 || l.y1 <= r.y0 || r.y1 <= l.y0).toBe(true);
  });
  it('never cover a neighbouring dot of a rising curve (up-right or down-left, 12-60 px away, 15-75° slopes)', () => {
    // Screen y grows downwards: up-right is (+dx, -dy). Dots have radius 4.5.
    const hits: string[] = [];
    for (const side of ['L', 'R'] as const) {
      const b = box(side, 0, 0);
      for (let deg = 15; deg <= 75; deg += 5)
        for (let d = 12; d <= 60; d += 2)
          for (const s of [1, -1]) {
            const [px, py] = [s * d * Math.cos((deg * Math.PI) / 180), -s * d * Math.sin((deg * Math.PI) / 180)];
            if (hitsCircle(b, px, py, 4.5)) hits.push(`${side} ${deg}° ${s * d}px`);
          }
    }
    expect(hits).toEqual([]);
  });
});
