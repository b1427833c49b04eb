import { CODECS } from '../../codecs/registry';
import { CURVE_COLORS, type Scheme } from '../palette';
import type { SweepState } from '../state/lab';

// Number formatting shared by the views.
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10240 ? 2 : 1)} KiB`;
  return `${(n / 2 ** 20).toFixed(2)} MiB`;
}
export const fmtBpp = (v: number) => v.toFixed(v < 1 ? 3 : 2);
export const fmtDb = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '∞');
export function fmtMs(v: number): string {
  if (v >= 10_000) return `${(v / 1000).toFixed(1)} s`;
  return `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ms`;
}
/** A duration for humans: "8 s", "1 min 20 s", "12 min". */
export function fmtDuration(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m >= 10 ? `${Math.round(s / 60)} min` : `${m} min ${s % 60} s`;
}
/**
 * A running encode's progress for humans: "analysis transform 40 %", and once it has run 2 s and is 3 % done,
 * the time so far and an estimate of the rest ("· 12 s, about 18 s left"), from the rate so far.
 */
export function progressText(p: { stage: string; done: number; leftMs?: number } | null, elapsedMs: number | null): string {
  if (!p) return 'working';
  const pct = Math.round(p.done * 100);
  let text = pct > 0 ? `${p.stage} ${pct} %` : p.stage;
  if (elapsedMs !== null && elapsedMs >= 2000) {
    text += ` · ${fmtDuration(elapsedMs)}`;
    // The codec's own estimate (a refinement's time per step) when it gives one, else elapsed time over `done`.
    if (p.leftMs !== undefined && p.done < 1) text += `, about ${fmtDuration(p.leftMs)} left`;
    else if (p.done >= 0.03 && p.done < 1) text += `, about ${fmtDuration((elapsedMs * (1 - p.done)) / p.done)} left`;
  }
  return text;
}
/** Rough time left of a running sweep: the time per fresh (uncached) encode so far × those still to come. */
export function sweepTimeLeftMs(s: Pick<SweepState, 'done' | 'total' | 'cached' | 'startedAt'>, now = performance.now()): number | null {
  const fresh = s.done - Math.min(s.cached, s.done);
  if (fresh < 1) return null;
  return ((now - s.startedAt) / fresh) * (s.total - s.done);
}

/**
 * The sweep bar's words. Running: "7/20 points · 35 %", then what is loading ("· loading Mean-scale…") or, once
 * a fresh encode has finished, the time left. Done: how many encodes took how long on how many workers and what
 * came from the cache; cancelled: where it stopped; before any sweep: what a sweep does.
 */
export function sweepStatusText(s: SweepState, workers: number, now = performance.now()): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (s.running) {
    const pct = s.total ? Math.round((s.done / s.total) * 100) : 0;
    const left = sweepTimeLeftMs(s, now);
    const tail = s.loading.length > 0 ? ` · loading ${s.loading.join(', ')}…` : left !== null ? ` · about ${fmtDuration(left)} left` : '';
    return `${s.done}/${s.total} points · ${pct}%${tail}`;
  }
  if (s.elapsedMs !== null) {
    const fresh = s.total - s.cached;
    const what =
      fresh === 0
        ? `${plural(s.total, 'point')} from cache (nothing to encode)`
        : `${plural(fresh, 'encode')} in ${fmtMs(s.elapsedMs)} on ${plural(workers, 'worker')}${s.cached ? ` · ${s.cached} from cache` : ''}`;
    return what + (s.failed ? ` · ${s.failed} failed` : '');
  }
  if (s.total > 0) return `cancelled at ${s.done}/${s.total}`;
  return 'each codec over its quality range';
}
export const fmtMsssim = (v: number) => v.toFixed(4);
export const fmtSigned = (v: number, digits = 1) => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(digits)}`;

/** A codec's colour in a colour scheme (../palette.ts): fixed for the classical four, else by its position in the
 * registry (stable while toggling). */
export function codecColor(id: string, scheme: Scheme): string {
  const { fixed, extra } = CURVE_COLORS[scheme];
  if (fixed[id]) return fixed[id];
  const i = CODECS.filter((c) => !fixed[c.id]).findIndex((c) => c.id === id);
  return extra[Math.max(0, i) % extra.length];
}
export function importedColor(index: number, scheme: Scheme): string {
  const { imported } = CURVE_COLORS[scheme];
  return imported[index % imported.length];
}
