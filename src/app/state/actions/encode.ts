// One encode + decode + metrics for one setting, in a codec worker, through the result cache that sides, sweeps
// and equal-bpp searches share; a finished encode made with a curve's base settings becomes a point on it.
import { findCodec } from '../../../codecs/registry';
import { curveId, optionsKey, settingLabel } from '../../../codecs/options';
import { CodecError, type Codec, type CodecOptions, type EncodeProgress } from '../../../codecs/types';
import { CodecWorkerPool } from '../../../codecs/runtime/pool';
import { CACHE_BYTES, SWEEP_WORKERS } from '../../limits';
import { LruCache } from '../cache';
import { useLab, type Encoded, type Side, type Source } from '../lab';
import type { RdPoint } from '../rdData';

const set = useLab.setState;
const get = useLab.getState;

/** Each compare side has its own one-worker pool (aborting one side's encode terminates only its worker). */
export const sidePools: Record<Side, CodecWorkerPool> = { left: new CodecWorkerPool(), right: new CodecWorkerPool() };
/** RD sweeps and equal-bpp searches: min(4, cores) workers. */
export const sweepPool = new CodecWorkerPool({ size: SWEEP_WORKERS });
let utility: CodecWorkerPool | null = null;
/** Decoding opened files and the Resize step: one worker, ended after 5 s idle. */
export function utilPool(): CodecWorkerPool {
  return (utility ??= new CodecWorkerPool({ size: 1, idleMs: 5000 }));
}

/** Finished encodes (budget: decoded pixels dominate). */
const cache = new LruCache<Encoded>(CACHE_BYTES, (e) => e.decoded.data.byteLength + e.bytes.byteLength + (e.extras?.bitMap?.bitsPerPixel.byteLength ?? 0));

function cacheKey(sourceKey: string, codecId: string, options: CodecOptions): string {
  return `${sourceKey}|${codecId}|${optionsKey(options)}`;
}

/** The cached encode of this setting, if any. */
export function cachedEncode(src: Source, codecId: string, options: CodecOptions): Encoded | undefined {
  return cache.get(cacheKey(src.key, codecId, options));
}

/** Forgets every encode (a new image). */
export function clearEncodes(): void {
  cache.clear();
}

export const isAbort = (e: unknown): boolean => e instanceof CodecError && e.kind === 'aborted';

/** Encode + decode + metrics for one setting, from the cache when possible. */
export async function encodeJob(
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
  const r = await pool.encode({ key: src.key, image: src.image }, codec.id, options, opts);
  const result: Encoded = { codecId: codec.id, options, ...r, key, bpp: (r.bytes.length * 8) / px };
  cache.set(key, result);
  recordPoint(src, result);
  return result;
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

/** A setting's key without its quality value: the points of one curve share it. */
export function withoutQuality(codec: Codec, o: CodecOptions): string {
  const rest: Record<string, unknown> = { ...o };
  delete rest[codec.quality.key];
  return optionsKey(rest as CodecOptions);
}

/** Adds a finished encode to its codec's curve when it was made with the curve's base settings. */
function recordPoint(src: Source, e: Encoded) {
  if (get().source?.key !== src.key) return;
  const codec = findCodec(e.codecId)!;
  const curve = get().curves[curveId(codec, e.options)];
  if (!curve || curve.baseKey !== withoutQuality(codec, e.options)) return;
  const p = pointOf(codec, e);
  const points = [...curve.points.filter((x) => x.quality !== p.quality), p].sort((a, b) => a.quality - b.quality);
  set((s) => ({ curves: { ...s.curves, [curve.id]: { ...curve, points } } }));
}
