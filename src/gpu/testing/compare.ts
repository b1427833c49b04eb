// Test helpers shared by the unit and GPU tests: seeded random tensors and a tolerance check that reports the
// worst element. Tolerances are |got − ref| ≤ atol + rtol·|ref| per element (stated per op in src/gpu/README.md).

import { randInt } from '../../testing/random';

/** Deterministic PRNG (mulberry32, src/testing/random.ts) so failures reproduce. */
export { mulberry32 as rng } from '../../testing/random';

/** n values uniform in [lo, hi), rounded to binary32 (so the GPU and the reference see the same inputs). */
export function randomF32(rand: () => number, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
  return a;
}

/** n integers uniform in [lo, hi]. */
export function randomInt(rand: () => number, n: number, lo: number, hi: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = randInt(rand, lo, hi);
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
    const r = Number.isNaN(e) ? Infinity : e === 0 ? 0 : e / (tol.atol + tol.rtol * Math.abs(ref[i]));
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

/**
 * A random float32 weight blob for `specs` (network.ts order) with trained-model-like ranges: conv weights
 * U(±1/√fan_in), biases U(±0.1), GDN β ∈ [0.5, 1.5], γ ∈ [0, 0.05] off-diagonal and [0.1, 0.6] on it.
 */
export function randomWeights(specs: readonly import('../network').LayerSpec[], rand: () => number): Float32Array {
  const parts: number[] = [];
  const push = (n: number, lo: number, hi: number) => {
    for (let i = 0; i < n; i++) parts.push(lo + (hi - lo) * rand());
  };
  for (const s of specs) {
    if (s.op === 'conv2d' || s.op === 'convTranspose2d') {
      const fan = (s.op === 'conv2d' ? s.cin : s.cin / 4) * s.k * s.k;
      const a = 1 / Math.sqrt(fan);
      push(s.cin * s.cout * s.k * s.k, -a, a);
      if (s.bias !== false) push(s.cout, -0.1, 0.1);
    } else if (s.op === 'gdn' || s.op === 'igdn') {
      push(s.channels, 0.5, 1.5);
      for (let i = 0; i < s.channels; i++) for (let j = 0; j < s.channels; j++) parts.push(i === j ? 0.1 + 0.5 * rand() : 0.05 * rand());
    }
  }
  return Float32Array.from(parts);
}
