// Whole networks with random weights, WGSL vs the float64 reference: an analysis transform
// (conv5 s2 → GDN → conv5 s2 → GDN → conv5 s2), a sub-pixel synthesis (conv3 → depth-to-space → IGDN …),
// a transposed-conv synthesis (CompressAI deconv + IGDN) and a hyper-synthesis style net (abs, ReLU, LeakyReLU).
// Tolerance: |gpu − ref| ≤ 2e-4·(max|ref| + |ref|) (errors of f32 layers compound; max|ref| sets the scale).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuEngine } from './engine';
import { loadSequential, type LayerSpec } from './network';
import { runSequentialRef } from './reference/network';
import * as ref from './reference/ops';
import { compareClose, randomF32, randomWeights, rng } from './testing/compare';
import { WeightReader } from './weights';
import { imageToTensor } from './ops/image';

let engine: GpuEngine;
beforeAll(async () => {
  engine = await GpuEngine.create();
});
afterAll(() => engine?.destroy());

const N = 10;
const M = 14;
const encoder: LayerSpec[] = [
  { op: 'conv2d', cin: 3, cout: N, k: 5, stride: 2 },
  { op: 'gdn', channels: N },
  { op: 'conv2d', cin: N, cout: N, k: 5, stride: 2 },
  { op: 'gdn', channels: N },
  { op: 'conv2d', cin: N, cout: M, k: 5, stride: 2 },
];
const subpixelDecoder: LayerSpec[] = [
  { op: 'conv2d', cin: M, cout: 4 * N, k: 3 },
  { op: 'depthToSpace' },
  { op: 'igdn', channels: N },
  { op: 'conv2d', cin: N, cout: 4 * N, k: 3 },
  { op: 'depthToSpace' },
  { op: 'igdn', channels: N },
  { op: 'conv2d', cin: N, cout: 3 * 4, k: 3 },
  { op: 'depthToSpace' },
];
const deconvDecoder: LayerSpec[] = [
  { op: 'convTranspose2d', cin: M, cout: N, k: 5, pad: 2, outputPad: 1 },
  { op: 'igdn', channels: N },
  { op: 'convTranspose2d', cin: N, cout: N, k: 5, pad: 2, outputPad: 1 },
  { op: 'igdn', channels: N },
  { op: 'convTranspose2d', cin: N, cout: 3, k: 5, pad: 2, outputPad: 1 },
];
const hyper: LayerSpec[] = [
  { op: 'abs' },
  { op: 'conv2d', cin: M, cout: N, k: 3, act: 'relu' },
  { op: 'convTranspose2d', cin: N, cout: N, k: 5, pad: 2, outputPad: 1, act: { leakyRelu: 0.01 } },
  { op: 'conv2d', cin: N, cout: 2 * M, k: 3 },
  { op: 'leakyRelu', alpha: 0.2 },
  { op: 'relu' },
];

function check(got: ArrayLike<number>, want: ref.RefTensor) {
  const scale = want.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const r = compareClose(got, want.data, { atol: 2e-4 * scale, rtol: 2e-4 });
  expect(r.ok, r.message).toBe(true);
  expect(scale).toBeGreaterThan(1e-3); // the network did not collapse to zeros
}

describe('whole networks (WGSL) vs float64 reference', () => {
  it('encoder on a 3×19×23 image, then both decoders and a hyper-synthesis on its latent', async () => {
    const rand = rng(2024);
    const blobs = [encoder, subpixelDecoder, deconvDecoder, hyper].map((s) => randomWeights(s, rand));
    const [gA, gS, gT, hS] = [encoder, subpixelDecoder, deconvDecoder, hyper].map((s, i) => {
      const r = new WeightReader(blobs[i]);
      const net = loadSequential(engine, s, r);
      r.end();
      return net;
    });
    const [w, h] = [23, 19];
    const rgba = new Uint8ClampedArray(4 * w * h);
    for (let i = 0; i < rgba.length; i++) rgba[i] = Math.floor(rand() * 256);

    const rec = engine.record();
    const x = imageToTensor(rec, { data: rgba, width: w, height: h });
    const y = gA.record(rec, x, { consumeInput: true });
    const xs = gS.record(rec, y);
    const xt = gT.record(rec, y);
    const hs = hS.record(rec, y);
    const [gy, gxs, gxt, ghs] = await rec.run([y, xs, xt, hs]);

    const X = ref.imageToChw(rgba, w, h);
    const Y = runSequentialRef(encoder, new WeightReader(blobs[0]), X);
    expect(y.shape).toEqual([M, 3, 3]);
    check(gy, Y);
    // Decoders run on the reference latent so their own error is measured, not the encoder's.
    const Yf: ref.RefTensor = { shape: Y.shape, data: Float64Array.from(gy) };
    const XS = runSequentialRef(subpixelDecoder, new WeightReader(blobs[1]), Yf);
    const XT = runSequentialRef(deconvDecoder, new WeightReader(blobs[2]), Yf);
    const HS = runSequentialRef(hyper, new WeightReader(blobs[3]), Yf);
    expect(xs.shape).toEqual([3, 24, 24]);
    expect(xt.shape).toEqual([3, 24, 24]);
    expect(hs.shape).toEqual([2 * M, 6, 6]);
    check(gxs, XS);
    check(gxt, XT);
    check(ghs, HS);
    for (const t of [y, xs, xt, hs]) engine.release(t);
    for (const n of [gA, gS, gT, hS]) n.destroy();
  });

  it('random input tensor with a non-square odd size through encoder and deconv decoder', async () => {
    const rand = rng(7);
    const wA = randomWeights(encoder, rand);
    const wT = randomWeights(deconvDecoder, rand);
    const gA = loadSequential(engine, encoder, new WeightReader(wA));
    const gT = loadSequential(engine, deconvDecoder, new WeightReader(wT));
    const x = randomF32(rand, 3 * 33 * 17, 0, 1);
    const xt = engine.upload(x, [3, 33, 17]);
    const rec = engine.record();
    const y = gA.record(rec, xt);
    const xh = gT.record(rec, y);
    const [gy, gx] = await rec.run([y, xh]);
    const Y = runSequentialRef(encoder, new WeightReader(wA), ref.refTensor([3, 33, 17], x));
    check(gy, Y);
    check(gx, runSequentialRef(deconvDecoder, new WeightReader(wT), { shape: Y.shape, data: Float64Array.from(gy) }));
    for (const t of [xt, y, xh]) engine.release(t);
    gA.destroy();
    gT.destroy();
  });
});
