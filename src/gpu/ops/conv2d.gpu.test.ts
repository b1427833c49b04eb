// conv2d and transposed conv2d (WGSL, f32) vs the float64 reference on awkward shapes.
// Tolerance: |gpu − ref| ≤ 1e-4·(1 + |ref|) per element (f32 accumulation of up to 5·5·130 = 3250 terms).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuEngine } from '../engine';
import * as ref from '../reference/ops';
import { compareClose, randomF32, rng } from '../testing/compare';
import { conv2d, conv2dDispatch, conv2dOutputShape, convTranspose2d, uploadConv2d, uploadConvTranspose2d, type Activation } from './conv2d';

const TOL = { atol: 1e-4, rtol: 1e-4 };
let engine: GpuEngine;
beforeAll(async () => {
  engine = await GpuEngine.create();
});
afterAll(() => engine?.destroy());

function applyAct(y: ref.RefTensor, act: Activation): ref.RefTensor {
  if (act === 'relu') return ref.relu(y);
  if (typeof act === 'object') return ref.leakyRelu(y, act.leakyRelu);
  return y;
}

describe('conv2d (WGSL) vs float64 reference', () => {
  // [cin, cout, h, w, k, stride, pad?, act?]
  const cases: Array<[number, number, number, number, number, number, number?, Activation?]> = [
    [3, 5, 19, 23, 5, 2],
    [5, 3, 7, 9, 3, 1],
    [130, 5, 5, 7, 5, 2],
    [3, 130, 9, 5, 3, 1],
    [130, 130, 3, 5, 5, 1],
    [5, 5, 1, 1, 3, 1],
    [3, 3, 1, 1, 5, 2],
    [5, 17, 11, 13, 1, 1, 0, 'relu'],
    [7, 20, 10, 9, 1, 2, 0, { leakyRelu: 0.01 }],
    [3, 5, 6, 8, 4, 2, 1],
    [4, 6, 9, 9, 5, 2, 0],
  ];
  for (const [cin, cout, h, w, k, stride, pad, act] of cases) {
    it(`${cin}→${cout} on ${h}×${w}, k${k} s${stride}${pad !== undefined ? ` p${pad}` : ''}${act ? ` ${JSON.stringify(act)}` : ''}`, async () => {
      const rand = rng(cin * 7919 + cout * 31 + h * 7 + w + k);
      const x = randomF32(rand, cin * h * w);
      const wt = randomF32(rand, cout * cin * k * k, -1 / Math.sqrt(cin * k * k), 1 / Math.sqrt(cin * k * k));
      const b = randomF32(rand, cout);
      const layer = uploadConv2d(engine, { cin, cout, k, stride, pad, weight: wt, bias: b, act });
      const xt = engine.upload(x, [cin, h, w]);
      const rec = engine.record();
      const yt = conv2d(rec, xt, layer);
      const [got] = await rec.run([yt]);
      const want = applyAct(ref.conv2d(ref.refTensor([cin, h, w], x), wt, b, cout, k, { stride, pad: layer.pad }), act ?? 'none');
      expect(yt.shape).toEqual(want.shape);
      const r = compareClose(got, want.data, TOL);
      expect(r.ok, r.message).toBe(true);
      engine.release(xt);
      engine.release(yt);
    });
  }

  it('the comparison rejects a kernel with its padding off by one (the test can fail)', async () => {
    const [cin, cout, h, w, k] = [5, 6, 9, 7, 3];
    const rand = rng(42);
    const x = randomF32(rand, cin * h * w);
    const wt = randomF32(rand, cout * cin * k * k);
    const layer = uploadConv2d(engine, { cin, cout, k, weight: wt });
    const xt = engine.upload(x, [cin, h, w]);
    const rec = engine.record();
    const good = rec.tensor(conv2dOutputShape(xt.shape, layer), 'f32');
    const bad = rec.tensor(conv2dOutputShape(xt.shape, layer), 'f32');
    rec.dispatch(conv2dDispatch(engine, xt, good, layer));
    // Same kernel, same output shape, but the input is read with padding pad + 1: everything shifts by one pixel.
    rec.dispatch(conv2dDispatch(engine, xt, bad, { ...layer, pad: layer.pad + 1 }));
    const [g, bd] = await rec.run([good, bad]);
    const want = ref.conv2d(ref.refTensor([cin, h, w], x), wt, null, cout, k, { stride: 1, pad: 1 });
    expect(compareClose(g, want.data, TOL).ok).toBe(true);
    expect(compareClose(bd, want.data, TOL).ok).toBe(false);
    for (const t of [xt, good, bad]) engine.release(t);
  });
});

describe('transposed conv2d stride 2 (WGSL) vs float64 reference', () => {
  // [cin, cout, h, w, k, pad, outputPad]
  const cases: Array<[number, number, number, number, number, number, number]> = [
    [5, 3, 7, 9, 5, 2, 1], // CompressAI deconv
    [3, 130, 3, 4, 5, 2, 1],
    [130, 5, 4, 3, 5, 2, 1],
    [3, 5, 1, 1, 5, 2, 1],
    [5, 3, 5, 4, 3, 1, 1],
    [3, 3, 4, 5, 4, 1, 0],
    [3, 4, 3, 3, 1, 0, 1],
  ];
  for (const [cin, cout, h, w, k, pad, outputPad] of cases) {
    it(`${cin}→${cout} on ${h}×${w}, k${k} p${pad} op${outputPad}`, async () => {
      const rand = rng(cin * 131 + cout * 17 + h * 3 + w + k * 1000);
      const x = randomF32(rand, cin * h * w);
      const wt = randomF32(rand, cin * cout * k * k, -0.2, 0.2);
      const b = randomF32(rand, cout);
      const layer = uploadConvTranspose2d(engine, { cin, cout, k, pad, outputPad, weight: wt, bias: b });
      const xt = engine.upload(x, [cin, h, w]);
      const rec = engine.record();
      const yt = convTranspose2d(rec, xt, layer);
      const [got] = await rec.run([yt]);
      const want = ref.convTranspose2d(ref.refTensor([cin, h, w], x), wt, b, cout, k, { stride: 2, pad, outputPad });
      expect(yt.shape).toEqual(want.shape);
      const r = compareClose(got, want.data, TOL);
      expect(r.ok, r.message).toBe(true);
      engine.release(xt);
      engine.release(yt);
    });
  }
});
