// The WGSL VJPs (ops/vjp.ts, oplist-vjp.ts) against the float64 VJPs of src/codecs/learned/refine/vjp.ts (which
// vjp.test.ts checks against central finite differences), on small random tensors with awkward shapes.
// Tolerance: |gpu − ref| ≤ 2e-5·max|ref| + 2e-5·|ref| (f32 sums of up to C·k² terms); the permutation is exact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convInputGrad, gdnVjp as gdnVjpRef, mulChannelVjp, opVjp, runOpsVjp, spaceToDepthCrd } from '../../codecs/learned/refine/vjp';
import { GpuEngine } from '../engine';
import type { Op } from '../oplist';
import { uploadOpsVjp } from '../oplist-vjp';
import * as ref from '../reference/ops';
import { compareClose, firstMismatch, randomF32, randomInt, randomOpWeights, rng, TensorMap } from '../testing/compare';
import type { Shape } from '../tensor';
import { spaceToDepth } from './depth_to_space';
import { mulChannel, uploadChannelVector } from './elementwise';
import { activationVjp, conv2dVjp, distortionGrad, gdnVjp, scaleVjp, transposeFlip, uploadConv2dVjp, uploadGdnVjp } from './vjp';

let engine: GpuEngine;
beforeAll(async () => {
  engine = await GpuEngine.create();
});
afterAll(() => engine?.destroy());

const size = (s: Shape) => s[0] * s[1] * s[2];
function close(got: ArrayLike<number>, want: ArrayLike<number>, rel = 2e-5) {
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(want[i]));
  expect(m).toBeGreaterThan(1e-3); // not vacuous
  const r = compareClose(got, want, { atol: rel * m, rtol: rel });
  expect(r.ok, r.message).toBe(true);
}

describe('WGSL VJPs vs the float64 VJPs (refine/vjp.ts)', () => {
  it('transposeFlip is the transposed, flipped kernel', () => {
    // W[o=1][i=0] = [[1,2],[3,4]] (k = 2, cout 2, cin 1) → W′[i=0][o=1] = [[4,3],[2,1]]
    const w = Float32Array.from([0, 0, 0, 0, 1, 2, 3, 4]);
    expect(Array.from(transposeFlip(w, 2, 1, 2))).toEqual([0, 0, 0, 0, 4, 3, 2, 1]);
  });

  it('conv2d: stride 1 (k 1/3/5) and stride 2 (k 3/5, odd and even sizes: output padding 0 and 1 per axis)', async () => {
    const cases: Array<[number, number, number, number, number, number, number]> = [
      // k, stride, pad, cin, cout, h, w
      [3, 1, 1, 5, 7, 9, 6],
      [5, 1, 2, 3, 18, 7, 11],
      [1, 1, 0, 20, 3, 5, 5],
      [3, 1, 0, 4, 6, 8, 7],
      [5, 2, 2, 6, 5, 9, 8],
      [3, 2, 1, 3, 17, 6, 7],
    ];
    for (const [k, s, p, cin, cout, h, w] of cases) {
      const rand = rng(k * 1000 + s * 100 + cin);
      const weight = randomF32(rand, cout * cin * k * k, -0.5, 0.5);
      const inShape: Shape = [cin, h, w];
      const ho = Math.floor((h + 2 * p - k) / s) + 1;
      const wo = Math.floor((w + 2 * p - k) / s) + 1;
      const g = randomF32(rand, cout * ho * wo);
      const l = uploadConv2dVjp(engine, { cin, cout, k, stride: s, pad: p, weight });
      const gt = engine.upload(g, [cout, ho, wo]);
      const rec = engine.record();
      const out = conv2dVjp(rec, gt, l, inShape);
      const [got] = await rec.run([out]);
      expect(out.shape).toEqual(inShape);
      close(got, convInputGrad(g, [cout, ho, wo], weight, inShape, k, s, p));
      engine.release(gt);
      engine.release(out);
    }
  });

  it('depth_to_space⁻¹ (space-to-depth, CRD) is exactly the inverse permutation, f32 and i32', async () => {
    for (const [r, s] of [[2, [3, 6, 4]], [3, [2, 3, 9]], [2, [1, 2, 2]]] as Array<[number, Shape]>) {
      const g = randomF32(rng(r + s[1]), size(s));
      const gi = randomInt(rng(r + s[2]), size(s), -100, 100);
      const gt = engine.upload(g, s);
      const git = engine.upload(gi, s);
      const rec = engine.record();
      const a = spaceToDepth(rec, gt, r);
      const b = spaceToDepth(rec, git, r);
      const [ga, gb] = await rec.run([a, b]);
      expect(a.shape).toEqual([s[0] * r * r, s[1] / r, s[2] / r]);
      expect(firstMismatch(ga, Float32Array.from(spaceToDepthCrd(g, s, r)))).toBe(-1);
      expect(firstMismatch(gb, Int32Array.from(spaceToDepthCrd(gi, s, r)))).toBe(-1);
      for (const t of [gt, git, a, b]) engine.release(t);
    }
  });

  for (const inverse of [true, false]) {
    it(`${inverse ? 'IGDN' : 'GDN'}: 5, 20 and 130 channels`, async () => {
      for (const [c, h, w] of [[5, 3, 7], [20, 4, 5], [130, 3, 3]] as Shape[]) {
        const rand = rng(c + (inverse ? 7 : 0));
        const x = randomF32(rand, c * h * w, -2, 2);
        const g = randomF32(rand, c * h * w);
        const beta = randomF32(rand, c, 0.5, 1.5);
        const gamma = randomF32(rand, c * c, 0, 0.05);
        for (let i = 0; i < c; i++) gamma[i * c + i] = Math.fround(0.1 + 0.5 * rand());
        const l = uploadGdnVjp(engine, { channels: c, beta, gamma, inverse });
        const xt = engine.upload(x, [c, h, w]);
        const gt = engine.upload(g, [c, h, w]);
        const rec = engine.record();
        const out = gdnVjp(rec, xt, gt, l);
        const [got] = await rec.run([out]);
        close(got, gdnVjpRef(ref.refTensor([c, h, w], x), beta, gamma, inverse).back(g));
        for (const t of [xt, gt, out]) engine.release(t);
        for (const b of [l.beta, l.gamma, l.gammaT]) b.destroy();
      }
    });
  }

  it('ReLU and LeakyReLU from the input or the output, exact zeros included; int_to_float scale; the gain', async () => {
    const s: Shape = [3, 5, 7];
    const rand = rng(9);
    const x = randomF32(rand, size(s), -1, 1);
    x[0] = 0;
    x[5] = -0;
    const g = randomF32(rand, size(s), -1, 1);
    const v = randomF32(rand, 3, 0.2, 3);
    const X = ref.refTensor(s, x);
    const leakyOp: Op = { op: 'leaky_relu', slope: 0.01 };
    const reluOp: Op = { op: 'relu' };
    const yLeaky = Float32Array.from(ref.leakyRelu(X, Math.fround(0.01)).data);
    const yRelu = Float32Array.from(ref.relu(X).data);
    const xt = engine.upload(x, s);
    const gt = engine.upload(g, s);
    const ylt = engine.upload(yLeaky, s);
    const yrt = engine.upload(yRelu, s);
    const vec = uploadChannelVector(engine, v);
    const rec = engine.record();
    const outs = [
      activationVjp(rec, xt, gt, { leakyRelu: 0.01 }),
      activationVjp(rec, ylt, gt, { leakyRelu: 0.01 }),
      activationVjp(rec, xt, gt, 'relu'),
      activationVjp(rec, yrt, gt, 'relu'),
      scaleVjp(rec, gt, 0.0625),
      mulChannel(rec, gt, vec),
    ];
    const got = await rec.run(outs);
    const wl = opVjp(leakyOp, new TensorMap(), X).back(g);
    const wr = opVjp(reluOp, new TensorMap(), X).back(g);
    const ws = opVjp({ op: 'int_to_float', scale: 0.0625 }, new TensorMap(), X).back(g);
    const wg = mulChannelVjp(X, v).back(g);
    close(got[0], wl, 1e-7);
    close(got[1], wl, 1e-7);
    close(got[2], wr, 0);
    close(got[3], wr, 0);
    close(got[4], ws, 0);
    close(got[5], wg, 1e-7);
    for (const t of [xt, gt, ylt, yrt, ...outs]) engine.release(t);
    vec.buffer.destroy();
  });

  it('the distortion Σ wt·(x̂ − x)² and its gradient (partial sums over 256-element workgroups)', async () => {
    const s: Shape = [3, 19, 23];
    const rand = rng(10);
    const xh = randomF32(rand, size(s), 0, 1);
    const x = randomF32(rand, size(s), 0, 1);
    const wt = randomF32(rand, s[1] * s[2], 0, 2);
    for (let i = 0; i < 40; i++) wt[i] = 0;
    const [a, b, c] = [engine.upload(xh, s), engine.upload(x, s), engine.upload(wt, [1, s[1], s[2]])];
    const rec = engine.record();
    const { grad, partial } = distortionGrad(rec, a, b, c);
    const [gg, pp] = await rec.run([grad, partial]);
    let d = 0;
    const want = new Float64Array(size(s));
    for (let i = 0; i < want.length; i++) {
      const e = xh[i] - x[i];
      const w = wt[i % wt.length];
      d += w * e * e;
      want[i] = 2 * w * e;
    }
    close(gg, want, 1e-7);
    expect(pp.length).toBe(Math.ceil(size(s) / 256));
    const sum = pp.reduce((u, q) => u + q, 0);
    expect(Math.abs(sum - d) / d).toBeLessThan(1e-5);
    for (const t of [a, b, c, grad, partial]) engine.release(t);
  });

  it('op lists: a synthesis-shaped one (conv → d2s → IGDN ×2 → conv → d2s) and a means-shaped one (int_to_float → conv + LeakyReLU → conv), as runOpsVjp', async () => {
    const syn: Op[] = [
      { op: 'conv2d', weight: 'c0.w', bias: 'c0.b', kernel: 3, stride: 1, padding: 1, cin: 6, cout: 20 },
      { op: 'depth_to_space', block: 2 },
      { op: 'igdn', beta: 'g0.b', gamma: 'g0.g', channels: 5 },
      { op: 'conv2d', weight: 'c1.w', bias: 'c1.b', kernel: 3, stride: 1, padding: 1, cin: 5, cout: 20 },
      { op: 'depth_to_space', block: 2 },
      { op: 'igdn', beta: 'g1.b', gamma: 'g1.g', channels: 5 },
      { op: 'conv2d', weight: 'c2.w', bias: 'c2.b', kernel: 3, stride: 1, padding: 1, cin: 5, cout: 12 },
      { op: 'depth_to_space', block: 2 },
    ];
    const means: Op[] = [
      { op: 'int_to_float', scale: 0.0625 },
      { op: 'conv2d', weight: 'm0.w', bias: 'm0.b', kernel: 3, stride: 1, padding: 1, cin: 7, cout: 9 },
      { op: 'leaky_relu', slope: 0.01 },
      { op: 'conv2d', weight: 'm1.w', bias: 'm1.b', kernel: 3, stride: 1, padding: 1, cin: 9, cout: 6 },
    ];
    const other: Op[] = [
      { op: 'conv2d', weight: 'o0.w', bias: 'o0.b', kernel: 5, stride: 2, padding: 2, cin: 3, cout: 8 },
      { op: 'gdn', beta: 'o1.b', gamma: 'o1.g', channels: 8 },
      { op: 'relu' },
      { op: 'conv2d', weight: 'o2.w', bias: 'o2.b', kernel: 3, stride: 1, padding: 1, cin: 8, cout: 4 },
      { op: 'relu' },
    ];
    for (const [ops, inShape, int] of [[syn, [6, 3, 5], false], [means, [7, 4, 5], true], [other, [3, 9, 10], false]] as Array<[Op[], Shape, boolean]>) {
      const rand = rng(ops.length * 31);
      const w = randomOpWeights(ops, rand);
      const x = int ? randomInt(rand, size(inShape), 0, 127) : randomF32(rand, size(inShape), -2, 2);
      const tapeRef = runOpsVjp(ops, w, ref.refTensor(inShape, x));
      const g = randomF32(rand, tapeRef.out.data.length);
      const net = uploadOpsVjp(engine, ops, w);
      const xt = int ? engine.upload(x as Int32Array, inShape) : engine.upload(x as Float32Array, inShape);
      const rec = engine.record();
      const tape = net.forward(rec, xt);
      const outCopy = rec.tensor(tape.out.shape, 'f32');
      rec.copy(tape.out, 0, outCopy, 0, tape.out.size);
      const gt = engine.upload(g, tape.out.shape);
      const gx = net.backward(rec, tape, gt);
      const [fwd, back] = await rec.run([outCopy, gx]);
      expect(gx.shape).toEqual(inShape);
      close(fwd, tapeRef.out.data);
      close(back, tapeRef.back(g));
      for (const t of [xt, gt, gx, outCopy]) engine.release(t);
      net.destroy();
    }
  });
});
