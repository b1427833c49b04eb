// Shared plumbing for the classical (@jsquash / Emscripten) codecs: timing, progress, round-trip decode and the
// mapping of wasm failures to CodecError kinds. Runs inside a codec worker.
import { CodecError, throwIfAborted, type EncodeContext, type EncodeOutput, type RgbaImage } from './types';

/** Emscripten module factory as the @jsquash glue files export it (types of the glue are not usable as-is). */
export type EmscriptenFactory<M> = (overrides: Record<string, unknown>) => Promise<M>;

/** ImageData for the glue code (same buffer, no copy); a plain object where ImageData does not exist. */
export function toImageData(image: RgbaImage): ImageData {
  if (typeof ImageData !== 'undefined') return new ImageData(image.data as Uint8ClampedArray<ArrayBuffer>, image.width, image.height);
  return image as unknown as ImageData;
}

function kindOf(e: unknown, fallback: 'encode-failed' | 'decode-failed' | 'load-failed') {
  const msg = String((e as Error)?.message ?? e);
  if (e instanceof RangeError || /out of memory|\bOOM\b|allocation failed|Cannot enlarge memory|memory access out of bounds/i.test(msg)) {
    return 'out-of-memory' as const;
  }
  return fallback;
}

/** Wraps any thrown value as a CodecError of the right kind (keeps CodecErrors as they are). */
export function asCodecError(e: unknown, fallback: 'encode-failed' | 'decode-failed' | 'load-failed', codecId: string): CodecError {
  if (e instanceof CodecError) return e;
  const kind = kindOf(e, fallback);
  const detail = String((e as Error)?.message ?? e);
  const what = kind === 'out-of-memory' ? 'ran out of memory' : fallback === 'load-failed' ? 'could not be loaded' : `failed to ${fallback.split('-')[0]}`;
  return new CodecError(kind, `${codecId}: ${what} (${detail}).`, codecId);
}

/**
 * encode → decode round trip with timings and progress: the shape every classical codec shares.
 * `encode` returns the file; `decode` turns it back into pixels (must be the same size as the input).
 */
export async function roundTrip(
  codecId: string,
  image: RgbaImage,
  ctx: EncodeContext,
  encode: () => Promise<ArrayBuffer | Uint8Array>,
  decode: (bytes: Uint8Array) => Promise<RgbaImage>,
): Promise<EncodeOutput> {
  throwIfAborted(ctx.signal, codecId);
  ctx.onProgress({ stage: 'encoding', done: 0 });
  let bytes: Uint8Array;
  const t0 = performance.now();
  try {
    const out = await encode();
    bytes = out instanceof Uint8Array ? out : new Uint8Array(out);
  } catch (e) {
    throw asCodecError(e, 'encode-failed', codecId);
  }
  const t1 = performance.now();
  if (bytes.length === 0) throw new CodecError('encode-failed', `${codecId}: the encoder returned an empty file.`, codecId);
  throwIfAborted(ctx.signal, codecId);
  ctx.onProgress({ stage: 'decoding', done: 0.85 });
  let decoded: RgbaImage;
  try {
    decoded = await decode(bytes);
  } catch (e) {
    throw asCodecError(e, 'decode-failed', codecId);
  }
  const t2 = performance.now();
  if (decoded.width !== image.width || decoded.height !== image.height) {
    throw new CodecError(
      'decode-failed',
      `${codecId}: decoded ${decoded.width}×${decoded.height}, expected ${image.width}×${image.height}.`,
      codecId,
    );
  }
  ctx.onProgress({ stage: 'done', done: 1 });
  return {
    bytes,
    decoded: { width: decoded.width, height: decoded.height, data: new Uint8ClampedArray(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength) },
    timings: { encodeMs: t1 - t0, decodeMs: t2 - t1 },
  };
}

/** Copies a view into a fresh ArrayBuffer of exactly its length (the glue decoders want an ArrayBuffer). */
export function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}
