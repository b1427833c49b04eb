// The playground's work: opening images, encoding each compare side (debounced, cancellable), RD sweeps,
// equal-bpp searches, imports. Everything heavy runs in codec workers; this module only orchestrates.
import { CODECS, findCodec } from '../../codecs/registry';
import { optionsKey, qualitySpec, resolveOptions, settingLabel } from '../../codecs/options';
import { CodecError, type Codec, type CodecImplementation, type CodecOptions, type EncodeProgress } from '../../codecs/types';
import { CodecWorkerPool } from '../../codecs/runtime/pool';
import { ImageInputError } from '../input/errors';
import { loadImageFile } from '../input/loadImage';
import { sampleUrl, SAMPLES, type Sample } from '../input/samples';
import { bisectForRate } from './bisect';
import { LruCache } from './cache';
import { initialResize, useLab, type Curve, type Encoded, type EqualBppResult, type Side, type Source } from './lab';
import { checkTarget, describeResize, ResizeSettingError, targetSize, type ResizeSetting } from './resize';
import { parseCompressAiJson, RdImportError, type RdPoint } from './rdData';
import { encodeUrlState, type SideSetting } from './url';

const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2;
/** Sweep workers: one per core, at most 4 (each holds a copy of the image and a wasm heap). */
export const SWEEP_WORKERS = Math.max(1, Math.min(4, cores));
const SIDE_DEBOUNCE_MS = 150;

const sidePools: Record<Side, CodecWorkerPool> = { left: new CodecWorkerPool(), right: new CodecWorkerPool() };
const sweepPool = new CodecWorkerPool({ size: SWEEP_WORKERS });
let utilPool: CodecWorkerPool | null = null;

/** Finished encodes, shared by sides, sweeps and equal-bpp (budget: decoded pixels dominate). */
const cache = new LruCache<Encoded>(384 * 2 ** 20, (e) => e.decoded.data.byteLength + e.bytes.byteLength + (e.extras?.bitMap?.bitsPerPixel.byteLength ?? 0));

const set = useLab.setState;
const get = useLab.getState;

// ───────────────────────────── toasts ─────────────────────────────

let toastId = 1;
export function toast(tone: 'error' | 'info', title: string, message: string): void {
  const t = { id: toastId++, tone, title, message };
  set((s) => ({ toasts: [...s.toasts.filter((x) => x.message !== message).slice(-3), t] }));
  // Notes fade after 6 s, errors after 20 s (or when dismissed, or when another image opens).
  setTimeout(() => dismissToast(t.id), tone === 'info' ? 6000 : 20_000);
}
export function dismissToast(id: number): void {
  set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
const isAbort = (e: unknown) => e instanceof CodecError && e.kind === 'aborted';

// ───────────────────────────── encoding ─────────────────────────────

const mainImpl = new Map<string, Promise<CodecImplementation>>();

function cacheKey(sourceKey: string, codecId: string, options: CodecOptions): string {
  return `${sourceKey}|${codecId}|${optionsKey(options)}`;
}

/** Encode + decode + metrics for one setting, from the cache when possible. */
async function encodeJob(
  pool: CodecWorkerPool,
  src: Source,
  codec: Codec,
  options: CodecOptions,
  opts: { signal?: AbortSignal; onProgress?: (p: EncodeProgress) => void },
): Promise<Encoded> {
  const key = cacheKey(src.key, codec.id, options);
  const hit = cache.get(key);
  if (hit) return hit;
  const why = get().unavailable[codec.id];
  if (why) throw new CodecError('unavailable', `${codec.name} cannot run in this browser: ${why}.`, codec.id);
  const px = src.image.width * src.image.height;
  if (codec.maxPixels !== undefined && px > codec.maxPixels) {
    throw new CodecError('too-large', `${codec.name} accepts up to ${(codec.maxPixels / 1e6).toFixed(1)} MP; this image has ${(px / 1e6).toFixed(1)} MP.`, codec.id);
  }
  const source = { key: src.key, image: src.image };
  let enc: Omit<Encoded, 'key' | 'bpp'>;
  if (codec.runtime === 'main') {
    // Page-thread codecs (e.g. WebGPU) run one encode at a time, in request order.
    const turn = mainTurn;
    let release!: () => void;
    mainTurn = new Promise<void>((r) => (release = r));
    await turn;
    try {
      if (opts.signal?.aborted) throw new CodecError('aborted', 'Cancelled.', codec.id);
      enc = await encodeOnPage(pool, src, codec, options, opts);
    } finally {
      release();
    }
  } else {
    const r = await pool.encode(source, codec.id, options, opts);
    enc = { codecId: codec.id, options, ...r };
  }
  const result: Encoded = { ...enc, key, bpp: (enc.bytes.length * 8) / (src.image.width * src.image.height) };
  cache.set(key, result);
  recordPoint(src, result);
  return result;
}

let mainTurn: Promise<void> = Promise.resolve();

async function encodeOnPage(
  pool: CodecWorkerPool,
  src: Source,
  codec: Codec,
  options: CodecOptions,
  opts: { signal?: AbortSignal; onProgress?: (p: EncodeProgress) => void },
): Promise<Omit<Encoded, 'key' | 'bpp'>> {
  const source = { key: src.key, image: src.image };
  {
    let p = mainImpl.get(codec.id);
    if (!p) {
      p = codec.load();
      mainImpl.set(codec.id, p);
      p.catch(() => mainImpl.delete(codec.id));
    }
    const impl = await p;
    const out = await impl.encode(src.image, options, {
      signal: opts.signal ?? new AbortController().signal,
      onProgress: (pr) => opts.onProgress?.({ stage: pr.stage, done: pr.done * 0.8 }),
    });
    opts.onProgress?.({ stage: 'measuring quality', done: 0.8 });
    const metrics = await pool.metrics(source, out.decoded, { signal: opts.signal });
    return { codecId: codec.id, options, ...out, metrics };
  }
}

function pointOf(codec: Codec, e: Encoded): RdPoint {
  return {
    codecId: codec.id,
    quality: e.options[codec.quality.key] as number,
    setting: settingLabel(codec, e.options),
    bytes: e.bytes.length,
    bpp: e.bpp,
    psnr: e.metrics.psnr,
    msssim: e.metrics.msssim,
    encodeMs: e.timings.encodeMs,
    decodeMs: e.timings.decodeMs,
  };
}

function withoutQuality(codec: Codec, o: CodecOptions): string {
  const rest: Record<string, unknown> = { ...o };
  delete rest[codec.quality.key];
  return optionsKey(rest as CodecOptions);
}

/** Adds a finished encode to its codec's curve when it was made with the curve's base settings. */
function recordPoint(src: Source, e: Encoded) {
  if (get().source?.key !== src.key) return;
  const codec = findCodec(e.codecId)!;
  const curve = get().curves[codec.id];
  if (!curve || curve.baseKey !== withoutQuality(codec, e.options)) return;
  const p = pointOf(codec, e);
  const points = [...curve.points.filter((x) => x.quality !== p.quality), p].sort((a, b) => a.quality - b.quality);
  set((s) => ({ curves: { ...s.curves, [codec.id]: { ...curve, points } } }));
}

// ───────────────────────────── compare sides ─────────────────────────────

const sideCtl: Record<Side, AbortController | null> = { left: null, right: null };
const sideTimer: Record<Side, ReturnType<typeof setTimeout> | undefined> = { left: undefined, right: undefined };

function patchSide(side: Side, patch: Partial<ReturnType<typeof get>['sides'][Side]>) {
  set((s) => ({ sides: { ...s.sides, [side]: { ...s.sides[side], ...patch } } }));
}

/** (Re-)encodes a side for its current setting: cached → at once; otherwise after a short debounce. */
function scheduleSide(side: Side, delayMs = SIDE_DEBOUNCE_MS) {
  clearTimeout(sideTimer[side]);
  sideCtl[side]?.abort();
  sideCtl[side] = null;
  const { source: src, sides } = get();
  const setting = sides[side].setting;
  if (!src) return;
  if (setting.kind === 'original') {
    patchSide(side, { status: 'done', result: null, error: null, progress: null });
    return;
  }
  const codec = findCodec(setting.codecId);
  if (!codec) return;
  const hit = cache.get(cacheKey(src.key, codec.id, setting.options));
  if (hit) {
    patchSide(side, { status: 'done', result: hit, error: null, progress: null });
    return;
  }
  patchSide(side, { status: 'working', error: null, progress: { stage: 'queued', done: 0 } });
  sideTimer[side] = setTimeout(() => {
    const ctl = new AbortController();
    sideCtl[side] = ctl;
    patchSide(side, { startedAt: performance.now() });
    encodeJob(sidePools[side], src, codec, setting.options, {
      signal: ctl.signal,
      onProgress: (p) => !ctl.signal.aborted && patchSide(side, { progress: p }),
    }).then(
      (r) => {
        if (ctl.signal.aborted) return;
        patchSide(side, { status: 'done', result: r, progress: null });
      },
      (e) => {
        if (ctl.signal.aborted || isAbort(e)) return;
        const msg = messageOf(e);
        patchSide(side, { status: 'error', error: msg, progress: null });
        toast('error', `${codec.name} failed`, msg);
      },
    );
  }, delayMs);
}

export function setSide(side: Side, setting: SideSetting, immediate = false): void {
  patchSide(side, { setting });
  scheduleSide(side, immediate ? 0 : SIDE_DEBOUNCE_MS);
}

export function swapSides(): void {
  const { sides, bitsOverlay } = get();
  set({ sides: { left: sides.right, right: sides.left }, bitsOverlay: { left: bitsOverlay.right, right: bitsOverlay.left } });
}

/** Shows or hides the bit-allocation map over a side (only drawn while that side has one). */
export function toggleBitsOverlay(side: Side): void {
  set((s) => ({ bitsOverlay: { ...s.bitsOverlay, [side]: !s.bitsOverlay[side] } }));
}

/** Loads the encode behind an RD point into a compare side. */
export function showPoint(codecId: string, quality: number, side: Side = get().clickTarget): void {
  const codec = findCodec(codecId);
  const curve = get().curves[codecId];
  if (!codec || !curve) return;
  setSide(side, { kind: 'codec', codecId, options: { ...curve.base, [codec.quality.key]: quality } }, true);
}

// ───────────────────────────── opening images ─────────────────────────────

let sourceCounter = 0;
let openCounter = 0;

async function wasmDecode(codecId: string, bytes: Uint8Array) {
  utilPool ??= new CodecWorkerPool({ size: 1, idleMs: 5000 });
  return utilPool.decodeFile(codecId, bytes);
}

/** Makes `src` the image everything works on: cancels what ran on the previous one, re-encodes the sides,
 * sweeps again (unless `sweep` is false). */
function useSourceImage(src: Source, sweep = true) {
  cancelSweep();
  cancelEqualBpp();
  cache.clear();
  set((s) => ({
    source: src,
    curves: {},
    sides: {
      left: { ...s.sides.left, result: null, status: 'idle', error: null },
      right: { ...s.sides.right, result: null, status: 'idle', error: null },
    },
    equal: { running: false, target: null, results: [], done: 0, total: 0 },
    sweep: { ...s.sweep, running: false, done: 0, total: 0, failed: 0, cached: 0, loading: [], elapsedMs: null },
  }));
  scheduleSide('left', 0);
  scheduleSide('right', 0);
  if (sweep) startSweep();
}

/** The URL's resize applies once, to the sample the URL opens at page load; any other image opens unresized. */
let pendingUrlResize: ResizeSetting | null = initialResize;

export async function openFile(file: Blob, name: string, sampleId: string | null = null): Promise<void> {
  const ticket = ++openCounter;
  set({ loading: name });
  try {
    const loaded = await loadImageFile(file, name, wasmDecode);
    if (ticket !== openCounter) return;
    const src: Source = { key: `src-${++sourceCounter}`, ...loaded, sampleId, resizedFrom: null };
    const resize = sampleId && sampleId === initialSampleId ? pendingUrlResize : null;
    pendingUrlResize = null;
    resizeTicket++;
    set((s) => ({ original: src, resize: null, resizing: false, loading: null, toasts: s.toasts.filter((t) => t.tone !== 'error') }));
    for (const n of loaded.notes) toast('info', 'Note', n);
    // A file RD Lab decoded from its own .rdlb is already a lossy decode: not swept automatically (one click does).
    const sweep = loaded.format !== 'rdlb';
    if (resize) await setResize(resize, sweep);
    else useSourceImage(src, sweep);
  } catch (e) {
    if (ticket !== openCounter) return;
    set({ loading: null });
    const title = e instanceof ImageInputError ? (e.kind === 'too-large' ? 'Image too large' : e.kind === 'too-small' ? 'Image too small' : 'Cannot open this file') : 'Cannot open this file';
    toast('error', title, messageOf(e));
  }
}

let resizeTicket = 0;
const initialSampleId = typeof location !== 'undefined' ? new URLSearchParams(location.search).get('sample') : null;

/**
 * The Resize step: resizes the opened image (Lanczos-3, in a worker) and makes the result the image both sides,
 * the sweep, the metrics and the downloads work on; null (or the opened size) goes back to the opened image.
 * A size RD Lab could not open is refused with a message, and nothing changes.
 */
export async function setResize(setting: ResizeSetting | null, sweep = true): Promise<void> {
  const orig = get().original;
  if (!orig) return;
  const ticket = ++resizeTicket;
  const { width: ow, height: oh } = orig.image;
  const t = setting ? targetSize(setting, ow, oh) : { width: ow, height: oh };
  if (t.width === ow && t.height === oh) {
    set({ resize: null, resizing: false });
    if (get().source !== orig) useSourceImage(orig, sweep);
    return;
  }
  try {
    checkTarget(t.width, t.height);
  } catch (e) {
    if (e instanceof ResizeSettingError) return toast('error', 'Cannot resize', e.message);
    throw e;
  }
  set({ resizing: true });
  try {
    utilPool ??= new CodecWorkerPool({ size: 1, idleMs: 5000 });
    const image = await utilPool.resize(orig.image, t.width, t.height);
    if (ticket !== resizeTicket) return;
    const src: Source = { ...orig, key: `${orig.key}@${t.width}x${t.height}`, image, resizedFrom: { width: ow, height: oh } };
    set({ resize: setting, resizing: false });
    useSourceImage(src, sweep);
  } catch (e) {
    if (ticket !== resizeTicket) return;
    set({ resizing: false });
    toast('error', 'Cannot resize', `${describeResize(setting!)}: ${messageOf(e)}`);
  }
}

export async function openSample(sample: Sample): Promise<void> {
  set({ loading: sample.title });
  try {
    const res = await fetch(sampleUrl(sample));
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    await openFile(await res.blob(), sample.file, sample.id);
  } catch (e) {
    set({ loading: null });
    toast('error', 'Cannot open the sample', `${sample.title}: ${messageOf(e)}`);
  }
}

export function openSampleById(id: string): void {
  const s = SAMPLES.find((x) => x.id === id);
  if (s) void openSample(s);
}

// ───────────────────────────── RD sweep ─────────────────────────────

let sweepCtl: AbortController | null = null;

/** Options an RD sweep of `codec` uses apart from quality: those of a compare side showing it, else defaults. */
function sweepBase(codec: Codec): CodecOptions {
  const { sides } = get();
  for (const s of [sides.right, sides.left]) {
    if (s.setting.kind === 'codec' && s.setting.codecId === codec.id) return s.setting.options;
  }
  return resolveOptions(codec);
}

function ensureCurve(codec: Codec): Curve {
  const base = sweepBase(codec);
  const baseKey = withoutQuality(codec, base);
  const existing = get().curves[codec.id];
  if (existing && existing.baseKey === baseKey) return existing;
  const curve: Curve = { codecId: codec.id, base, baseKey, points: [] };
  set((s) => ({ curves: { ...s.curves, [codec.id]: curve } }));
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
  const cached = jobs.filter((j) => cache.get(cacheKey(src.key, j.codec.id, j.options))).length;
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

/** Rough time left of a running sweep: the time per fresh (uncached) encode so far × those still to come. */
export function sweepTimeLeftMs(s: { done: number; total: number; cached: number; startedAt: number }, now = performance.now()): number | null {
  const fresh = s.done - Math.min(s.cached, s.done);
  if (fresh < 1) return null;
  return ((now - s.startedAt) / fresh) * (s.total - s.done);
}

export function toggleCodec(id: string): void {
  const { selected, anchor } = get();
  const on = !selected.includes(id);
  const next = on ? [...selected, id] : selected.filter((x) => x !== id);
  const ordered = next.sort((a, b) => order(a) - order(b));
  set({ selected: ordered, anchor: ordered.includes(anchor) || anchor.startsWith('import:') ? anchor : (ordered[0] ?? anchor) });
  if (get().source && (on || get().sweep.running)) startSweep(ordered);
}

/** Registry order: the order codecs are listed in src/codecs/registry.ts. */
function order(id: string): number {
  return CODECS.findIndex((c) => c.id === id);
}

// ───────────────────────────── equal bpp ─────────────────────────────

let equalCtl: AbortController | null = null;

export function cancelEqualBpp(): void {
  equalCtl?.abort();
  equalCtl = null;
  set((s) => ({ equal: { ...s.equal, running: false } }));
}

/** Every selected codec finds, by bisection, its setting with the largest bpp ≤ target; the sides show two of them. */
export async function runEqualBpp(): Promise<void> {
  const { source: src, selected, targetBpp } = get();
  cancelEqualBpp();
  if (!src) return;
  const codecs = selected.map(findCodec).filter((c): c is Codec => !!c);
  if (codecs.length === 0) return;
  const ctl = new AbortController();
  equalCtl = ctl;
  set({ equal: { running: true, target: targetBpp, results: [], done: 0, total: codecs.length } });
  try {
    const results = await Promise.all(
      codecs.map(async (codec): Promise<EqualBppResult> => {
        const base = ensureCurve(codec).base;
        const spec = qualitySpec(codec);
        const r = await bisectForRate(
          spec,
          codec.quality.higherIsMoreBits,
          targetBpp,
          async (v) => (await encodeJob(sweepPool, src, codec, { ...base, [codec.quality.key]: v }, { signal: ctl.signal })).bpp,
          ctl.signal,
        );
        const options = { ...base, [codec.quality.key]: r.value };
        const e = await encodeJob(sweepPool, src, codec, options, { signal: ctl.signal });
        set((s) => ({ equal: { ...s.equal, done: s.equal.done + 1 } }));
        return { codecId: codec.id, options, bpp: e.bpp, psnr: e.metrics.psnr, msssim: e.metrics.msssim, reached: r.reached, probes: r.probes.length };
      }),
    );
    if (ctl.signal.aborted) return;
    equalCtl = null;
    set((s) => ({ equal: { ...s.equal, running: false, results } }));
    const [a, b] = results;
    if (b) {
      setSide('left', { kind: 'codec', codecId: a.codecId, options: a.options }, true);
      setSide('right', { kind: 'codec', codecId: b.codecId, options: b.options }, true);
    } else if (a) {
      setSide('right', { kind: 'codec', codecId: a.codecId, options: a.options }, true);
    }
  } catch (e) {
    if (ctl.signal.aborted || isAbort(e)) return;
    equalCtl = null;
    set((s) => ({ equal: { ...s.equal, running: false } }));
    toast('error', 'Equal-bpp search failed', messageOf(e));
  }
}

// ───────────────────────────── imports ─────────────────────────────

export async function importCurves(file: File): Promise<void> {
  try {
    if (file.size > 2 * 1024 * 1024) throw new RdImportError('too-large', `${file.name} is larger than 2 MiB.`);
    const curves = parseCompressAiJson(await file.text(), file.name);
    set((s) => ({ imported: [...s.imported.filter((c) => !curves.some((n) => n.id === c.id)), ...curves] }));
    toast('info', 'Imported', `${curves.length} curve${curves.length > 1 ? 's' : ''} from ${file.name}: ${curves.map((c) => c.name).join(', ')}`);
  } catch (e) {
    toast('error', 'Cannot import these curves', messageOf(e));
  }
}

export function removeImported(id: string): void {
  set((s) => ({ imported: s.imported.filter((c) => c.id !== id), anchor: s.anchor === id ? (s.selected[0] ?? 'jpeg') : s.anchor }));
}

// ───────────────────────────── availability ─────────────────────────────

/** Asks every codec with an available() check whether it can run here (e.g. learned codecs that need WebGPU). */
export async function probeCodecs(): Promise<void> {
  const results = await Promise.all(
    CODECS.filter((c) => c.available).map(async (c) => {
      try {
        const r = await c.available!();
        return [c.id, r === true ? null : r] as const;
      } catch (e) {
        return [c.id, messageOf(e)] as const;
      }
    }),
  );
  const unavailable: Record<string, string> = {};
  for (const [id, why] of results) if (why) unavailable[id] = why;
  set({ unavailable });
}

// ───────────────────────────── URL ─────────────────────────────

let urlTimer: ReturnType<typeof setTimeout> | undefined;
useLab.subscribe((s, prev) => {
  if (
    s.sides.left.setting === prev.sides.left.setting &&
    s.sides.right.setting === prev.sides.right.setting &&
    s.selected === prev.selected &&
    s.anchor === prev.anchor &&
    s.metric === prev.metric &&
    s.targetBpp === prev.targetBpp &&
    s.source === prev.source &&
    s.resize === prev.resize
  ) {
    return;
  }
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => {
    const st = get();
    const q = encodeUrlState({
      left: st.sides.left.setting,
      right: st.sides.right.setting,
      codecs: st.selected,
      anchor: st.anchor,
      metric: st.metric,
      targetBpp: st.targetBpp,
      sample: st.source?.sampleId ?? null,
      resize: st.resize,
    });
    if (q !== location.search) history.replaceState(history.state, '', q + location.hash);
  }, 200);
});
