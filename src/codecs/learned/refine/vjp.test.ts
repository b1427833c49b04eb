// The refinement's VJPs against central finite differences of the float64 forward (src/gpu/reference), on small
// random tensors; the integer layer's straight-through VJP against its definition (W_int / divisor, masked where
// the unclamped quotient is inside [lo, hi], with the quotient from the production integer convolution).
import { describe, expect, it } from 'vitest';
import { iconv } from '../../../gpu/int/iconv';
import { iconvParamsOf, type Op, type OpOf } from '../../../gpu/oplist';
import { runOpsRef } from '../../../gpu/reference/oplist';
import * as ref from '../../../gpu/reference/ops';
import type { Shape } from '../../../gpu/tensor';
import { randomOpWeights, TensorMap } from '../../../gpu/testing/compare';
import { mulberry32 } from '../../../testing/random';
import { FactorizedPrior, gaussianBits, sga } from './rate';
import { convForward, mulChannelVjp, opVjp, runOpsVjp } from './vjp';

const rnd = (seed: number) => mulberry32(seed);
const randArr = (r: () => number, n: number, lo = -1, hi = 1) => Float64Array.from({ length: n }, () => lo + (hi - lo) * r());
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Checks back(g)[i] = d⟨g, f(x)⟩/dx_i by central differences at every input (or `sample` of them). */
function checkVjp(f: (x: ref.RefTensor) => ref.RefTensor, back: (x: ref.RefTensor, g: Float64Array) => Float64Array, x: ref.RefTensor, seed: number, o: { h?: number; tol?: number; sample?: number } = {}) {
  const r = rnd(seed);
  const h = o.h ?? 1e-5;
  const y0 = f(x);
  const g = randArr(r, y0.data.length);
  const gx = back(x, g);
  expect(gx.length).toBe(x.data.length);
  const idx = o.sample ? Array.from({ length: o.sample }, () => Math.floor(r() * x.data.length)) : x.data.map((_, i) => i);
  let worst = 0;
  let scale = 0;
  for (const i of idx) {
    const xp = ref.refTensor(x.shape, x.data);
    const xm = ref.refTensor(x.shape, x.data);
    xp.data[i] += h;
    xm.data[i] -= h;
    const fd = (dot(g, f(xp).data) - dot(g, f(xm).data)) / (2 * h);
    worst = Math.max(worst, Math.abs(fd - gx[i]));
    scale = Math.max(scale, Math.abs(fd));
  }
  expect(scale).toBeGreaterThan(1e-3); // the check is not vacuous
  expect(worst).toBeLessThanOrEqual((o.tol ?? 1e-6) * Math.max(1, scale));
}

const opCheck = (op: Op, w: TensorMap, shape: Shape, seed: number, lo = -1, hi = 1, o?: { h?: number; tol?: number; sample?: number }) => {
  const x = ref.refTensor(shape, randArr(rnd(seed + 1000), shape[0] * shape[1] * shape[2], lo, hi));
  checkVjp(
    (v) => runOpsRef([op], w, v),
    (v, g) => opVjp(op, w, v).back(g),
    x,
    seed,
    o,
  );
};

describe('refinement VJPs vs central finite differences (float64)', () => {
  it('conv2d, stride 1 and 2, k = 1, 3, 5, odd sizes', () => {
    for (const [k, s, p, cin, cout, h, w] of [
      [3, 1, 1, 5, 4, 7, 6],
      [5, 2, 2, 3, 6, 9, 8],
      [1, 1, 0, 4, 3, 5, 5],
      [3, 2, 1, 2, 5, 6, 7],
    ]) {
      const op: Op = { op: 'conv2d', weight: 'w', bias: 'b', kernel: k, stride: s, padding: p, cin, cout };
      opCheck(op, randomOpWeights([op], rnd(k * 10 + s)), [cin, h, w], k * 100 + s);
    }
  });

  it('depth_to_space (CRD), blocks 2 and 3', () => {
    opCheck({ op: 'depth_to_space', block: 2 }, new TensorMap(), [12, 3, 4], 1);
    opCheck({ op: 'depth_to_space', block: 3 }, new TensorMap(), [18, 2, 3], 2);
  });

  it('IGDN and GDN', () => {
    for (const kind of ['igdn', 'gdn'] as const) {
      const op: Op = { op: kind, beta: 'beta', gamma: 'gamma', channels: 6 };
      opCheck(op, randomOpWeights([op], rnd(3)), [6, 4, 5], 4, -2, 2);
    }
  });

  it('LeakyReLU, ReLU, abs, int_to_float (away from the kinks)', () => {
    for (const op of [{ op: 'leaky_relu', slope: 0.01 }, { op: 'relu' }, { op: 'abs' }, { op: 'int_to_float', scale: 0.0625 }] as Op[]) {
      const x = ref.refTensor([3, 4, 5], randArr(rnd(5), 60, -1, 1).map((v) => (Math.abs(v) < 0.01 ? 0.5 : v)));
      checkVjp(
        (v) => runOpsRef([op], new TensorMap(), v),
        (v, g) => opVjp(op, new TensorMap(), v).back(g),
        x,
        6,
      );
    }
  });

  it('the gain (per-channel multiply)', () => {
    const v = randArr(rnd(7), 4, 0.2, 3);
    checkVjp(
      (x) => ref.mulChannel(x, v),
      (x, g) => mulChannelVjp(x, v).back(g),
      ref.refTensor([4, 3, 3], randArr(rnd(8), 36)),
      9,
    );
  });

  it('a whole synthesis-shaped op list (conv → d2s → IGDN → conv → d2s) and a means-shaped one', () => {
    const syn: Op[] = [
      { op: 'conv2d', weight: 'c0.w', bias: 'c0.b', kernel: 3, stride: 1, padding: 1, cin: 5, cout: 16 },
      { op: 'depth_to_space', block: 2 },
      { op: 'igdn', beta: 'g.b', gamma: 'g.g', channels: 4 },
      { op: 'conv2d', weight: 'c1.w', bias: 'c1.b', kernel: 3, stride: 1, padding: 1, cin: 4, cout: 12 },
      { op: 'depth_to_space', block: 2 },
    ];
    const w = randomOpWeights(syn, rnd(10));
    const x = ref.refTensor([5, 3, 4], randArr(rnd(11), 60, -2, 2));
    checkVjp(
      (v) => runOpsRef(syn, w, v),
      (v, g) => runOpsVjp(syn, w, v).back(g),
      x,
      12,
    );
    const means: Op[] = [
      { op: 'conv2d', weight: 'm0.w', bias: 'm0.b', kernel: 3, stride: 1, padding: 1, cin: 4, cout: 6 },
      { op: 'leaky_relu', slope: 0.01 },
      { op: 'conv2d', weight: 'm1.w', bias: 'm1.b', kernel: 3, stride: 1, padding: 1, cin: 6, cout: 3 },
    ];
    const wm = randomOpWeights(means, rnd(13));
    checkVjp(
      (v) => runOpsRef(means, wm, v),
      (v, g) => runOpsVjp(means, wm, v).back(g),
      ref.refTensor([4, 5, 5], randArr(rnd(14), 100, -2, 2)),
      15,
    );
  });

  it('iconv2d: exact forward (= src/gpu/int/iconv.ts) and the straight-through VJP of training', () => {
    const op: OpOf<'iconv2d'> = { op: 'iconv2d', weight: 'w', bias: 'b', divisor: 'd', kernel: 3, stride: 1, padding: 1, cin: 4, cout: 6, lo: 0, hi: 63 };
    const w = randomOpWeights([op], rnd(16));
    const r = rnd(17);
    const shape: Shape = [4, 5, 6];
    const xi = Int32Array.from({ length: 120 }, () => Math.floor(r() * 255) - 127);
    const x = ref.refTensor(shape, xi);
    const v = opVjp(op, w, x);
    const prod = iconv(xi, shape, iconvParamsOf(op, w));
    expect(Array.from(v.out.data)).toEqual(Array.from(prod.data));
    // Oracle: the unclamped quotient from the production convolution (bounds widened) gives the mask; the
    // surrogate's Jacobian is W_int / divisor: its VJP by finite differences of the linear map x → conv(x, W)/c.
    const p = iconvParamsOf(op, w);
    // training's quotient round(acc/c) ≈ floor((acc + c>>1)/c): the production layer with its bias shifted by K·c
    // (so the truncated quotient is positive, where trunc = floor) and the clamp opened, minus K
    const K = 100_000;
    const shifted = iconv(xi, shape, { ...p, bias: p.bias.map((b, o) => b + K * p.divisor[o]), lo: new Int32Array(6), hi: new Int32Array(6).fill(2 ** 31 - 1) });
    const plane = 30;
    const g = randArr(r, 6 * plane);
    const masked = g.map((gv, i) => {
      const q = shifted.data[i] - K;
      return q >= op.lo && q <= op.hi ? gv : 0;
    });
    expect(masked.some((m, i) => m === 0 && g[i] !== 0)).toBe(true); // some outputs are clamped
    expect(masked.some((m) => m !== 0)).toBe(true);
    const lin = (xv: ref.RefTensor) => {
      const a = convForward(xv.data, shape, p.weight, null, 6, 3, 1, 1);
      for (let o = 0; o < 6; o++) for (let q = 0; q < plane; q++) a.data[o * plane + q] /= p.divisor[o];
      return a;
    };
    const gx = v.back(g);
    const h = 1e-3;
    for (let i = 0; i < xi.length; i++) {
      const xp = ref.refTensor(shape, x.data);
      const xm = ref.refTensor(shape, x.data);
      xp.data[i] += h;
      xm.data[i] -= h;
      const fd = (dot(masked, lin(xp).data) - dot(masked, lin(xm).data)) / (2 * h);
      expect(Math.abs(fd - gx[i])).toBeLessThan(1e-9 * Math.max(1, Math.abs(fd)));
    }
  });
});

describe('rate terms vs central finite differences', () => {
  it('Gaussian bits in v and σ (both signs, tails, the bound)', () => {
    const h = 1e-6;
    for (const [v, s] of [
      [0.3, 0.5],
      [-1.7, 0.8],
      [2.4, 3],
      [-0.05, 0.11],
      [5.5, 1.2],
    ]) {
      const g = gaussianBits(v, s);
      const fdv = (gaussianBits(v + h, s).bits - gaussianBits(v - h, s).bits) / (2 * h);
      const fds = (gaussianBits(v, s + h).bits - gaussianBits(v, s - h).bits) / (2 * h);
      expect(Math.abs(g.dv - fdv)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fdv)));
      expect(Math.abs(g.dsigma - fds)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fds)));
      // value: −log2 of the reference likelihood
      const p = ref.gaussianLikelihood([v], null, [s], { scaleBound: 0.11, likelihoodBound: 1e-9 })[0];
      expect(g.bits).toBeCloseTo(-Math.log2(p), 10);
    }
    // below the likelihood bound the value is flat, but the gradient passes (as training's lower_bound lets it
    // when it pushes the likelihood up): it points towards the mean
    const far = gaussianBits(12, 1.5);
    expect(far.bits).toBeCloseTo(-Math.log2(1e-9), 10);
    expect(far.dv).toBeGreaterThan(0);
    expect(gaussianBits(-12, 1.5).dv).toBeLessThan(0);
  });

  it('factorized prior bits in z (random density weights, several channels)', () => {
    const r = rnd(21);
    const C = 3;
    const w = new TensorMap();
    const dims = [1, 3, 3, 3, 3, 1];
    for (let i = 0; i < 5; i++) {
      w.set(`d.matrices.${i}`, 'f32', [C, dims[i + 1], dims[i]], randArr(r, C * dims[i + 1] * dims[i], -2.5, 0));
      w.set(`d.biases.${i}`, 'f32', [C, dims[i + 1], 1], randArr(r, C * dims[i + 1], -1, 1));
      if (i < 4) w.set(`d.factors.${i}`, 'f32', [C, dims[i + 1], 1], randArr(r, C * dims[i + 1], -1, 1));
    }
    const prior = new FactorizedPrior(w, C, 'd');
    const h = 1e-6;
    let nonTrivial = 0;
    for (let ch = 0; ch < C; ch++)
      for (const x of [-3.2, -0.7, 0.1, 0.9, 2.6]) {
        const b = prior.bits(ch, x);
        expect(b.bits).toBeLessThan(25); // inside the bound: finite differences see the function
        const fd = (prior.bits(ch, x + h).bits - prior.bits(ch, x - h).bits) / (2 * h);
        expect(Math.abs(b.dx - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
        if (Math.abs(fd) > 0.05) nonTrivial++;
      }
    expect(nonTrivial).toBeGreaterThan(5);
    // the probabilities of the integers sum to ≤ 1 (a density over bins), near 1 over a wide range
    let total = 0;
    for (let k = -200; k <= 200; k++) total += 2 ** -prior.bits(0, k).bits;
    expect(total).toBeGreaterThan(0.99);
    expect(total).toBeLessThan(1 + 401e-9); // + the 1e-9 bound per bin
  });

  it('SGA soft rounding: value between the neighbours, derivative by finite differences, hard as τ → 0', () => {
    const r = rnd(22);
    const h = 1e-7;
    for (let k = 0; k < 50; k++) {
      const v = (r() - 0.5) * 10;
      if (Math.abs(v - Math.round(v)) < 1e-3) continue;
      const [gf, gc] = [-Math.log(-Math.log(r())), -Math.log(-Math.log(r()))];
      for (const tau of [0.5, 0.2, 0.05]) {
        const s = sga(v, gf, gc, tau);
        expect(s.v).toBeGreaterThanOrEqual(Math.floor(v));
        expect(s.v).toBeLessThanOrEqual(Math.ceil(v));
        const fd = (sga(v + h, gf, gc, tau).v - sga(v - h, gf, gc, tau).v) / (2 * h);
        expect(Math.abs(s.d - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
      }
      // noise-free, small τ: the nearer integer
      expect(sga(v, 0, 0, 0.01).v).toBeCloseTo(Math.round(v), 6);
    }
  });
});
