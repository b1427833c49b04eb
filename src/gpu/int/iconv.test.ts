// The integer convolution is production code (CPU path) and the oracle for the WGSL kernel, so it is checked
// against a deliberately naive, independent formulation: BigInt arithmetic, explicit padding test per tap,
// division written as floor-of-rational for non-negative values and handled by sign otherwise.
import { describe, expect, it } from 'vitest';
import { depthToSpaceI32, iconv, IConvError, type IConvParams } from './iconv';
import { depthToSpace } from '../reference/ops';
import { firstMismatch, randomInt, rng } from '../testing/compare';
import type { Shape } from '../tensor';

function naive(x: Int32Array, [cin, h, w]: Shape, p: IConvParams): Int32Array {
  const ho = Math.floor((h + 2 * p.pad - p.k) / p.stride) + 1;
  const wo = Math.floor((w + 2 * p.pad - p.k) / p.stride) + 1;
  const out = new Int32Array(p.cout * ho * wo);
  for (let o = 0; o < p.cout; o++)
    for (let oy = 0; oy < ho; oy++)
      for (let ox = 0; ox < wo; ox++) {
        let acc = BigInt(p.bias[o]);
        for (let i = 0; i < cin; i++)
          for (let ky = 0; ky < p.k; ky++)
            for (let kx = 0; kx < p.k; kx++) {
              const iy = oy * p.stride + ky - p.pad;
              const ix = ox * p.stride + kx - p.pad;
              const xv = iy >= 0 && iy < h && ix >= 0 && ix < w ? x[(i * h + iy) * w + ix] : 0;
              acc += BigInt(p.weight[((o * cin + i) * p.k + ky) * p.k + kx]) * BigInt(xv);
            }
        const c = BigInt(p.divisor[o]);
        const num = acc + (c >> 1n);
        const q = num / c; // BigInt division truncates toward zero
        let v = Number(q);
        v = Math.min(Math.max(v, p.lo[o]), p.hi[o]);
        out[(o * ho + oy) * wo + ox] = v;
      }
  return out;
}

function randomLayer(rand: () => number, cin: number, cout: number, k: number, stride: number): IConvParams {
  const lo = randomInt(rand, cout, 0, 3);
  const hi = new Int32Array(cout);
  for (let o = 0; o < cout; o++) hi[o] = lo[o] + 20 + Math.floor(rand() * 200);
  return {
    cin,
    cout,
    k,
    stride,
    pad: (k - 1) >> 1,
    weight: randomInt(rand, cout * cin * k * k, -128, 127),
    bias: randomInt(rand, cout, -50000, 50000),
    divisor: randomInt(rand, cout, 1, 3000),
    lo,
    hi,
  };
}

describe('iconv (CPU, exact)', () => {
  const cases: Array<[number, number, number, number, number, number]> = [
    // cin, cout, h, w, k, stride
    [3, 5, 7, 9, 3, 1],
    [5, 3, 9, 7, 5, 2],
    [130, 5, 5, 3, 3, 2],
    [3, 130, 4, 5, 1, 1],
    [5, 5, 1, 1, 5, 1],
    [4, 3, 1, 1, 3, 2],
    [3, 3, 2, 6, 5, 2],
    [7, 4, 8, 8, 1, 2],
  ];
  for (const [cin, cout, h, w, k, s] of cases) {
    it(`${cin}→${cout} on ${h}×${w}, k${k} s${s}`, () => {
      const rand = rng(cin * 1000 + cout * 10 + k + s);
      const p = randomLayer(rand, cin, cout, k, s);
      const x = randomInt(rand, cin * h * w, -127, 127);
      const got = iconv(x, [cin, h, w], p);
      const want = naive(x, [cin, h, w], p);
      expect(firstMismatch(got.data, want)).toBe(-1);
      // the clamp is exercised on both sides
      expect(got.data.some((v, i) => v === p.lo[Math.floor(i / (got.shape[1] * got.shape[2]))])).toBe(true);
    });
  }

  it('rounds to nearest (half away from zero for positive) before clamping', () => {
    // acc = 7 with c = 2: (7 + 1) / 2 = 4; acc = 5, c = 4: (5 + 2) / 4 = 1; acc = −5: clamped to lo = 0.
    const mk = (bias: number, c: number): IConvParams => ({
      cin: 1, cout: 1, k: 1, stride: 1, pad: 0, weight: Int32Array.of(0), bias: Int32Array.of(bias),
      divisor: Int32Array.of(c), lo: Int32Array.of(0), hi: Int32Array.of(1000),
    });
    const x = Int32Array.of(0);
    expect(iconv(x, [1, 1, 1], mk(7, 2)).data[0]).toBe(4);
    expect(iconv(x, [1, 1, 1], mk(5, 4)).data[0]).toBe(1);
    expect(iconv(x, [1, 1, 1], mk(-5, 4)).data[0]).toBe(0);
    expect(iconv(x, [1, 1, 1], mk(2001, 1)).data[0]).toBe(1000);
  });

  it('rejects bad parameters with a typed error', () => {
    const rand = rng(5);
    const good = randomLayer(rand, 2, 2, 3, 1);
    const x = new Int32Array(2 * 3 * 3);
    const bad = (p: Partial<IConvParams>) => {
      try {
        iconv(x, [2, 3, 3], { ...good, ...p });
      } catch (e) {
        return e instanceof IConvError ? e.kind : 'untyped';
      }
      return 'accepted';
    };
    expect(bad({ divisor: Int32Array.of(1, 0) })).toBe('params');
    expect(bad({ lo: Int32Array.of(-1, 0) })).toBe('params');
    expect(bad({ lo: Int32Array.of(0, 300), hi: Int32Array.of(10, 200) })).toBe('params');
    expect(bad({ k: 4 })).toBe('params');
    expect(bad({ stride: 3 })).toBe('params');
    expect(bad({ weight: new Int32Array(3) })).toBe('params');
    expect(bad({ cin: 3 })).toBe('params');
    expect(() => iconv(x, [3, 2, 3], good)).toThrow(IConvError);
  });

  it('depth-to-space on int32 is the float permutation', () => {
    const x = randomInt(rng(9), 12 * 3 * 5, -1000, 1000);
    const a = depthToSpaceI32(x, [12, 3, 5]);
    const b = depthToSpace(Float64Array.from(x), [12, 3, 5], 2);
    expect(a.shape).toEqual(b.shape);
    expect(firstMismatch(a.data, b.data)).toBe(-1);
  });
});
