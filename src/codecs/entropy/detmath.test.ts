import { describe, expect, it } from 'vitest';
import { detExp, erfc, normalCdf, normalUpperQuantile, pow2 } from './detmath';
import { EntropyError } from './errors';

// Known-answer vectors: mpmath 1.3 at 40 significant digits (independent arbitrary-precision oracle).
const ERFC: [number, number][] = [
  [-6.5, 2.0],
  [-3.0, 1.9999779095030014146],
  [-1.4999, 1.9660932516622952706],
  [-0.5, 1.5204998778130465377],
  [-0.001, 1.0011283787909692364],
  [0.0, 1.0],
  [1e-8, 0.99999998871620832904],
  [0.1, 0.8875370839817151016],
  [0.5, 0.47950012218695346232],
  [1.0, 0.15729920705028513066],
  [1.4999999, 0.033894865417719986194],
  [1.5, 0.033894853524689272933],
  [1.75, 0.013328328780817556228],
  [2.0, 0.0046777349810472658379],
  [2.5, 0.00040695201744495893956],
  [3.0, 0.000022090496998585441373],
  [4.0, 1.5417257900280018852e-8],
  [5.5, 7.3578479179743980631e-15],
  [7.0, 4.1838256077794143986e-23],
  [8.5, 2.7623240713337714461e-33],
  [10.0, 2.088487583762544757e-45],
  [15.0, 7.2129941724512066666e-100],
  [26.0, 5.6631924088561428465e-296],
];

const EXP: [number, number][] = [
  [-700.5, 5.9801961186397912064e-305],
  [-100.0, 3.720075976020835963e-44],
  [-37.25, 6.6455441729150705396e-17],
  [-1.0, 0.3678794411714423216],
  [-0.34657359, 0.70710678138451809635],
  [-1e-10, 0.9999999999],
  [0.0, 1.0],
  [1e-10, 1.0000000001],
  [0.5, 1.6487212707001281468],
  [0.693147, 1.9999996388801418983],
  [1.0, 2.7182818284590452354],
  [10.0, 22026.465794806716517],
  [88.7, 3.3259869802505790386e38],
  [300.25, 2.4941248615349212861e130],
  [709.0, 8.2184074615549721892e307],
];

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('deterministic special functions', () => {
  it('erfc matches mpmath to 3e-14 relative over its whole range', () => {
    for (const [x, want] of ERFC) expect(rel(erfc(x), want), `erfc(${x})`).toBeLessThan(3e-14);
  });

  it('detExp matches mpmath to 3e-16 relative and handles the ends of its domain', () => {
    for (const [x, want] of EXP) expect(rel(detExp(x), want), `exp(${x})`).toBeLessThan(3e-16);
    expect(detExp(-746)).toBe(0);
    expect(detExp(710)).toBe(Infinity);
    expect(detExp(-744)).toBeGreaterThan(0); // subnormal, still representable
    expect(Number.isNaN(detExp(NaN))).toBe(true);
  });

  it('detExp agrees with Math.exp to a few ulps on a dense grid (a second, independent implementation)', () => {
    let worst = 0;
    for (let i = 0; i <= 20000; i++) {
      const x = -700 + (1400 * i) / 20000;
      worst = Math.max(worst, rel(detExp(x), Math.exp(x)));
    }
    expect(worst).toBeLessThan(1e-15);
  });

  it('pow2 is exact, subnormals included', () => {
    for (let k = -1074; k <= 1023; k += 7) expect(pow2(k)).toBe(2 ** k);
    expect(pow2(-1074)).toBe(5e-324);
    expect(pow2(1023)).toBe(2 ** 1023);
  });

  it('normalCdf and its upper quantile match mpmath', () => {
    expect(rel(normalCdf(-4.5), 3.3976731247300604017e-6)).toBeLessThan(1e-13);
    expect(rel(normalCdf(0.3), 0.61791142218895263307)).toBeLessThan(1e-15);
    // CompressAI's multiplier −Φ⁻¹(1e-9 / 2) = 6.109410204869397139935…
    expect(Math.abs(normalUpperQuantile(5e-10) - 6.109410204869397)).toBeLessThan(1e-13);
    expect(() => normalUpperQuantile(0.5)).toThrow(EntropyError);
    expect(() => normalUpperQuantile(0)).toThrow(EntropyError);
  });
});
