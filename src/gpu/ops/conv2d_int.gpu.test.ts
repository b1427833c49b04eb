// Integer conv2d (WGSL) must be bit-identical to the CPU path in int/iconv.ts (tolerance 0).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuEngine } from '../engine';
import { GpuEngineError } from '../errors';
import { iconv as iconvCpu, depthToSpaceI32, type IConvParams } from '../int/iconv';
import { firstMismatch, randomInt, rng } from '../testing/compare';
import { iconv, iconvDispatch, uploadIConv } from './conv2d_int';
import { depthToSpace } from './depth_to_space';
import { toFloat } from './elementwise';

let engine: GpuEngine;
beforeAll(async () => {
  engine = await GpuEngine.create();
});
afterAll(() => engine?.destroy());

function layer(rand: () => number, cin: number, cout: number, k: number, stride: number): IConvParams {
  const lo = randomInt(rand, cout, 0, 2);
  const hi = new Int32Array(cout);
  for (let o = 0; o < cout; o++) hi[o] = lo[o] + 10 + Math.floor(rand() * 250);
  return {
    cin, cout, k, stride, pad: (k - 1) >> 1,
    weight: randomInt(rand, cout * cin * k * k, -128, 127),
    bias: randomInt(rand, cout, -60000, 60000),
    divisor: randomInt(rand, cout, 1, 4000),
    lo, hi,
  };
}

describe('iconv (WGSL) is bit-identical to the CPU path', () => {
  // [cin, cout, h, w, k, stride]
  const cases: Array<[number, number, number, number, number, number]> = [
    [3, 5, 7, 9, 3, 1],
    [5, 3, 9, 7, 5, 2],
    [130, 5, 5, 3, 3, 2],
    [3, 130, 4, 5, 1, 1],
    [5, 5, 1, 1, 5, 1],
    [3, 4, 1, 1, 3, 2],
    [130, 130, 3, 3, 5, 1],
    [7, 9, 6, 11, 1, 2],
    [4, 3, 2, 6, 5, 2],
  ];
  for (const [cin, cout, h, w, k, s] of cases) {
    it(`${cin}→${cout} on ${h}×${w}, k${k} s${s}`, async () => {
      const rand = rng(cin * 977 + cout * 13 + h * w + k * 5 + s);
      const p = layer(rand, cin, cout, k, s);
      const x = randomInt(rand, cin * h * w, -127, 127);
      const l = uploadIConv(engine, p);
      const xt = engine.upload(x, [cin, h, w]);
      const rec = engine.record();
      const yt = iconv(rec, xt, l);
      const [got] = await rec.run([yt]);
      const want = iconvCpu(x, [cin, h, w], p);
      expect(yt.shape).toEqual(want.shape);
      expect(firstMismatch(got, want.data)).toBe(-1);
      engine.release(xt);
      engine.release(yt);
    });
  }

  it('an off-by-one padding variant is caught by the same exact comparison', async () => {
    const rand = rng(77);
    const p = layer(rand, 5, 6, 3, 1);
    const x = randomInt(rand, 5 * 6 * 7, -127, 127);
    const l = uploadIConv(engine, p);
    const xt = engine.upload(x, [5, 6, 7]);
    const rec = engine.record();
    const bad = rec.tensor([6, 6, 7], 'i32');
    rec.dispatch(iconvDispatch(engine, xt, bad, { ...l, pad: 2 }));
    const [got] = await rec.run([bad]);
    expect(firstMismatch(got, iconvCpu(x, [5, 6, 7], p).data)).toBeGreaterThanOrEqual(0);
    engine.release(xt);
    engine.release(bad);
  });

  it('an integer hyper-synthesis (iconv → depth-to-space → iconv → i32→f32) matches the CPU path exactly', async () => {
    const rand = rng(123);
    const l1 = layer(rand, 6, 5 * 4, 3, 1);
    const l2 = layer(rand, 5, 7, 3, 1);
    const x = randomInt(rand, 6 * 3 * 4, -127, 127);
    const g1 = uploadIConv(engine, l1);
    const g2 = uploadIConv(engine, l2);
    const xt = engine.upload(x, [6, 3, 4]);
    const rec = engine.record();
    const a = iconv(rec, xt, g1);
    const b = depthToSpace(rec, a);
    rec.release(a);
    const c = iconv(rec, b, g2);
    rec.release(b);
    const f = toFloat(rec, c);
    const [gi, gf] = await rec.run([c, f]);
    const r1 = iconvCpu(x, [6, 3, 4], l1);
    const r2 = depthToSpaceI32(r1.data, r1.shape);
    const r3 = iconvCpu(r2.data, r2.shape, l2);
    expect(firstMismatch(gi, r3.data)).toBe(-1);
    expect(firstMismatch(gf, Float32Array.from(r3.data))).toBe(-1);
    for (const t of [xt, c, f]) engine.release(t);
  });

  it('bad parameters and dtypes give typed errors', () => {
    const rand = rng(5);
    const p = layer(rand, 3, 3, 3, 1);
    const kind = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof GpuEngineError ? e.kind : 'untyped';
      }
      return 'accepted';
    };
    expect(kind(() => uploadIConv(engine, { ...p, divisor: Int32Array.of(1, 0, 1) }))).toBe('params');
    expect(kind(() => uploadIConv(engine, { ...p, k: 7, weight: new Int32Array(3 * 3 * 49) }))).toBe('params');
    const l = uploadIConv(engine, p);
    const ft = engine.upload(new Float32Array(27), [3, 3, 3]);
    const rec = engine.record();
    expect(kind(() => iconv(rec, ft, l))).toBe('shape');
    rec.discard();
    engine.release(ft);
  });
});
