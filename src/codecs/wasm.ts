// Shared plumbing for the classical (@jsquash / Emscripten) codecs: timing, progress, round-trip decode and the
// mapping of wasm failures to CodecError kinds. Runs inside a codec worker.
import { isOutOfMemory, messageOf } from '../errors';
import { CodecError, throwIfAborted, type Codec, type CodecImplementation, type CodecOptions, type EncodeContext, type EncodeOutput, type RgbaImage } from './types';
import { resolveOptions } from './options';

type Named = Pick<Codec, 'id' | 'name'>;

/** Emscripten module factory as the @jsquash glue files export it (types of the glue are not usable as-is). */
export type EmscriptenFactory<M> = (overrides: Record<string, unknown>) => Promise<M>;

/** ImageData for the glue code (same buffer, no copy); a plain object where ImageData does not exist. */
export function toImageData(image: RgbaImage): ImageData {
  if (typeof ImageData !== 'undefined') return new ImageData(image.data as Uint8ClampedArray<ArrayBuffer>, image.width, image.height);
  return image as unknown as ImageData;
}

function kindOf(e: unknown, fallback: 'encode-failed' | 'decode-failed' | 'load-failed') {
  return isOutOfMemory(e) ? ('out-of-memory' as const) : fallback;
}

/** Wraps any thrown value as a CodecError of the right kind (keeps CodecErrors as they are). */
export function asCodecError(e: unknown, fallback: 'encode-failed' | 'decode-failed' | 'load-failed', codec: Named | string): CodecError {
  if (e instanceof CodecError) return e;
  const id = typeof codec === 'string' ? codec : codec.id;
  const name = typeof codec === 'string' ? codec : codec.name;
  const kind = kindOf(e, fallback);
  const detail = messageOf(e);
  const what =
    kind === 'out-of-memory'
      ? 'ran out of memory'
      : fallback === 'load-failed'
        ? 'could not be loaded'
        : fallback === 'encode-failed'
          ? 'could not encode this image'
          : 'could not decode its own file';
  return new CodecError(kind, `${name} ${what} (${detail}).`, id);
}

/**
 * encode → decode round trip with timings and progress: the shape every classical codec shares.
 * `encode` returns the file; `decode` turns it back into pixels (must be the same size as the input).
 */
export async function roundTrip(
  codec: Named,
  image: RgbaImage,
  ctx: EncodeContext,
  encode: () => Promise<ArrayBuffer | Uint8Array>,
  decode: (bytes: Uint8Array) => Promise<RgbaImage>,
): Promise<EncodeOutput> {
  throwIfAborted(ctx.signal, codec.id);
  ctx.onProgress({ stage: 'encoding', done: 0 });
  let bytes: Uint8Array;
  const t0 = performance.now();
  try {
    const out = await encode();
    bytes = out instanceof Uint8Array ? out : new Uint8Array(out);
  } catch (e) {
    throw asCodecError(e, 'encode-failed', codec);
  }
  const t1 = performance.now();
  if (bytes.length === 0) throw new CodecError('encode-failed', `${codec.name} returned an empty file.`, codec.id);
  throwIfAborted(ctx.signal, codec.id);
  ctx.onProgress({ stage: 'decoding', done: 0.85 });
  let decoded: RgbaImage;
  try {
    decoded = await decode(bytes);
  } catch (e) {
    throw asCodecError(e, 'decode-failed', codec);
  }
  const t2 = performance.now();
  if (decoded.width !== image.width || decoded.height !== image.height) {
    throw new CodecError(
      'decode-failed',
      `${codec.name} decoded ${decoded.width}×${decoded.height}, expected ${image.width}×${image.height}.`,
      codec.id,
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

/**
 * Encodes and decodes a tiny image once, when the codec module loads. The @jsquash `init()` functions do not
 * wait for their wasm, so without this a missing or broken .wasm would only surface at the first real encode;
 * with it, load() fails and the visitor reads "could not be loaded".
 */
export async function selfTest(impl: CodecImplementation, options: CodecOptions): Promise<void> {
  const tiny: RgbaImage = { width: 16, height: 16, data: new Uint8ClampedArray(16 * 16 * 4).fill(160) };
  await impl.encode(tiny, options, { signal: new AbortController().signal, onProgress: () => {} });
}

/**
 * A classical codec's implementation from its two wasm calls, self-tested before it is returned (so a broken
 * .wasm fails load()). `encodeFile` makes the file from the image and the options; `decode` turns a file back
 * into pixels for the round trip; `openFile` (default: `decode`) decodes files the visitor opens.
 */
export async function wasmImplementation(
  codec: Codec,
  encodeFile: (image: RgbaImage, options: CodecOptions) => Promise<ArrayBuffer | Uint8Array>,
  decode: (bytes: Uint8Array) => Promise<RgbaImage>,
  openFile: (bytes: Uint8Array) => Promise<RgbaImage> = decode,
): Promise<CodecImplementation> {
  const implementation: CodecImplementation = {
    encode: (image, options, ctx) => roundTrip(codec, image, ctx, () => encodeFile(image, options), decode),
    decode: openFile,
  };
  await selfTest(implementation, resolveOptions(codec));
  return implementation;
}

/** Instantiates an Emscripten glue module without running its main() (the single-threaded encoders). */
export function instantiate<M>(factory: unknown): Promise<M> {
  return (factory as EmscriptenFactory<M>)({ noInitialRun: true });
}

/** An Emscripten encoder's/decoder's result, or an error saying that `what` (e.g. "the AVIF encoder") returned nothing. */
export function required<T>(out: T | null | undefined, what: string): T {
  if (out === null || out === undefined) throw new Error(`${what} returned nothing`);
  return out;
}
