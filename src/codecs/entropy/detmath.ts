// Deterministic float64 special functions for building Gaussian CDF tables.
//
// Every function here uses only IEEE-754 double +, −, ×, ÷, comparisons and Math.floor/Math.ceil (all exact or
// correctly rounded in every language), never Math.exp/Math.log: those come from different libm
// implementations in V8 (fdlibm port) and CPython (the platform libm) and may differ in the last bit. A line-by-
// line port (docs/entropy-coding.md §3, e.g. to Python floats) therefore produces the same bits. Do not let a
// compiler fuse a*b+c into an FMA in a port (C/C++: -ffp-contract=off); JavaScript and CPython never fuse.
//
// Accuracy (checked against mpmath in detmath.test.ts's known-answer vectors): detExp ≤ 2e-16 relative on
// [−708, 708]; erfc ≤ 3e-14 relative on [−∞, 27] (worst just below the series/fraction split at 1.5); both are far below the 2^-16 quantization of the tables.

import { EntropyError } from './errors';

export const LOG2E = 1.4426950408889634;
/** ln 2 split so that k·LN2_HI is exact for |k| < 2^20 (LN2_HI has 32 trailing zero bits). */
export const LN2_HI = 0.6931471803691238; // 0x1.62e42fee00000p-1
export const LN2_LO = 1.9082149292705877e-10;
export const TWO_OVER_SQRT_PI = 1.1283791670955126;
export const ONE_OVER_SQRT_PI = 0.5641895835477563;
export const SQRT1_2 = 0.7071067811865476;

/** Number of Taylor terms of e^r, |r| ≤ ln2/2 (truncation error < 1e-17). */
export const EXP_TERMS = 14;
/** erfc uses the power series below this argument and the continued fraction at or above it. */
export const ERFC_SPLIT = 1.5;
/** Terms of the erf power series (x < 1.5: the omitted tail is < 1e-30 of the sum). */
export const ERF_SERIES_TERMS = 60;
/** Depth of the erfc continued fraction (x ≥ 1.5: converged to < 1e-15). */
export const ERFC_CF_DEPTH = 120;

/** 2^k for an integer k in [−1074, 1023], exactly, by binary exponentiation of exact powers of two. */
export function pow2(k: number): number {
  let b = k >= 0 ? 2 : 0.5;
  let n = k >= 0 ? k : -k;
  let r = 1;
  while (n > 0) {
    if (n % 2 === 1) r = r * b;
    b = b * b;
    n = Math.floor(n / 2);
  }
  return r;
}

/**
 * e^x from +, −, ×, ÷ only: x = k·ln2 + r with k = floor(x·log2e + 1/2), r by Cody–Waite reduction, e^r by a
 * 14-term Horner-evaluated Taylor polynomial, times 2^k. Returns 0 below −745 and +Infinity above 709.78.
 */
export function detExp(x: number): number {
  if (x !== x) return NaN;
  if (x < -745) return 0;
  if (x > 709.782712893384) return Infinity;
  const k = Math.floor(x * LOG2E + 0.5);
  const r = x - k * LN2_HI - k * LN2_LO;
  let p = 1;
  for (let n = EXP_TERMS; n >= 1; n--) p = 1 + (r * p) / n;
  // Split the scaling so that 2^k never overflows before the product (k ≤ 1024 here).
  if (k > 1000) return p * pow2(k - 1000) * pow2(1000);
  if (k < -1000) return p * pow2(k + 1000) * pow2(-1000);
  return p * pow2(k);
}

/**
 * Complementary error function.
 *  x < 0:        2 − erfc(−x)
 *  0 ≤ x < 1.5:  1 − (2/√π)·e^{−x²}·Σ_{n=0}^{60} x·(2x²)^n / (1·3·5···(2n+1))   (all terms positive)
 *  x ≥ 1.5:      e^{−x²}/√π / (x + (1/2)/(x + (2/2)/(x + (3/2)/(x + …))))          (depth 120, evaluated backwards)
 */
export function erfc(x: number): number {
  if (x !== x) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < ERFC_SPLIT) {
    const x2 = x * x;
    const twoX2 = x2 + x2;
    let t = x;
    let s = x;
    for (let n = 1; n <= ERF_SERIES_TERMS; n++) {
      t = (t * twoX2) / (2 * n + 1);
      s = s + t;
    }
    return 1 - TWO_OVER_SQRT_PI * detExp(-x2) * s;
  }
  if (x > 27) return 0; // e^{−729} underflows: the true value is < 1e-318
  let f = x;
  for (let k = ERFC_CF_DEPTH; k >= 1; k--) f = x + (k * 0.5) / f;
  return (detExp(-(x * x)) * ONE_OVER_SQRT_PI) / f;
}

/** Standard normal CDF Φ(t) = ½·erfc(−t/√2). */
export function normalCdf(t: number): number {
  return 0.5 * erfc(-t * SQRT1_2);
}

/**
 * m = −Φ⁻¹(q) for 0 < q < ½, by bisection on [0, 64]: 200 halvings (the interval stops shrinking after about
 * 60, so the loop only fixes the count), keeping lo with Φ(−lo) > q and hi with Φ(−hi) ≤ q; returns hi.
 */
export function normalUpperQuantile(q: number): number {
  if (!(q > 0 && q < 0.5)) {
    throw new EntropyError('invalid-argument', `normalUpperQuantile needs 0 < q < 0.5, got ${q}.`);
  }
  let lo = 0;
  let hi = 64;
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (normalCdf(-mid) > q) lo = mid;
    else hi = mid;
  }
  return hi;
}
