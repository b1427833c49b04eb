// The RD chart's geometry. The bpp axis ticks: round steps on a linear axis (0, 0.5, 1, …), powers of two on a log
// axis (… 0.125, 0.25, 0.5, 1, 2, 4 …), always spanning every point (recharts' own log ticks stopped at ~0.5 bpp
// while points ran to 4: issue 19, bug 1). And where the letters of the L / R rings go (sideLabelAt).

/** 1, 2, 2.5 or 5 × 10^k, the smallest at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0)) return 0.5;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * p;
}

/** Linear ticks 0, s, 2s, … up to the first at or above `max` (about five intervals); none for no data. */
export function linearTicks(max: number): number[] | undefined {
  if (!(max > 0)) return undefined;
  const step = niceStep(max / 5);
  return Array.from({ length: Math.ceil(max / step - 1e-9) + 1 }, (_, i) => Number((i * step).toFixed(6)));
}

/**
 * Log ticks: powers of two from the largest at or below `min` to the smallest at or above `max` (so the axis,
 * whose domain is the first and last tick, holds every point); every second power when more than 8 would show.
 */
export function logTicks(min: number, max: number): number[] | undefined {
  if (!(min > 0) || !(max >= min) || !Number.isFinite(max)) return undefined;
  const lo = Math.floor(Math.log2(min) + 1e-9);
  let hi = Math.ceil(Math.log2(max) - 1e-9);
  if (hi === lo) hi = lo + 1;
  const every = hi - lo + 1 > 8 ? 2 : 1;
  if ((hi - lo) % every) hi++;
  const out: number[] = [];
  for (let e = lo; e <= hi; e += every) out.push(2 ** e);
  return out;
}

/** Tick label: exact for powers of two (0.0625, 0.125 …), two decimals below 1 otherwise, one above. */
export function formatBppTick(v: number): string {
  if (v === 0 || (Number.isInteger(Math.log2(v)) && v < 1)) return String(v);
  return v < 1 ? v.toFixed(2) : Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/**
 * Where a side ring's letter goes. An RD curve rises to the right, so a point's neighbours lie up-right and
 * down-left of it: the letters sit on the other diagonal, L below right and R above left, so they stay clear of
 * the curve's own dots and of each other when both sides show the same point; a halo in the chart's colour keeps
 * them legible over other curves.
 */
export function sideLabelAt(side: 'L' | 'R', cx: number, cy: number): { x: number; y: number; textAnchor: 'start' | 'end' } {
  return side === 'L' ? { x: cx + 8, y: cy + 17, textAnchor: 'start' } : { x: cx - 8, y: cy - 9, textAnchor: 'end' };
}
