// Test helpers shared by the unit and GPU tests: seeded random tensors and a tolerance check that reports the
// worst element. Tolerances are |got − ref| ≤ atol + rtol·|ref| per element (stated per op in src/gpu/README.md).

import type { Op } from '../oplist';
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
 * Weight tensors by name for op lists (src/gpu/oplist.ts OpWeights, and the raw bytes the ONNX builder reads): the
 * test side of a model package.
 */
export class TensorMap {
  private readonly t = new Map<string, { dtype: 'f32' | 'i8' | 'i32'; shape: number[]; data: Float32Array | Int32Array }>();
  set(name: string, dtype: 'f32' | 'i8' | 'i32', shape: number[], data: ArrayLike<number>): this {
    this.t.set(name, { dtype, shape, data: dtype === 'f32' ? Float32Array.from(data) : Int32Array.from(data) });
    return this;
  }
  private get(name: string) {
    const e = this.t.get(name);
    if (!e) throw new Error(`no tensor ${name}`);
    return e;
  }
  f32(name: string): Float32Array {
    const e = this.get(name);
    if (e.dtype !== 'f32') throw new Error(`${name} is ${e.dtype}`);
    return e.data as Float32Array;
  }
  i32(name: string): Int32Array {
    const e = this.get(name);
    if (e.dtype === 'f32') throw new Error(`${name} is f32`);
    return e.data as Int32Array;
  }
  /** Stored bytes, little-endian, as a model package holds them. */
  raw(name: string): { entry: { dtype: 'f32' | 'i8' | 'i32'; shape: number[] }; bytes: Uint8Array } {
    const e = this.get(name);
    const bytes = e.dtype === 'i8' ? new Uint8Array(Int8Array.from(e.data).buffer) : new Uint8Array(e.data.buffer.slice(0));
    return { entry: { dtype: e.dtype, shape: e.shape }, bytes };
  }
}

/**
 * Random weights for every tensor an op list names, with trained-model-like ranges: conv weights U(±1/√fan_in),
 * biases U(±0.1), GDN β ∈ [0.5, 1.5], γ ∈ [0, 0.05] off-diagonal and [0.1, 0.6] on it; integer layers: int8 weights,
 * biases in ±200, divisors in [40, 400) (outputs then spread over the clamp range).
 */
export function randomOpWeights(ops: readonly Op[], rand: () => number, into = new TensorMap()): TensorMap {
  const u = (n: number, lo: number, hi: number) => Array.from({ length: n }, () => lo + (hi - lo) * rand());
  const int = (n: number, lo: number, hi: number) => Array.from({ length: n }, () => Math.floor(lo + (hi - lo) * rand()));
  for (const op of ops) {
    if (op.op === 'conv2d') {
      const a = 1 / Math.sqrt(op.cin * op.kernel * op.kernel);
      into.set(op.weight, 'f32', [op.cout, op.cin, op.kernel, op.kernel], u(op.cout * op.cin * op.kernel * op.kernel, -a, a));
      into.set(op.bias, 'f32', [op.cout], u(op.cout, -0.1, 0.1));
    } else if (op.op === 'gdn' || op.op === 'igdn') {
      const C = op.channels;
      into.set(op.beta, 'f32', [C], u(C, 0.5, 1.5));
      into.set(op.gamma, 'f32', [C, C], Array.from({ length: C * C }, (_, k) => (Math.floor(k / C) === k % C ? 0.1 + 0.5 * rand() : 0.05 * rand())));
    } else if (op.op === 'iconv2d' || op.op === 'checkerboard_iconv2d') {
      into.set(op.weight, 'i8', [op.cout, op.cin, op.kernel, op.kernel], int(op.cout * op.cin * op.kernel * op.kernel, -127, 128));
      into.set(op.bias, 'i32', [op.cout], int(op.cout, -200, 200));
      into.set(op.divisor, 'i32', [op.cout], int(op.cout, 40, 400));
    }
  }
  return into;
}
