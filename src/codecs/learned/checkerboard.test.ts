// The checkerboard context's CPU integer path (checkerboard.ts): the passes as the container stores them (worked
// example, round trip), and the fused index against the float64 reference runner of the same op lists
// (src/gpu/reference: the context layer written over input windows, the head at every position, merged here by
// hand); the non-anchors' symbols are never read; only the non-anchors of the index change.
import { describe, expect, it } from 'vitest';
import type { Op } from '../../gpu/oplist';
import { runOpsRef } from '../../gpu/reference/oplist';
import { refTensor } from '../../gpu/reference/ops';
import { randomInt, randomOpWeights, rng } from '../../gpu/testing/compare';
import { checkerboardIndex, isAnchor, passElements, setPassElements } from './checkerboard';

describe('checkerboard passes', () => {
  it('split a C×H×W tensor into anchors and non-anchors of W/2 each, and back', () => {
    // 1×2×4: row 0 = 0 1 2 3, row 1 = 4 5 6 7; anchors (r + c even): 0 2 | 5 7; non-anchors: 1 3 | 4 6
    const t = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(passElements(t, [1, 2, 4], 0))).toEqual([0, 2, 5, 7]);
    expect(Array.from(passElements(t, [1, 2, 4], 1))).toEqual([1, 3, 4, 6]);
    const big = Float32Array.from({ length: 3 * 4 * 6 }, (_, i) => i + 0.5);
    const back = new Float32Array(big.length);
    setPassElements(back, [3, 4, 6], 0, passElements(big, [3, 4, 6], 0));
    setPassElements(back, [3, 4, 6], 1, passElements(big, [3, 4, 6], 1));
    expect(Array.from(back)).toEqual(Array.from(big));
    expect(isAnchor(0, 0) && isAnchor(1, 1) && !isAnchor(0, 1)).toBe(true);
    expect(() => passElements(t, [1, 8, 1], 0)).toThrow(/even width/);
  });
});

describe('checkerboardIndex (the fused index)', () => {
  const [M, N, C, h, w] = [6, 5, 4, 6, 8];
  const ops = {
    context: [{ op: 'checkerboard_iconv2d', weight: 'c.w', bias: 'c.b', divisor: 'c.d', kernel: 5, stride: 1, padding: 2, cin: M, cout: C, lo: 0, hi: 127, clip: 127 }] as Op[],
    index: [{ op: 'iconv2d', weight: 'i.w', bias: 'i.b', divisor: 'i.d', kernel: 3, stride: 1, padding: 1, cin: N + C, cout: M, lo: 0, hi: 63 }] as Op[],
  };
  const rand = rng(17);
  const weights = randomOpWeights([...ops.context, ...ops.index], rand);
  const features = randomInt(rand, N * h * w, 0, 127);
  const anchorIndex = randomInt(rand, M * h * w, 0, 63);
  const symbols = randomInt(rand, M * h * w, -40, 40);

  it('equals the float64 reference of the op lists: anchors from pass 1, non-anchors from the head over concat(features, ctx)', () => {
    const got = checkerboardIndex(weights, ops, features, [N, h, w], anchorIndex, symbols, [M, h, w]);
    const ctx = runOpsRef(ops.context, weights, refTensor([M, h, w], symbols));
    expect(Array.from(got.ctx)).toEqual(Array.from(ctx.data));
    const head = runOpsRef(ops.index, weights, refTensor([N + C, h, w], [...features, ...ctx.data]));
    const want = Array.from(anchorIndex, (v, i) => (isAnchor(Math.floor(i / w) % h, i % w) ? v : head.data[i]));
    expect(Array.from(got.index)).toEqual(want);
    expect(new Set(got.index).size).toBeGreaterThan(5);
    expect(got.index.some((v, i) => v !== anchorIndex[i])).toBe(true);
  });

  it('never reads the non-anchors\' symbols', () => {
    const a = checkerboardIndex(weights, ops, features, [N, h, w], anchorIndex, symbols, [M, h, w]);
    const other = symbols.map((v, i) => (isAnchor(Math.floor(i / w) % h, i % w) ? v : 99 - v));
    const b = checkerboardIndex(weights, ops, features, [N, h, w], anchorIndex, other, [M, h, w]);
    expect(Array.from(b.index)).toEqual(Array.from(a.index));
    const moved = symbols.map((v, i) => (i === 2 * w + 2 ? v + 30 : v)); // an anchor
    expect(Array.from(checkerboardIndex(weights, ops, features, [N, h, w], anchorIndex, moved, [M, h, w]).index)).not.toEqual(Array.from(a.index));
  });
});
