// The checkerboard context layer on the CPU (op checkerboard_iconv2d: iconv.ts with parity 1 and clip, through
// oplist.ts checkerboardParamsOf), the production path and the WGSL kernel's oracle, against three independent
// answers: a worked example, tools/train/intnet.py's numpy int64 vectors (fixtures/, the Python definition the
// training forward is checked against), and the float64 reference written over input windows (reference/ops.ts).
// Also: the parity option alone (the pass-2 index head computed at the non-anchors only) = the full layer there.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkerboardParamsOf, type OpOf } from '../oplist';
import { checkerboardConv, refTensor } from '../reference/ops';
import { randomInt, rng, TensorMap } from '../testing/compare';
import { iconv } from './iconv';

const op = (cin: number, cout: number, kernel: number, clip: number, lo = 0, hi = 127): OpOf<'checkerboard_iconv2d'> => ({
  op: 'checkerboard_iconv2d',
  weight: 'w',
  bias: 'b',
  divisor: 'd',
  kernel,
  stride: 1,
  padding: kernel >> 1,
  cin,
  cout,
  lo,
  hi,
  clip,
});

function run(o: OpOf<'checkerboard_iconv2d'>, weight: ArrayLike<number>, bias: ArrayLike<number>, divisor: ArrayLike<number>, x: Int32Array, h: number, w: number) {
  const t = new TensorMap().set('w', 'i8', [o.cout, o.cin, o.kernel, o.kernel], weight).set('b', 'i32', [o.cout], bias).set('d', 'i32', [o.cout], divisor);
  return iconv(x, [o.cin, h, w], checkerboardParamsOf(o, t));
}

describe('checkerboard_iconv2d on the CPU', () => {
  it('a worked example: reads the anchors of its window only, writes the non-anchors only', () => {
    // 1 channel, 3×3 image, 3×3 kernel of ones, bias 0, divisor 1, clip 6:
    //   x = [[1, 100, 2], [200, 3, 300], [4, 400, 6]]  (anchors: 1, 2, 3, 4, 6 — 100 … 400 are never read)
    // (0,1): anchors in its window (0,0) (0,2) (1,1) → 1 + 2 + 3 = 6;  (1,0): (0,0) (1,1) (2,0) → 1 + 3 + 4 = 8
    // (1,2): (0,2) (1,1) (2,2) → 2 + 3 + 6 = 11;  (2,1): (1,1) (2,0) (2,2) → 3 + 4 + 6 = 13; anchors → 0
    // with clip 2 every read value is clamped to ≤ 2: (0,1) → 1 + 2 + 2 = 5 …
    const x = Int32Array.from([1, 100, 2, 200, 3, 300, 4, 400, 6]);
    const ones = new Array(9).fill(1);
    expect(Array.from(run(op(1, 1, 3, 6), ones, [0], [1], x, 3, 3).data)).toEqual([0, 6, 0, 8, 0, 11, 0, 13, 0]);
    expect(Array.from(run(op(1, 1, 3, 2), ones, [0], [1], x, 3, 3).data)).toEqual([0, 5, 0, 5, 0, 6, 0, 6, 0]);
    // the centre tap (ky + kx even) is ignored even where it is not 0; divisor 4 rounds (6 + 2) / 4 = 2
    const centre = [1, 1, 1, 1, 99, 1, 1, 1, 1];
    expect(Array.from(run(op(1, 1, 3, 6), centre, [0], [4], x, 3, 3).data)).toEqual([0, 2, 0, 2, 0, 3, 0, 3, 0]);
  });

  const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'checkerboard-vectors.json'), 'utf8')) as {
    cases: { cin: number; cout: number; h: number; w: number; k: number; clip: number; lo: number; hi: number; x: number[]; weight: number[]; bias: number[]; divisor: number[]; out: number[] }[];
  };
  it.each(fixture.cases.map((c, i) => [i, c] as const))('equals tools/train/intnet.py (case %i)', (_i, c) => {
    const got = run(op(c.cin, c.cout, c.k, c.clip, c.lo, c.hi), c.weight, c.bias, c.divisor, Int32Array.from(c.x), c.h, c.w);
    expect(got.shape).toEqual([c.cout, c.h, c.w]);
    expect(Array.from(got.data)).toEqual(c.out);
  });

  it.each([
    [3, 5, 7, 9, 5, 127],
    [6, 4, 1, 1, 5, 127],
    [2, 3, 4, 13, 3, 17],
    [130, 3, 3, 4, 5, 64],
    [4, 9, 10, 3, 5, 0],
  ])('equals the float64 reference: %i→%i on %i×%i, k%i, clip %i', (cin, cout, h, w, k, clip) => {
    const rand = rng(cin * 31 + cout * 7 + h * w + k);
    const o = op(cin, cout, k, clip);
    const weight = randomInt(rand, cout * cin * k * k, -127, 127);
    const bias = randomInt(rand, cout, -20000, 40000);
    const divisor = randomInt(rand, cout, 1, 3000);
    const x = randomInt(rand, cin * h * w, -250, 250);
    const got = run(o, weight, bias, divisor, x, h, w);
    const want = checkerboardConv(refTensor([cin, h, w], x), weight, bias, divisor, cout, k, { pad: k >> 1, lo: 0, hi: 127, clip });
    expect(Array.from(got.data)).toEqual(Array.from(want.data));
    if (h * w > 4) expect(new Set(got.data).size).toBeGreaterThan(2);
  });

  it('parity 1 on a generic layer (the pass-2 head) = the full layer at the non-anchors, 0 at the anchors', () => {
    const rand = rng(5);
    const [cin, cout, h, w, k] = [7, 5, 6, 9, 3];
    const p = {
      cin, cout, k, stride: 1, pad: 1,
      weight: randomInt(rand, cout * cin * k * k, -127, 127),
      bias: randomInt(rand, cout, -5000, 20000),
      divisor: randomInt(rand, cout, 1, 900),
      lo: new Int32Array(cout), hi: new Int32Array(cout).fill(63),
    };
    const x = randomInt(rand, cin * h * w, 0, 127);
    const full = iconv(x, [cin, h, w], p).data;
    const half = iconv(x, [cin, h, w], { ...p, parity: 1 }).data;
    for (let i = 0; i < full.length; i++) {
      const [yy, xx] = [Math.floor(i / w) % h, i % w];
      expect(half[i], `element ${i}`).toBe((yy + xx) % 2 === 1 ? full[i] : 0);
    }
    expect(new Set(half).size).toBeGreaterThan(3);
  });
});
