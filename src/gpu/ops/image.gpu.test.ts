// RGBA8 ↔ CHW conversion (WGSL) vs the reference: to-float within 1 ULP of v/255 (f32 division), back to bytes exact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuEngine } from '../engine';
import * as ref from '../reference/ops';
import { compareClose, firstMismatch, randomF32, rng } from '../testing/compare';
import { imageToTensor, rgbaBytes, tensorToImage } from './image';

let engine: GpuEngine;
beforeAll(async () => {
  engine = await GpuEngine.create();
});
afterAll(() => engine?.destroy());

describe('image ↔ tensor (WGSL)', () => {
  it('uploads RGBA8 to [0,1] CHW and converts back bit-exactly (odd size, every byte value)', async () => {
    const [w, h] = [23, 19];
    const data = new Uint8ClampedArray(4 * w * h);
    const rand = rng(21);
    for (let i = 0; i < data.length; i++) data[i] = i < 1024 ? i & 255 : Math.floor(rand() * 256);
    const rec = engine.record();
    const x = imageToTensor(rec, { data, width: w, height: h });
    const back = tensorToImage(rec, x);
    const [gx, gb] = await rec.run([x, back]);
    expect(x.shape).toEqual([3, h, w]);
    const want = ref.imageToChw(data, w, h);
    const r = compareClose(gx, want.data, { atol: 0, rtol: 1.2e-7 });
    expect(r.ok, r.message).toBe(true);
    const bytes = rgbaBytes(gb);
    for (let p = 0; p < w * h; p++) {
      expect([bytes[4 * p], bytes[4 * p + 1], bytes[4 * p + 2], bytes[4 * p + 3]]).toEqual([data[4 * p], data[4 * p + 1], data[4 * p + 2], 255]);
    }
    engine.release(x);
    engine.release(back);
  });

  it('clamps and rounds half to even like the reference', async () => {
    const [w, h] = [9, 5];
    const v = randomF32(rng(22), 3 * w * h, -0.2, 1.2);
    v.set([0.5 / 255, 1.5 / 255, 2.5 / 255, 254.5 / 255, 1], 0);
    const xt = engine.upload(v, [3, h, w]);
    const rec = engine.record();
    const out = tensorToImage(rec, xt);
    const [got] = await rec.run([out]);
    expect(firstMismatch(rgbaBytes(got), ref.chwToRgba(v, w, h))).toBe(-1);
    engine.release(xt);
    engine.release(out);
  });
});
