// RD sweeps: every selected codec over its quality axis on the sweep workers, points appearing as they finish,
// with the status the RD panel shows (done / total, from cache, loading, time left); and the codec toggles.
import { CODECS, findCodec } from '../../../codecs/registry';
import { curveId, resolveOptions } from '../../../codecs/options';
import type { Codec, CodecOptions } from '../../../codecs/types';
import { messageOf } from '../../../errors';
import { useLab, type Curve } from '../lab';
import { cachedEncode, encodeJob, isAbort, sweepPool, withoutQuality } from './encode';
import { toast } from './toasts';

const set = useLab.setState;
const get = useLab.getState;

let sweepCtl: AbortController | null = null;

/** Options an RD sweep of `codec` uses apart from quality: those of a compare side showing it, else defaults. */
function sweepBase(codec: Codec): CodecOptions {
  const { sides } = get();
  for (const s of [sides.right, sides.left]) {
    if (s.setting.kind === 'codec' && s.setting.codecId === codec.id) return s.setting.options;
  }
  return resolveOptions(codec);
}

/** The codec's curve for the current base settings (a fresh, empty one when they changed). A setting with a
 * non-default curve option (Effort 200) has a curve of its own beside the codec's (curveId). */
export function ensureCurve(codec: Codec): Curve {
  const base = sweepBase(codec);
  const baseKey = withoutQuality(codec, base);
  const id = curveId(codec, base);
  const existing = get().curves[id];
  if (existing && existing.baseKey === baseKey) return existing;
  const curve: Curve = { id, codecId: codec.id, base, baseKey, points: [] };
  set((s) => ({ curves: { ...s.curves, [id]: curve } }));
  return curve;
}

export function cancelSweep(): void {
  if (!sweepCtl) return;
  sweepCtl.abort();
  sweepCtl = null;
  set((s) => ({ sweep: { ...s.sweep, running: false } }));
}

/** Sweeps each selected codec over its quality axis; points appear on the chart as they finish. */
export function startSweep(codecIds: string[] = get().selected): void {
  const src = get().source;
  cancelSweep();
  if (!src) return;
  const codecs = codecIds.map(findCodec).filter((c): c is Codec => !!c);
  if (codecs.length === 0) return;
  const ctl = new AbortController();
  sweepCtl = ctl;
  const jobs: { codec: Codec; options: CodecOptions }[] = [];
  const curves = codecs.map(ensureCurve);
  // Interleave codecs so that every curve grows from the start; go from cheap to expensive settings.
  const longest = Math.max(...codecs.map((c) => c.quality.sweep.length));
  for (let i = 0; i < longest; i++) {
    codecs.forEach((codec, ci) => {
      const q = codec.quality.sweep[i];
      if (q !== undefined) jobs.push({ codec, options: { ...curves[ci].base, [codec.quality.key]: q } });
    });
  }
  const startedAt = performance.now();
  const cached = jobs.filter((j) => cachedEncode(src, j.codec.id, j.options)).length;
  set({ sweep: { running: true, done: 0, total: jobs.length, failed: 0, cached, loading: [], codecs: codecs.map((c) => c.id), startedAt, elapsedMs: null } });
  let firstError: string | null = null;
  // Which codecs are loading (their model or wasm): every job starts with a 'loading …' stage, which lasts
  // only when the model is really being fetched and set up; those that last over 400 ms are shown.
  const loadingJobs = new Map<number, { name: string; since: number }>();
  const showLoading = () => {
    const now = performance.now();
    const names = [...new Set([...loadingJobs.values()].filter((x) => now - x.since >= 390).map((x) => x.name))];
    if (!ctl.signal.aborted && names.join() !== get().sweep.loading.join()) set((s) => ({ sweep: { ...s.sweep, loading: names } }));
  };
  const all = jobs.map((j, i) =>
    encodeJob(sweepPool, src, j.codec, j.options, {
      signal: ctl.signal,
      onProgress: (p) => {
        if (p.stage.startsWith('loading')) {
          if (!loadingJobs.has(i)) {
            loadingJobs.set(i, { name: j.codec.name, since: performance.now() });
            setTimeout(showLoading, 400);
          }
        } else if (loadingJobs.delete(i)) showLoading();
      },
    })
      .finally(() => loadingJobs.delete(i) && showLoading())
      .then(
        () => !ctl.signal.aborted && set((s) => ({ sweep: { ...s.sweep, done: s.sweep.done + 1 } })),
        (e) => {
          if (ctl.signal.aborted || isAbort(e)) return;
          firstError ??= `${j.codec.name}: ${messageOf(e)}`;
          set((s) => ({ sweep: { ...s.sweep, done: s.sweep.done + 1, failed: s.sweep.failed + 1 } }));
        },
      ),
  );
  void Promise.all(all).then(() => {
    if (ctl.signal.aborted) return;
    sweepCtl = null;
    set((s) => ({ sweep: { ...s.sweep, running: false, loading: [], elapsedMs: performance.now() - startedAt } }));
    if (firstError) toast('error', 'Some encodes failed', firstError);
  });
}

/** Registry order: the order codecs are listed in src/codecs/registry.ts. */
function order(id: string): number {
  return CODECS.findIndex((c) => c.id === id);
}

/** Puts a codec on the RD chart (and sweeps it) or takes it off. */
export function toggleCodec(id: string): void {
  const { selected, anchor } = get();
  const on = !selected.includes(id);
  const next = on ? [...selected, id] : selected.filter((x) => x !== id);
  const ordered = next.sort((a, b) => order(a) - order(b));
  set({ selected: ordered, anchor: ordered.includes(anchor) || anchor.startsWith('import:') ? anchor : (ordered[0] ?? anchor) });
  if (get().source && (on || get().sweep.running)) startSweep(ordered);
}
