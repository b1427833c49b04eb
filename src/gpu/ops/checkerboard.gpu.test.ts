// The checkerboard context kernel (WGSL, shaders/checkerboard.wgsl) must be bit-identical to the CPU path
// (int/iconv.ts with parity 1 and clip, via oplist.ts checkerboardParamsOf), itself checked against
// tools/train/intnet.py and the float64 reference (int/checkerboard.test.ts). Tolerance 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuEngine } from '../engine';
import { GpuEngineError } from '../errors';
import { iconv as iconvCpu } from '../int/iconv';
import { checkerboardParamsOf, type OpOf } from '../oplist';
import { firstMismatch, randomInt, rng, TensorMap } from '../testing/compare';
import { checkerboard, checkerboardDispatch, uploadCheckerboard } from './checkerboard';

let engine: GpuEngine;
beforeAll(async () => {
  engine = await GpuEngine.create();
});
afterAll(() => engine?.destroy());

function layer(rand: () => number, cin: number, cout: number, k: number, clip: number) {
  const op: OpOf<'checkerboard_iconv2d'> = { op: 'checkerboard_iconv2d', weight: 'w', bias: 'b', divisor: 'd', kernel: k, stride: 1, padding: k >> 1, cin, cout, lo: 0, hi: 127, clip };
  const w = new TensorMap()
    .set('w', 'i8', [cout, cin, k, k], randomInt(rand, cout * cin * k * k, -127, 127))
    .set('b', 'i32', [cout], randomInt(rand, cout, -20000, 40000))
    .set('d', 'i32', [cout], randomInt(rand, cout, 1, 3000));
  return checkerboardParamsOf(op, w);
}

describe('checkerboard_iconv2d (WGSL) is bit-identical to the CPU path', () => {
  // [cin, cout, h, w, k, clip]: odd and even widths (a row's last pair half outside), 1×1, 130 channels
  const cases: Array<[number, number, number, number, number, number]> = [
    [5, 7, 7, 9, 5, 127],
    [3, 4, 8, 8, 5, 31],
    [130, 3, 3, 5, 5, 64],
    [4, 130, 2, 3, 3, 127],
    [6, 5, 1, 1, 5, 127],
    [2, 3, 5, 1, 3, 0],
  ];
  for (const [cin, cout, h, w, k, clip] of cases) {
    it(`${cin}→${cout} on ${h}×${w}, k${k}, clip ${clip}`, async () => {
      const rand = rng(cin * 101 + cout * 7 + h * 13 + w + k + clip);
      const p = layer(rand, cin, cout, k, clip);
      const x = randomInt(rand, cin * h * w, -200, 200);
      const l = uploadCheckerboard(engine, p);
      const xt = engine.upload(x, [cin, h, w]);
      const rec = engine.record();
      const yt = checkerboard(rec, xt, l);
      const [got] = await rec.run([yt]);
      const want = iconvCpu(x, [cin, h, w], p);
      expect(yt.shape).toEqual(want.shape);
      expect(firstMismatch(got, want.data)).toBe(-1);
      if (h * w > 2 && clip > 0) expect(new Set(want.data).size).toBeGreaterThan(2);
      engine.release(xt);
      engine.release(yt);
    });
  }

  it('a stale output buffer is overwritten at the anchors (0), and a kernel with the padding off by one is caught', async () => {
    const rand = rng(77);
    const p = layer(rand, 4, 6, 5, 127);
    const x = randomInt(rand, 4 * 6 * 7, -127, 127);
    const l = uploadCheckerboard(engine, p);
    const xt = engine.upload(x, [4, 6, 7]);
    const want = iconvCpu(x, [4, 6, 7], p).data;
    const stale = engine.upload(Int32Array.from({ length: 6 * 6 * 7 }, () => 1234), [6, 6, 7]);
    let rec = engine.record();
    rec.dispatch(checkerboardDispatch(engine, xt, stale, l));
    const [got] = await rec.run([stale]);
    expect(firstMismatch(got, want)).toBe(-1);
    rec = engine.record();
    const bad = rec.tensor([6, 6, 7], 'i32');
    rec.dispatch(checkerboardDispatch(engine, xt, bad, { ...l, pad: 1 }));
    const [off] = await rec.run([bad]);
    expect(firstMismatch(off, want)).toBeGreaterThanOrEqual(0);
    for (const t of [xt, stale, bad]) engine.release(t);
  });

  it('refuses a layer that is not the checkerboard form', () => {
    const p = layer(rng(3), 2, 2, 5, 127);
    expect(() => uploadCheckerboard(engine, { ...p, parity: undefined })).toThrow(GpuEngineError);
    expect(() => uploadCheckerboard(engine, { ...p, clip: 300 })).toThrow(/clip 300/);
  });
});
