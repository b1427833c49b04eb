// Classical anchors for the batch-evaluation CLI: MozJPEG, WebP, AVIF and JPEG XL through the same @jsquash wasm
// builds the app uses (the single-threaded encoders, as in its codec workers), instantiated from node_modules
// (Node's fetch cannot read file:// URLs), with the app's own options → encoder-options mappings
// (src/codecs/<id>/settings.ts) and the app's defaults for every option but quality, unless `options` says otherwise.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { avif } from '../codecs/avif';
import { encoderOptions as avifOptions } from '../codecs/avif/settings';
import { jpeg } from '../codecs/jpeg';
import { encoderOptions as jpegOptions } from '../codecs/jpeg/settings';
import { jxl } from '../codecs/jxl';
import { encoderOptions as jxlOptions } from '../codecs/jxl/settings';
import { resolveOptions } from '../codecs/options';
import type { Codec, CodecOptions, OptionValue, RgbaImage } from '../codecs/types';
import { webp } from '../codecs/webp';
import { encoderOptions as webpOptions } from '../codecs/webp/settings';

const require = createRequire(import.meta.url);
type Im = { width: number; height: number; data: Uint8ClampedArray };

export const CLASSICAL_IDS = ['jpeg', 'webp', 'avif', 'jxl'] as const;
export type ClassicalId = (typeof CLASSICAL_IDS)[number];

export interface ClassicalCodec {
  id: ClassicalId;
  name: string;
  /** The app's options for every setting but quality (what the curve was made with). */
  options: CodecOptions;
  /** Quality values of an N-point sweep (low → high). */
  sweep(points: number): number[];
  encode(image: RgbaImage, quality: number): Promise<Uint8Array>;
  decode(bytes: Uint8Array): Promise<RgbaImage>;
}

function emscripten(path: string, extra: Record<string, unknown> = {}) {
  const mod = WebAssembly.compile(readFileSync(require.resolve(path)));
  return {
    ...extra,
    instantiateWasm: (imports: WebAssembly.Imports, done: (i: WebAssembly.Instance) => void) => {
      mod.then((m) => WebAssembly.instantiate(m, imports)).then(done);
      return {};
    },
  };
}

const buf = (b: Uint8Array) => b.slice().buffer as ArrayBuffer;
const asImageData = (im: RgbaImage) => ({ width: im.width, height: im.height, data: im.data, colorSpace: 'srgb' }) as unknown as ImageData;
const linspace = (n: number, lo: number, hi: number) => Array.from({ length: n }, (_, i) => Math.round(lo + ((hi - lo) * i) / Math.max(1, n - 1)));
const CODECS: Record<ClassicalId, Codec> = { jpeg, webp, avif, jxl };
/** Sweep ranges per codec: where each spans roughly the learned codecs' rates (0.1 … 2 bpp on photos). */
const RANGES: Record<ClassicalId, [number, number]> = { jpeg: [10, 95], webp: [5, 95], avif: [10, 90], jxl: [10, 95] };

type EncoderModule = { encode(data: Uint8Array | Uint8ClampedArray, w: number, h: number, o: Record<string, unknown>): Uint8Array | null };

/** The wasm encode/decode pair of one codec, with the app's options (`o`) mapped as its codec worker maps them. */
async function wasmPair(id: ClassicalId): Promise<{ encode(im: RgbaImage, o: CodecOptions): Promise<Uint8Array>; decode(b: Uint8Array): Promise<Im> }> {
  const failed = (what: string) => {
    throw new Error(`the ${CODECS[id].name} ${what} returned nothing`);
  };
  switch (id) {
    case 'jpeg': {
      const [enc, dec] = await Promise.all([import('@jsquash/jpeg/encode.js'), import('@jsquash/jpeg/decode.js')]);
      await enc.init(emscripten('@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm') as never);
      await dec.init(emscripten('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm') as never);
      return {
        encode: async (im, o) => new Uint8Array(await enc.default(asImageData(im), jpegOptions(o))),
        decode: async (b) => (await dec.default(buf(b))) as Im,
      };
    }
    case 'webp': {
      const [enc, dec] = await Promise.all([import('@jsquash/webp/encode.js'), import('@jsquash/webp/decode.js')]);
      // Node has wasm SIMD, so the encoder's init() loads its SIMD glue: give it the matching binary.
      await (enc.init as unknown as (m: WebAssembly.Module) => Promise<unknown>)(await WebAssembly.compile(readFileSync(require.resolve('@jsquash/webp/codec/enc/webp_enc_simd.wasm'))));
      await dec.init(emscripten('@jsquash/webp/codec/dec/webp_dec.wasm') as never);
      return {
        encode: async (im, o) => new Uint8Array(await enc.default(asImageData(im), webpOptions(o))),
        decode: async (b) => (await dec.default(buf(b))) as Im,
      };
    }
    case 'avif': {
      const [factory, dec] = await Promise.all([import('@jsquash/avif/codec/enc/avif_enc.js'), import('@jsquash/avif/decode.js')]);
      const encoder = (await (factory.default as unknown as (o: object) => Promise<EncoderModule>)(emscripten('@jsquash/avif/codec/enc/avif_enc.wasm', { noInitialRun: true })));
      await dec.init(emscripten('@jsquash/avif/codec/dec/avif_dec.wasm') as never);
      return {
        encode: async (im, o) => (encoder.encode(new Uint8Array(im.data.buffer, im.data.byteOffset, im.data.byteLength), im.width, im.height, avifOptions(o)) ?? failed('encoder')).slice(),
        decode: async (b) => ((await dec.default(buf(b))) as Im | null) ?? failed('decoder'),
      };
    }
    case 'jxl': {
      const [factory, dec] = await Promise.all([import('@jsquash/jxl/codec/enc/jxl_enc.js'), import('@jsquash/jxl/decode.js')]);
      const encoder = (await (factory.default as unknown as (o: object) => Promise<EncoderModule>)(emscripten('@jsquash/jxl/codec/enc/jxl_enc.wasm', { noInitialRun: true })));
      await dec.init(emscripten('@jsquash/jxl/codec/dec/jxl_dec.wasm') as never);
      return {
        encode: async (im, o) => (encoder.encode(im.data, im.width, im.height, jxlOptions(o)) ?? failed('encoder')).slice(),
        decode: async (b) => (await dec.default(buf(b))) as Im,
      };
    }
  }
}

/** Command-line text → the option's type in the codec's schema (numbers, booleans; select choices stay text). */
export function typedOptions(codec: Codec, options: Readonly<Record<string, string>>): Record<string, OptionValue> {
  const out: Record<string, OptionValue> = {};
  for (const [k, v] of Object.entries(options)) {
    const kind = codec.options.find((s) => s.key === k)?.kind;
    out[k] = kind === 'number' ? Number(v) : kind === 'boolean' ? v === 'true' || (v === 'false' ? false : v) : v;
  }
  return out;
}

/** A classical codec for the CLI. `options`: the app's options other than quality, as text (checked against its
 *  schema by resolveOptions); the app's defaults for the rest. */
export async function classicalCodec(id: string, options: Readonly<Record<string, string>> = {}): Promise<ClassicalCodec> {
  if (!(CLASSICAL_IDS as readonly string[]).includes(id)) throw new Error(`unknown classical codec ${JSON.stringify(id)} (${CLASSICAL_IDS.join(', ')})`);
  const cid = id as ClassicalId;
  const codec = CODECS[cid];
  const base = resolveOptions(codec, typedOptions(codec, options));
  const pair = await wasmPair(cid);
  return {
    id: cid,
    name: codec.name,
    options: base,
    sweep: (n) => linspace(n, ...RANGES[cid]),
    encode: (im, q) => pair.encode(im, { ...base, quality: q }),
    decode: pair.decode,
  };
}
