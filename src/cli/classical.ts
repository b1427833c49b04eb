// Classical anchors for the batch-evaluation CLI: MozJPEG and WebP through the same @jsquash wasm builds the app
// uses, instantiated from node_modules (Node's fetch cannot read file:// URLs).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { RgbaImage } from '../codecs/types';

const require = createRequire(import.meta.url);
type Im = { width: number; height: number; data: Uint8ClampedArray };

export interface ClassicalCodec {
  id: 'jpeg' | 'webp';
  name: string;
  /** Quality values of an N-point sweep (low → high). */
  sweep(points: number): number[];
  encode(image: RgbaImage, quality: number): Promise<Uint8Array>;
  decode(bytes: Uint8Array): Promise<RgbaImage>;
}

function emscripten(path: string) {
  const mod = WebAssembly.compile(readFileSync(require.resolve(path)));
  return {
    instantiateWasm: (imports: WebAssembly.Imports, done: (i: WebAssembly.Instance) => void) => {
      mod.then((m) => WebAssembly.instantiate(m, imports)).then(done);
      return {};
    },
  };
}

const buf = (b: Uint8Array) => b.slice().buffer as ArrayBuffer;
const asImageData = (im: RgbaImage) => ({ width: im.width, height: im.height, data: im.data, colorSpace: 'srgb' }) as unknown as ImageData;
const linspace = (n: number, lo: number, hi: number) => Array.from({ length: n }, (_, i) => Math.round(lo + ((hi - lo) * i) / Math.max(1, n - 1)));

export async function classicalCodec(id: string): Promise<ClassicalCodec> {
  if (id === 'jpeg') {
    const [enc, dec] = await Promise.all([import('@jsquash/jpeg/encode.js'), import('@jsquash/jpeg/decode.js')]);
    await enc.init(emscripten('@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm') as never);
    await dec.init(emscripten('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm') as never);
    return {
      id,
      name: 'MozJPEG',
      sweep: (n) => linspace(n, 10, 95),
      encode: async (im, q) => new Uint8Array(await enc.default(asImageData(im), { quality: q })),
      decode: async (b) => (await dec.default(buf(b))) as Im,
    };
  }
  if (id === 'webp') {
    const [enc, dec] = await Promise.all([import('@jsquash/webp/encode.js'), import('@jsquash/webp/decode.js')]);
    // Node has wasm SIMD, so the encoder's init() loads its SIMD glue: give it the matching binary.
    await (enc.init as unknown as (m: WebAssembly.Module) => Promise<unknown>)(await WebAssembly.compile(readFileSync(require.resolve('@jsquash/webp/codec/enc/webp_enc_simd.wasm'))));
    await dec.init(emscripten('@jsquash/webp/codec/dec/webp_dec.wasm') as never);
    return {
      id,
      name: 'WebP',
      sweep: (n) => linspace(n, 5, 95),
      encode: async (im, q) => new Uint8Array(await enc.default(asImageData(im), { quality: q })),
      decode: async (b) => (await dec.default(buf(b))) as Im,
    };
  }
  throw new Error(`unknown classical codec ${JSON.stringify(id)} (jpeg or webp)`);
}
