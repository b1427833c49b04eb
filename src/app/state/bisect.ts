// Equal-bpp search: the setting of a codec's quality axis that lands closest to a target rate from below,
// by bisection over the axis's step grid (the rate is assumed monotone in the setting).
import type { NumberOptionSpec } from '../../codecs/types';

export interface BisectResult {
  /** The chosen setting. */
  value: number;
  /** Its rate. */
  rate: number;
  /** False when even the lowest-rate setting exceeds the target (the result is that setting). */
  reached: boolean;
  /** Every (setting, rate) probed, in order. */
  probes: { value: number; rate: number }[];
}

/**
 * Largest-rate setting whose rate ≤ target. `higherIsMoreBits` says which end of the axis is cheap.
 * Uses ⌈log2(grid size + 1)⌉ + 1 probes at most; `probe` may be cached by the caller.
 */
export async function bisectForRate(
  spec: Pick<NumberOptionSpec, 'min' | 'max' | 'step'>,
  higherIsMoreBits: boolean,
  target: number,
  probe: (value: number) => Promise<number>,
  signal?: AbortSignal,
): Promise<BisectResult> {
  const steps = Math.round((spec.max - spec.min) / spec.step);
  const dec = (String(spec.step).split('.')[1] ?? '').length;
  // Index i = 0 is the cheapest setting, i = steps the most expensive.
  const valueAt = (i: number) => Number((higherIsMoreBits ? spec.min + i * spec.step : spec.max - i * spec.step).toFixed(dec));
  const probes: { value: number; rate: number }[] = [];
  const seen = new Map<number, number>();
  const rateAt = async (i: number) => {
    if (seen.has(i)) return seen.get(i)!;
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    const v = valueAt(i);
    const r = await probe(v);
    probes.push({ value: v, rate: r });
    seen.set(i, r);
    return r;
  };
  // Invariant: rate(lo) ≤ target < rate(hi), with lo = −1 and hi = steps + 1 as virtual sentinels.
  let lo = -1;
  let hi = steps + 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((await rateAt(mid)) <= target) lo = mid;
    else hi = mid;
  }
  if (lo < 0) {
    const r = await rateAt(0);
    return { value: valueAt(0), rate: r, reached: false, probes };
  }
  return { value: valueAt(lo), rate: await rateAt(lo), reached: true, probes };
}
