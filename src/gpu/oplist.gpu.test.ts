// Op lists on the WGSL engine (oplist.ts uploadOps) against the float64 reference (reference/oplist.ts):
//  - every op of the vocabulary (op-vocabulary.json) alone, on awkward shapes (odd sizes, 1×1, 5 and 130
//    channels), with the per-op tolerances of the README (float ops) or bit for bit (integer and data movement);
//  - whole networks with random weights: an analysis transform (conv5 s2 → GDN → conv5 s2 → GDN → conv5 s2),
//    a sub-pixel synthesis (conv3 → depth_to_space → IGDN …), a hyper-synthesis style net (abs, conv + ReLU,
//    conv + LeakyReLU: both fused into the conv) and an integer hyper-synthesis (iconv2d, depth_to_space,
//    exact). Networks: |gpu − ref| ≤ 2e-4·(max|ref| + |ref|) (errors of f32 layers compound).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuEngine } from './engine';
import { OP_NAMES, type Op, type OpName } from './oplist';
import { uploadOps, WGSL_OPS } from './oplist-wgsl';
import { imageToTensor } from './ops/image';
import { runOpsRef } from './reference/oplist';
import * as ref from './reference/ops';
import { compareClose, randomF32, randomOpWeights, rng, type TensorMap } from './testing/compare';

let engine: GpuEngine;
beforeAll(async () => {
  engine = await GpuEngine.create();
});
afterAll(() => engine?.destroy());

const conv = (name: string, cin: number, cout: number, kernel: number, stride = 1): Op => ({ op: 'conv2d', weight: `${name}.w`, bias: `${name}.b`, kernel, stride, padding: (kernel - 1) >> 1, cin, cout });
const gdnOp = (name: string, channels: number, inverse = false): Op => ({ op: inverse ? 'igdn' : 'gdn', beta: `${name}.beta`, gamma: `${name}.gamma`, channels });
const iconvOp = (name: string, cin: number, cout: number, kernel: number, lo = 0, hi = 127): Op => ({
  op: 'iconv2d',
  weight: `${name}.w`,
  bias: `${name}.b`,
  divisor: `${name}.d`,
  kernel,
  stride: 1,
  padding: kernel >> 1,
  cin,
  cout,
  lo,
  hi,
});
const d2s: Op = { op: 'depth_to_space', block: 2 };

/** Runs `ops` on the GPU and in float64 on the same input; returns both. */
async function both(ops: Op[], w: TensorMap, input: Float32Array | Int32Array, shape: [number, number, number]) {
  const net = uploadOps(engine, ops, w);
  const x = input instanceof Int32Array ? engine.upload(input, shape) : engine.upload(input, shape);
  const rec = engine.record();
  const y = net.record(rec, x);
  const [got] = await rec.run([y]);
  const want = runOpsRef(ops, w, ref.refTensor(shape, input));
  expect(y.shape).toEqual(want.shape);
  engine.release(x);
  engine.release(y);
  net.destroy();
  return { got, want };
}

function close(got: ArrayLike<number>, want: ref.RefTensor, atol: number, rtol: number) {
  const r = compareClose(got, want.data, { atol, rtol });
  expect(r.ok, r.message).toBe(true);
}

/** One op of each kind of the vocabulary, its input, and how its output is compared. */
const SINGLE: { [N in OpName]: { ops: Op[]; shape: [number, number, number]; int?: boolean; tol: [number, number] | 'exact' } } = {
  conv2d: { ops: [conv('a', 5, 130, 3, 2)], shape: [5, 9, 7], tol: [1e-4, 1e-4] },
  depth_to_space: { ops: [d2s], shape: [12, 3, 5], tol: 'exact' },
  gdn: { ops: [gdnOp('g', 130)], shape: [130, 3, 1], tol: [1e-5, 1e-5] },
  igdn: { ops: [gdnOp('g', 5, true)], shape: [5, 7, 9], tol: [1e-5, 1e-5] },
  relu: { ops: [{ op: 'relu' }], shape: [3, 5, 7], tol: 'exact' },
  leaky_relu: { ops: [{ op: 'leaky_relu', slope: 0.25 }], shape: [3, 5, 7], tol: 'exact' },
  abs: { ops: [{ op: 'abs' }], shape: [3, 1, 1], tol: 'exact' },
  iconv2d: { ops: [iconvOp('i', 3, 5, 3)], shape: [3, 7, 5], int: true, tol: 'exact' },
  checkerboard_iconv2d: {
    ops: [{ op: 'checkerboard_iconv2d', weight: 'c.w', bias: 'c.b', divisor: 'c.d', kernel: 5, stride: 1, padding: 2, cin: 5, cout: 7, lo: 0, hi: 127, clip: 40 }],
    shape: [5, 7, 9],
    int: true,
    tol: 'exact',
  },
  int_to_float: { ops: [{ op: 'int_to_float', scale: 1 / 16 }], shape: [5, 3, 3], int: true, tol: 'exact' },
};

describe('every op of the vocabulary: WGSL = float64 reference', () => {
  it('the WGSL runner and this test cover exactly the vocabulary', () => {
    expect([...WGSL_OPS].sort()).toEqual([...OP_NAMES].sort());
    expect(Object.keys(SINGLE).sort()).toEqual([...OP_NAMES].sort());
  });
  for (const name of OP_NAMES) {
    it(name, async () => {
      const c = SINGLE[name];
      const rand = rng(100 + OP_NAMES.indexOf(name));
      const n = c.shape[0] * c.shape[1] * c.shape[2];
      const input = c.int ? Int32Array.from({ length: n }, () => Math.floor(rand() * 255) - 127) : randomF32(rand, n, -2, 2);
      const { got, want } = await both(c.ops, randomOpWeights(c.ops, rand), input, c.shape);
      if (c.tol === 'exact') expect(Array.from(got)).toEqual(Array.from(want.data, (v) => Math.fround(v)));
      else close(got, want, c.tol[0], c.tol[1]);
    });
  }
});

const N = 10;
const M = 14;
const encoder: Op[] = [conv('a0', 3, N, 5, 2), gdnOp('a1', N), conv('a2', N, N, 5, 2), gdnOp('a3', N), conv('a4', N, M, 5, 2)];
const subpixelDecoder: Op[] = [conv('s0', M, 4 * N, 3), d2s, gdnOp('s1', N, true), conv('s2', N, 4 * N, 3), d2s, gdnOp('s3', N, true), conv('s4', N, 3 * 4, 3), d2s];
const hyper: Op[] = [{ op: 'abs' }, conv('h0', M, N, 3), { op: 'relu' }, conv('h1', N, 4 * N, 3), d2s, conv('h2', N, 2 * M, 3), { op: 'leaky_relu', slope: 0.2 }, { op: 'relu' }];
const intHyper: Op[] = [iconvOp('z0', M, 4 * N, 3), d2s, iconvOp('z1', N, 4 * N, 3), d2s, iconvOp('z2', N, M, 1, 0, 63)];

function check(got: ArrayLike<number>, want: ref.RefTensor) {
  const scale = want.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  close(got, want, 2e-4 * scale, 2e-4);
  expect(scale).toBeGreaterThan(1e-3); // the network did not collapse to zeros
}

describe('whole networks (WGSL) vs float64 reference', () => {
  it('encoder on a 3×19×23 image, then a sub-pixel decoder and a hyper-synthesis on its latent', async () => {
    const rand = rng(2024);
    const w = randomOpWeights([...encoder, ...subpixelDecoder, ...hyper], rand);
    const [gA, gS, hS] = [encoder, subpixelDecoder, hyper].map((ops) => uploadOps(engine, ops, w));
    const [wd, h] = [23, 19];
    const rgba = new Uint8ClampedArray(4 * wd * h);
    for (let i = 0; i < rgba.length; i++) rgba[i] = Math.floor(rand() * 256);

    const rec = engine.record();
    const x = imageToTensor(rec, { data: rgba, width: wd, height: h });
    const y = gA.record(rec, x);
    rec.release(x);
    const xs = gS.record(rec, y);
    const hs = hS.record(rec, y);
    const [gy, gxs, ghs] = await rec.run([y, xs, hs]);

    const Y = runOpsRef(encoder, w, ref.imageToChw(rgba, wd, h));
    expect(y.shape).toEqual([M, 3, 3]);
    check(gy, Y);
    // Decoders run on the GPU's latent, so their own error is measured, not the encoder's.
    const Yf: ref.RefTensor = { shape: Y.shape, data: Float64Array.from(gy) };
    expect(xs.shape).toEqual([3, 24, 24]);
    expect(hs.shape).toEqual([2 * M, 6, 6]);
    check(gxs, runOpsRef(subpixelDecoder, w, Yf));
    check(ghs, runOpsRef(hyper, w, Yf));
    for (const t of [y, xs, hs]) engine.release(t);
    for (const n of [gA, gS, hS]) n.destroy();
  });

  it('a random tensor of odd, non-square size through the encoder', async () => {
    const rand = rng(7);
    const w = randomOpWeights(encoder, rand);
    const x = randomF32(rand, 3 * 33 * 17, 0, 1);
    const { got, want } = await both(encoder, w, x, [3, 33, 17]);
    check(got, want);
  });

  it('an integer hyper-synthesis (iconv2d, depth_to_space) is bit-identical to the reference', async () => {
    const rand = rng(11);
    const w = randomOpWeights(intHyper, rand);
    const z = Int32Array.from({ length: M * 3 * 2 }, () => Math.floor(rand() * 255) - 127);
    const { got, want } = await both(intHyper, w, z, [M, 3, 2]);
    expect(Array.from(got)).toEqual(Array.from(want.data));
    const distinct = new Set(got).size;
    expect(distinct).toBeGreaterThan(3); // not all clamped to one value
  });
});
