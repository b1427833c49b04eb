// Node-side plumbing shared by the batch-evaluation CLI and the Node tests: model packages from a folder,
// onnxruntime-web's wasm EP (its Node build), and PNG/JPEG decoding through the same @jsquash wasm decoders
// the app uses (compiled from node_modules with fs: Node's fetch cannot read file:// URLs, jSquash #61).
import { RdLabError, messageOf } from '../errors';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { ModelPackage, PackageError, parseManifest, parseReferences, parseSharedManifest } from '../codecs/learned/package';
import { OrtBackend } from '../codecs/learned/ort-backend';
import type { RgbaImage } from '../codecs/types';

const require = createRequire(import.meta.url);

export class CliError extends RdLabError<'usage' | 'input' | 'model' | 'codec'> {
  constructor(kind: 'usage' | 'input' | 'model' | 'codec', message: string) {
    super(kind, message);
    this.name = 'CliError';
  }
}

/** A weights file, refused before reading when its size is not the manifest's. */
function readWeights(path: string, bytes: number): Uint8Array {
  const size = statSync(path).size;
  if (size !== bytes) throw new PackageError('weights', `${path} has ${size} bytes, the manifest says ${bytes}.`);
  return new Uint8Array(readFileSync(path));
}

/** Walks command-line arguments for the CLIs: `next()` the next flag, `value()` the value after it (a usage error
 *  when it is missing or another flag), `rest()` the values up to the next flag. */
export function argWalker(argv: readonly string[]) {
  let i = -1;
  return {
    next: (): string | undefined => argv[++i],
    value(): string {
      const k = argv[i];
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new CliError('usage', `${k} needs a value.`);
      return v;
    },
    rest(): string[] {
      const out: string[] = [];
      while (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) out.push(argv[++i]);
      return out;
    },
  };
}

/** Reads public/models/<name>/ (manifest, weights) and the shared packages it uses (public/models/<shared>/). */
export async function loadPackageDir(dir: string): Promise<{ pkg: ModelPackage }> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  } catch (e) {
    throw new CliError('model', `cannot read the model package in ${dir}: ${messageOf(e)}`);
  }
  const shared = parseReferences(manifest).map((ref) => {
    const sdir = join(dir, '..', ref.name);
    try {
      const m = parseSharedManifest(JSON.parse(readFileSync(join(sdir, 'manifest.json'), 'utf8')), ref, basename(dir));
      return { manifest: m, weights: readWeights(join(sdir, m.weights.file), m.weights.bytes) };
    } catch (e) {
      if (e instanceof PackageError) throw e;
      throw new PackageError('reference', `${basename(dir)} uses the shared package ${ref.name}, which cannot be read in ${sdir}: ${messageOf(e)}`);
    }
  });
  const w = parseManifest(manifest, shared.map((x) => x.manifest)).weights; // checks file name and length first
  let weights: Uint8Array;
  try {
    weights = readWeights(join(dir, w.file), w.bytes);
  } catch (e) {
    if (e instanceof PackageError) throw e;
    throw new CliError('model', `cannot read the model package in ${dir}: ${messageOf(e)}`);
  }
  return { pkg: await ModelPackage.create(manifest, weights, shared) };
}

type OrtNode = typeof import('onnxruntime-web');
let ortPromise: Promise<OrtNode> | null = null;

/** onnxruntime-web in Node (its wasm EP), with `threads` intra-op threads. */
export function nodeOrt(threads = 1): Promise<OrtNode> {
  ortPromise ??= import('onnxruntime-web').then((ort) => {
    ort.env.wasm.numThreads = threads;
    ort.env.logLevel = 'error';
    return ort;
  });
  return ortPromise;
}

/** A model package from a folder with the onnx-wasm backend (its graphs built from the package). */
export async function loadNodeModel(dir: string, threads = 1) {
  const { pkg } = await loadPackageDir(dir);
  const ort = await nodeOrt(threads);
  return { pkg, backend: new OrtBackend(ort, pkg, { ep: 'wasm' }) };
}

type Decoder = (bytes: ArrayBuffer) => Promise<{ width: number; height: number; data: Uint8ClampedArray }>;
const decoders = new Map<string, Promise<Decoder>>();

/** Emscripten init override: instantiate the wasm file from node_modules instead of fetching it. */
function emscriptenWasm(path: string) {
  const mod = WebAssembly.compile(readFileSync(require.resolve(path)));
  return {
    instantiateWasm: (imports: WebAssembly.Imports, done: (i: WebAssembly.Instance) => void) => {
      mod.then((m) => WebAssembly.instantiate(m, imports)).then(done);
      return {};
    },
  };
}

function decoder(kind: 'png' | 'jpeg'): Promise<Decoder> {
  let d = decoders.get(kind);
  if (!d) {
    d =
      kind === 'png'
        ? import('@jsquash/png/decode.js').then(async (m) => {
            await m.init(await WebAssembly.compile(readFileSync(require.resolve('@jsquash/png/codec/pkg/squoosh_png_bg.wasm'))));
            return (b: ArrayBuffer) => m.default(b);
          })
        : import('@jsquash/jpeg/decode.js').then(async (m) => {
            await m.init(emscriptenWasm('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm') as never);
            return (b: ArrayBuffer) => m.default(b);
          });
    decoders.set(kind, d);
  }
  return d;
}

/** PNG or JPEG file → RGBA image (alpha composited onto white, as the app does). */
export async function readImageFile(path: string): Promise<RgbaImage> {
  let bytes: Buffer;
  try {
    if (statSync(path).size > 256 * 2 ** 20) throw new Error('larger than 256 MiB');
    bytes = readFileSync(path);
  } catch (e) {
    throw new CliError('input', `cannot read ${path}: ${messageOf(e)}`);
  }
  const png = bytes.length > 8 && bytes.readUInt32BE(0) === 0x89504e47;
  const jpeg = bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!png && !jpeg) throw new CliError('input', `${path} is neither PNG nor JPEG.`);
  let im;
  try {
    im = await (await decoder(png ? 'png' : 'jpeg'))(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  } catch (e) {
    throw new CliError('input', `cannot decode ${path}: ${messageOf(e)}`);
  }
  const data = new Uint8ClampedArray(im.data);
  for (let i = 0; i < data.length; i += 4) {
    const a = data[i + 3];
    if (a !== 255) {
      for (let c = 0; c < 3; c++) data[i + c] = Math.round((data[i + c] * a + 255 * (255 - a)) / 255);
      data[i + 3] = 255;
    }
  }
  return { width: im.width, height: im.height, data };
}

let pngEncoder: Promise<(im: ImageData) => Promise<ArrayBuffer>> | null = null;

/** Writes an RGBA image as an 8-bit PNG (@jsquash/png, the app's encoder). */
export async function writePngFile(path: string, im: RgbaImage): Promise<void> {
  pngEncoder ??= import('@jsquash/png/encode.js').then(async (m) => {
    await m.init(await WebAssembly.compile(readFileSync(require.resolve('@jsquash/png/codec/pkg/squoosh_png_bg.wasm'))));
    return (d: ImageData) => m.default(d);
  });
  const bytes = await (await pngEncoder)({ width: im.width, height: im.height, data: im.data } as unknown as ImageData);
  writeFileSync(path, new Uint8Array(bytes));
}

/** The top-left w × h crop of an image (tests use small crops of the samples). */
export function crop(im: RgbaImage, w: number, h: number, x0 = 0, y0 = 0): RgbaImage {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) data.set(im.data.subarray(((y0 + y) * im.width + x0) * 4, ((y0 + y) * im.width + x0 + w) * 4), y * w * 4);
  return { width: w, height: h, data };
}
