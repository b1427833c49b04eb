// pmf → quantized CDF (docs/entropy-coding.md §2.2). Rate-aware: round, force every bin to ≥ 1, then fix the
// total one unit at a time, always taking from the bin where a unit costs least / giving to the bin where it
// saves most (keys use only ×, ÷, −, + so a port is bit-identical; ties go to the smallest bin index).

import { EntropyError } from './errors';

/** Largest supported precision; the coder is built for exactly 16 (see constants in rans.ts). */
export const MAX_PRECISION = 16;

/**
 * Quantizes `pmf` (n ≥ 2 non-negative finite numbers, not necessarily normalized, the last entry being the
 * escape/tail bin) to integer frequencies ≥ 1 summing to exactly 2^precision, and returns the CDF
 * (n + 1 entries: 0, f0, f0+f1, …, 2^precision) as an Int32Array.
 */
export function pmfToQuantizedCdf(pmf: ArrayLike<number>, precision: number): Int32Array {
  if (!Number.isInteger(precision) || precision < 1 || precision > MAX_PRECISION) {
    throw new EntropyError('invalid-argument', `precision must be an integer in [1, ${MAX_PRECISION}], got ${precision}.`);
  }
  const total = 2 ** precision;
  const n = pmf.length;
  if (n < 2 || n > total) {
    throw new EntropyError(
      'invalid-argument',
      `a pmf needs between 2 and 2^${precision} = ${total} entries (in-range bins + the escape bin), got ${n}.`,
    );
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = pmf[i];
    if (!(p >= 0) || p === Infinity) {
      throw new EntropyError('invalid-argument', `pmf[${i}] = ${p}: every probability must be finite and ≥ 0.`);
    }
    sum += p;
  }
  if (!(sum > 0) || sum === Infinity) {
    throw new EntropyError('invalid-argument', `the pmf sums to ${sum}; it must have a finite positive sum.`);
  }

  const f = new Int32Array(n);
  let assigned = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.floor((pmf[i] * total) / sum + 0.5);
    f[i] = v < 1 ? 1 : v;
    assigned += f[i];
  }

  let excess = assigned - total;
  if (excess > 0) {
    // Take one unit at a time from the bin with f ≥ 2 of smallest cost key p/(f − ½).
    const heap = new BinaryHeap(n, (i) => pmf[i] / (f[i] - 0.5), false);
    for (let i = 0; i < n; i++) if (f[i] >= 2) heap.push(i);
    while (excess > 0) {
      const i = heap.pop();
      f[i] -= 1;
      excess -= 1;
      if (f[i] >= 2) heap.push(i);
    }
  } else if (excess < 0) {
    // Give one unit at a time to the bin of largest gain key p/(f + ½).
    const heap = new BinaryHeap(n, (i) => pmf[i] / (f[i] + 0.5), true);
    for (let i = 0; i < n; i++) heap.push(i);
    while (excess < 0) {
      const i = heap.pop();
      f[i] += 1;
      excess += 1;
      heap.push(i);
    }
  }

  const cdf = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) cdf[i + 1] = cdf[i] + f[i];
  return cdf;
}

/**
 * Binary heap of bin indices ordered by a key computed when an index is pushed (the key of an index never
 * changes while it is inside). `max` = largest key first. Ties: the smaller index first — together this is a
 * total order, so the popped index is unique whatever the heap's internal layout (a Python heapq of
 * (key, i) / (−key, i) tuples pops the same sequence).
 */
class BinaryHeap {
  private readonly items: Int32Array;
  private readonly keys: Float64Array;
  private size = 0;
  constructor(
    capacity: number,
    private readonly keyOf: (i: number) => number,
    private readonly max: boolean,
  ) {
    this.items = new Int32Array(capacity);
    this.keys = new Float64Array(capacity);
  }

  private before(a: number, b: number): boolean {
    const ka = this.keys[a];
    const kb = this.keys[b];
    if (ka !== kb) return this.max ? ka > kb : ka < kb;
    return this.items[a] < this.items[b];
  }

  private swap(a: number, b: number): void {
    const it = this.items[a];
    this.items[a] = this.items[b];
    this.items[b] = it;
    const k = this.keys[a];
    this.keys[a] = this.keys[b];
    this.keys[b] = k;
  }

  push(i: number): void {
    let c = this.size++;
    this.items[c] = i;
    this.keys[c] = this.keyOf(i);
    while (c > 0) {
      const parent = (c - 1) >> 1;
      if (!this.before(c, parent)) break;
      this.swap(c, parent);
      c = parent;
    }
  }

  pop(): number {
    const top = this.items[0];
    this.size--;
    if (this.size > 0) {
      this.items[0] = this.items[this.size];
      this.keys[0] = this.keys[this.size];
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= this.size) break;
        const r = l + 1;
        const best = r < this.size && this.before(r, l) ? r : l;
        if (!this.before(best, c)) break;
        this.swap(best, c);
        c = best;
      }
    }
    return top;
  }
}
