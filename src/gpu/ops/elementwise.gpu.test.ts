// Elementwise ops, depth-to-space (f32 and i32) and channel slicing (WGSL) vs the reference.
// ReLU/abs/depth-to-space/slicing/i32→f32 are exact; add and per-channel multiply are one correctly rounded f32
// operation, so they must equal Math.fround of the float64 result exactly too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuEngine } from '../engine';
import * as ref from '../reference/ops';
import { depthToSpaceI32 } from '../int/iconv';
import { firstMismatch, randomF32, randomInt, rng } from '../testing/compare';
import { abs, add, leakyRelu, mulChannel, relu, toFloat, uploadChannelVector } from './elementwise';
import { depthToSpace } from './depth_to_space';
import { concatChannels, sliceChannels } from './channels';
import type { Shape } from '../tensor';

let engine: GpuEngine;
beforeAll(async () => {
  engine = await GpuEngine.create();
});
afterAll(() => engine?.destroy());

const f32 = (a: ArrayLike<number>) => Float32Array.from(a);

describe('elementwise (WGSL)', () => {
  const shape: Shape = [5, 7, 3];
  const n = 5 * 7 * 3;

  it('relu, leakyRelu, abs, add, mulChannel match the reference exactly (f32-rounded)', async () => {
    const rand = rng(1);
    const a = randomF32(rand, n, -2, 2);
    const b = randomF32(rand, n, -2, 2);
    const v = randomF32(rand, 5, -3, 3);
    const at = engine.upload(a, shape);
    const bt = engine.upload(b, shape);
    const vec = uploadChannelVector(engine, v);
    const rec = engine.record();
    const outs = [relu(rec, at), leakyRelu(rec, at, 0.2), abs(rec, at), add(rec, at, bt), mulChannel(rec, at, vec)];
    const got = await rec.run(outs);
    const A = ref.refTensor(shape, a);
    const B = ref.refTensor(shape, b);
    const want = [ref.relu(A), ref.leakyRelu(A, Math.fround(0.2)), ref.abs(A), ref.add(A, B), ref.mulChannel(A, v)];
    want.forEach((w, i) => expect(firstMismatch(got[i], f32(w.data)), `op ${i}`).toBe(-1));
    for (const t of [at, bt, ...outs]) engine.release(t);
  });

  it('i32 → f32 is exact, with a power-of-two scale', async () => {
    const x = randomInt(rng(2), n, -(2 ** 23), 2 ** 23);
    const xt = engine.upload(x, shape);
    const rec = engine.record();
    const y1 = toFloat(rec, xt);
    const y2 = toFloat(rec, xt, 1 / 64);
    const [a, b] = await rec.run([y1, y2]);
    expect(firstMismatch(a, f32(x))).toBe(-1);
    expect(firstMismatch(b, f32(Array.from(x, (v) => v / 64)))).toBe(-1);
    for (const t of [xt, y1, y2]) engine.release(t);
  });

  it('depth-to-space ×2 permutes f32 and i32 tensors exactly like PixelShuffle', async () => {
    const rand = rng(3);
    for (const s of [[12, 3, 5], [4, 1, 1], [520, 2, 3]] as Shape[]) {
      const n2 = s[0] * s[1] * s[2];
      const xf = randomF32(rand, n2);
      const xi = randomInt(rand, n2, -127, 127);
      const ft = engine.upload(xf, s);
      const it_ = engine.upload(xi, s);
      const rec = engine.record();
      const yf = depthToSpace(rec, ft);
      const yi = depthToSpace(rec, it_);
      const [gf, gi] = await rec.run([yf, yi]);
      expect(yf.shape).toEqual([s[0] / 4, s[1] * 2, s[2] * 2]);
      expect(yi.dtype).toBe('i32');
      expect(firstMismatch(gf, f32(ref.depthToSpace(Float64Array.from(xf), s, 2).data))).toBe(-1);
      expect(firstMismatch(gi, depthToSpaceI32(xi, s).data)).toBe(-1);
      for (const t of [ft, it_, yf, yi]) engine.release(t);
    }
  });

  it('sliceChannels / concatChannels copy contiguous channel ranges', async () => {
    const x = randomF32(rng(4), 6 * 3 * 5);
    const xt = engine.upload(x, [6, 3, 5]);
    const rec = engine.record();
    const lo = sliceChannels(rec, xt, 0, 2);
    const hi = sliceChannels(rec, xt, 2, 4);
    const back = concatChannels(rec, [hi, lo]);
    const [gl, gh, gb] = await rec.run([lo, hi, back]);
    expect(firstMismatch(gl, x.subarray(0, 30))).toBe(-1);
    expect(firstMismatch(gh, x.subarray(30))).toBe(-1);
    expect(firstMismatch(gb, f32([...x.subarray(30), ...x.subarray(0, 30)]))).toBe(-1);
    for (const t of [xt, lo, hi, back]) engine.release(t);
  });
});
