// Bjøntegaard delta rate and delta quality (VCEG-M33), with piecewise cubic Hermite (PCHIP) interpolation as in
// current JVET/AOM practice (JVET common test conditions; AOM CTC), integrated exactly over the overlapping
// interval of the two curves.
//   BD-rate: interpolate log10(rate) as a function of quality for each curve, average the difference over the
//            overlapping quality interval: ΔR = 10^(mean(log R_test − log R_anchor)) − 1, in percent.
//            Negative = the test codec needs fewer bits for the same quality.
//   BD-quality (e.g. BD-PSNR): interpolate quality as a function of log10(rate); mean difference in dB.
import { RdLabError } from '../errors';
import { pchip, pchipIntegrate } from './pchip';

export interface RatePoint {
  /** Rate in any positive unit (bpp, bytes); only ratios matter. */
  rate: number;
  /** Quality in dB (PSNR, MS-SSIM dB…). */
  quality: number;
}

export type BdErrorKind = 'too-few-points' | 'no-overlap';

export class BdRateError extends RdLabError<BdErrorKind> {
  constructor(kind: BdErrorKind, message: string) {
    super(kind, message);
    this.name = 'BdRateError';
  }
}

/** Keeps finite points with positive rate, sorted by `key`, dropping later duplicates of the key. */
function prepare(points: readonly RatePoint[], key: 'rate' | 'quality', label: string) {
  const ok = points
    .filter((p) => Number.isFinite(p.rate) && p.rate > 0 && Number.isFinite(p.quality))
    .map((p) => ({ lr: Math.log10(p.rate), q: p.quality }))
    .sort((a, b) => (key === 'rate' ? a.lr - b.lr || a.q - b.q : a.q - b.q || a.lr - b.lr));
  const out: { lr: number; q: number }[] = [];
  for (const p of ok) {
    const prev = out[out.length - 1];
    if (prev && (key === 'rate' ? prev.lr === p.lr : prev.q === p.q)) continue;
    out.push(p);
  }
  if (out.length < 2) {
    throw new BdRateError('too-few-points', `The ${label} curve has ${out.length} usable point(s); BD needs at least 2 (4 or more recommended).`);
  }
  return out;
}

function averageGap(
  a: { x: number[]; y: number[] },
  b: { x: number[]; y: number[] },
  what: string,
  within?: readonly [number, number],
): { mean: number; lo: number; hi: number } {
  const lo = Math.max(a.x[0], b.x[0], within ? within[0] : -Infinity);
  const hi = Math.min(a.x[a.x.length - 1], b.x[b.x.length - 1], within ? within[1] : Infinity);
  if (!(hi > lo)) throw new BdRateError('no-overlap', `The two curves do not overlap in ${what}.`);
  const ia = pchipIntegrate(pchip(a.x, a.y), lo, hi);
  const ib = pchipIntegrate(pchip(b.x, b.y), lo, hi);
  return { mean: (ib - ia) / (hi - lo), lo, hi };
}

export interface BdResult {
  value: number;
  /** The interval the average was taken over (quality in dB for BD-rate, log10 rate for BD-quality). */
  interval: [number, number];
}

/** BD-rate of `test` against `anchor`, in percent (−20 means 20 % fewer bits at equal quality); `within`: average
 * over this quality interval only (intersected with the overlap), e.g. one band of it. */
export function bdRate(anchor: readonly RatePoint[], test: readonly RatePoint[], within?: readonly [number, number]): BdResult {
  const A = prepare(anchor, 'quality', 'anchor');
  const B = prepare(test, 'quality', 'test');
  const g = averageGap({ x: A.map((p) => p.q), y: A.map((p) => p.lr) }, { x: B.map((p) => p.q), y: B.map((p) => p.lr) }, 'quality', within);
  return { value: (10 ** g.mean - 1) * 100, interval: [g.lo, g.hi] };
}

/** BD-quality (BD-PSNR when the quality is PSNR) of `test` against `anchor`, in dB (positive = better). */
export function bdQuality(anchor: readonly RatePoint[], test: readonly RatePoint[]): BdResult {
  const A = prepare(anchor, 'rate', 'anchor');
  const B = prepare(test, 'rate', 'test');
  const g = averageGap({ x: A.map((p) => p.lr), y: A.map((p) => p.q) }, { x: B.map((p) => p.lr), y: B.map((p) => p.q) }, 'rate');
  return { value: g.mean, interval: [g.lo, g.hi] };
}

/** Same as bdRate/bdQuality but returns the reason instead of throwing (for tables). */
export function tryBd(
  fn: typeof bdRate,
  anchor: readonly RatePoint[],
  test: readonly RatePoint[],
  within?: readonly [number, number],
): { ok: true; result: BdResult } | { ok: false; kind: BdErrorKind; message: string } {
  try {
    return { ok: true, result: fn(anchor, test, within) };
  } catch (e) {
    if (e instanceof BdRateError) return { ok: false, kind: e.kind, message: e.message };
    throw e;
  }
}
