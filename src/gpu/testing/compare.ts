// Test helpers shared by the unit and GPU tests: seeded random tensors and a tolerance check that reports the
// worst element. Tolerances are |got − ref| ≤ atol + rtol·|ref| per element (stated per op in src/gpu/README.md).

/** Deterministic PRNG (mulberry32) so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n values uniform in [lo, hi), rounded to binary32 (so the GPU and the reference see the same inputs). */
export function randomF32(rand: () => number, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
  return a;
}

/** n integers uniform in [lo, hi]. */
export function randomInt(rand: () => number, n: number, lo: number, hi: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + Math.floor((hi - lo + 1) * rand());
  return a;
}

export interface Tolerance {
  atol: number;
  rtol: number;
}

export interface CloseReport {
  ok: boolean;
  /** max over elements of |got − ref| / (atol + rtol·|ref|); ≤ 1 passes. */
  worstRatio: number;
  maxAbsErr: number;
  worstIndex: number;
  message: string;
}

export function compareClose(got: ArrayLike<number>, ref: ArrayLike<number>, tol: Tolerance): CloseReport {
  if (got.length !== ref.length) {
    return { ok: false, worstRatio: Infinity, maxAbsErr: Infinity, worstIndex: -1, message: `length ${got.length} ≠ ${ref.length}` };
  }
  let worstRatio = 0;
  let maxAbsErr = 0;
  let worstIndex = -1;
  for (let i = 0; i < ref.length; i++) {
    const e = Math.abs(got[i] - ref[i]);
    const r = Number.isNaN(e) ? Infinity : e / (tol.atol + tol.rtol * Math.abs(ref[i]));
    if (e > maxAbsErr || Number.isNaN(e)) maxAbsErr = Number.isNaN(e) ? Infinity : e;
    if (r > worstRatio || worstIndex < 0) {
      worstRatio = r;
      worstIndex = i;
    }
  }
  const ok = worstRatio <= 1;
  const message = `max |err| ${maxAbsErr.toExponential(3)}, worst ratio ${worstRatio.toFixed(3)} at [${worstIndex}] (got ${got[worstIndex]}, ref ${ref[worstIndex]}; atol ${tol.atol}, rtol ${tol.rtol})`;
  return { ok, worstRatio, maxAbsErr, worstIndex, message };
}

/** Index of the first differing element, or −1 when equal (exact integer comparisons). */
export function firstMismatch(got: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (got.length !== ref.length) return 0;
  for (let i = 0; i < ref.length; i++) if (got[i] !== ref[i]) return i;
  return -1;
}
