// The learned-codec pipeline, backend-independent: exactly tools/train/eval.py's code_image(), plus real
// entropy coding into an RDLB container (docs/container-format.md) and the decoder. See docs/learned-codecs.md.
//
//   encode: pad (replicate) → y = analysis(x)·gain(t) → [z = hyper_analysis(y); ẑ = clamp(round(z), ±127);
//           index, means = hyper_synthesis_int(ẑ)] → symbols = round(y − means) → rANS → [y, z] in a container
//   decode: container → ẑ (per-channel z tables) → index, means → symbols (Gaussian tables by index)
//           → ŷ = symbols + means → x̂ = synthesis(ŷ·inv_gain(t)) → crop, clamp, round to 8 bits
//
// Rounding: every round() here is half-to-even (torch.round, WGSL round). The decoder receives the symbols,
// so the choice only has to be made once, by the encoder; ŷ = symbols + means in float32 on both sides.
// The rate t is stored as float32 in the file; the encoder uses fround(t) too, so its reconstruction equals
// the decoder's output bit for bit on the same backend.
import { ContainerError, readContainer, writeContainer, type Shape3 } from '../container';
import { EntropyError, decodeTensor, encodeTensor, perChannel } from '../entropy';
import { CodecError, throwIfAborted, type BitAllocationMap, type EncodeProgress, type LatentStatistics, type RgbaImage } from '../types';
import { bitAllocationMap, elementBits, latentStatistics, type ElementBits, type LatentBits } from './bits';
import type { LearnedBackend } from './backend';
import { chwToImage, imageToPaddedChw, paddedSize, roundHalfEven } from './image';
import type { ModelPackage } from './package';

/** Largest z magnitude (tools/train/models.py Z_CLAMP): the integer hyper-synthesis' input range. */
export const Z_CLAMP = 127;
/** Pixels per y position along each side (four stride-2 layers). */
export const Y_BLOCK = 16;

export interface PipelineOptions {
  signal?: AbortSignal;
  onProgress?: (p: EncodeProgress) => void;
}

export interface EncodeOptions extends PipelineOptions {
  /** Also run the synthesis on the encoder's ŷ (tests compare it with the decoder's output). */
  reconstruct?: boolean;
}

export interface LatentResult {
  shape: Shape3;
  symbols: Int32Array;
  bits: ElementBits;
}

export interface EncodeResult {
  /** The RDLB file. */
  bytes: Uint8Array;
  /** The rate parameter as stored (float32). */
  t: number;
  y: LatentResult;
  z: LatentResult | null;
  /** Table index per y element (hyperprior models). */
  index: Int32Array | null;
  bitMap: BitAllocationMap;
  latents: LatentStatistics[];
  /** Wall time per stage (ms). */
  stageMs: Record<string, number>;
  /** Only with `reconstruct`. */
  reconstruction?: RgbaImage;
}

export interface DecodeResult {
  image: RgbaImage;
  t: number;
  ySymbols: Int32Array;
  zSymbols: Int32Array | null;
  stageMs: Record<string, number>;
}

/** The id written into (and required from) every file of this model. */
export function modelId(pkg: ModelPackage): string {
  return `${pkg.manifest.name}.v${pkg.manifest.version}`;
}

/** Latent shapes [y] or [y, z] the model produces for a width × height image (what a file must declare). */
export function latentShapes(pkg: ModelPackage, width: number, height: number): Shape3[] {
  const m = pkg.manifest;
  const p = paddedSize(width, height, m.downsampling);
  const y: Shape3 = [m.channels.M, p.height / Y_BLOCK, p.width / Y_BLOCK];
  if (m.architecture === 'factorized') return [y];
  return [y, [m.channels.Nz!, p.height / 64, p.width / 64]];
}

class Stages {
  readonly ms: Record<string, number> = {};
  private t = performance.now();
  constructor(
    private readonly o: PipelineOptions,
    private readonly codecId: string,
    private readonly span: [number, number] = [0, 1],
  ) {}
  /** Ends the previous stage (records its time) and announces the next. */
  next(stage: string, done: number, prev?: string): void {
    const now = performance.now();
    if (prev) this.ms[prev] = (this.ms[prev] ?? 0) + (now - this.t);
    this.t = now;
    if (this.o.signal) throwIfAborted(this.o.signal, this.codecId);
    this.o.onProgress?.({ stage, done: this.span[0] + (this.span[1] - this.span[0]) * done });
  }
  end(prev: string): void {
    this.ms[prev] = (this.ms[prev] ?? 0) + (performance.now() - this.t);
  }
}

function checkImage(image: RgbaImage, codecId: string): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 16384 || height > 16384) {
    throw new CodecError('too-large', `image size ${width}×${height} is outside 1 … 16384 per side.`, codecId);
  }
  if (data.length !== width * height * 4) throw new CodecError('encode-failed', `image data has ${data.length} bytes, ${width}×${height} RGBA needs ${width * height * 4}.`, codecId);
}

/** Encodes an image at rate t ∈ [0, 1] into an RDLB file. */
export async function encodeImage(pkg: ModelPackage, backend: LearnedBackend, image: RgbaImage, rate: number, o: EncodeOptions = {}): Promise<EncodeResult> {
  const m = pkg.manifest;
  const id = m.name;
  if (!(rate >= 0 && rate <= 1)) throw new CodecError('invalid-options', `rate t = ${rate} is outside [0, 1].`, id);
  checkImage(image, id);
  const t = Math.fround(rate);
  const st = new Stages(o, id, [0, o.reconstruct ? 0.8 : 1]);
  const hyper = m.architecture !== 'factorized';

  st.next('analysis transform', 0);
  const x = imageToPaddedChw(image, m.downsampling);
  const { y, z } = await backend.analyze(x.data, x.height, x.width, pkg.gain(t));
  const [yShape, zShape] = latentShapes(pkg, image.width, image.height);
  if (y.shape.join() !== yShape.join()) throw new CodecError('encode-failed', `analysis produced ${y.shape.join('×')}, expected ${yShape.join('×')}.`, id);
  const yPlane = yShape[1] * yShape[2];

  let zLatent: LatentResult | null = null;
  let index: Int32Array | null = null;
  let means: Float32Array | null = null;
  let zFile: { shape: Shape3; bytes: Uint8Array; streamLengths: number[] } | null = null;
  if (hyper) {
    st.next('hyper-prior', 0.45, 'analysis');
    if (!z || z.shape.join() !== zShape.join()) throw new CodecError('encode-failed', `hyper-analysis produced ${z?.shape.join('×')}, expected ${zShape.join('×')}.`, id);
    const zHat = new Int32Array(z.data.length);
    for (let i = 0; i < zHat.length; i++) {
      const r = roundHalfEven(z.data[i]);
      zHat[i] = r > Z_CLAMP ? Z_CLAMP : r < -Z_CLAMP ? -Z_CLAMP : r || 0; // NaN → 0
    }
    const hs = await backend.hyperSynthesis(zHat, zShape);
    index = hs.index;
    means = hs.means;
    if (index.length !== y.data.length || (m.architecture === 'mean-scale' && means?.length !== y.data.length)) {
      throw new CodecError('encode-failed', `hyper-synthesis produced ${index.length} indexes for ${y.data.length} latents.`, id);
    }
    const zIdx = perChannel(zShape[0], zShape[1] * zShape[2]);
    const zTables = pkg.tables('z', t);
    zFile = { shape: zShape, ...encodeTensor(zHat, zIdx, zTables) };
    zLatent = { shape: zShape, symbols: zHat, bits: elementBits(zHat, { planeSize: zShape[1] * zShape[2] }, zTables) };
  }

  st.next('entropy coding', 0.6, hyper ? 'hyper-prior' : 'analysis');
  const symbols = new Int32Array(y.data.length);
  if (means) for (let i = 0; i < symbols.length; i++) symbols[i] = roundHalfEven(Math.fround(y.data[i] - means[i])) || 0;
  else for (let i = 0; i < symbols.length; i++) symbols[i] = roundHalfEven(y.data[i]) || 0;
  const yTables = pkg.tables('y', t);
  const yFile = { shape: yShape, ...encodeTensor(symbols, index ?? perChannel(yShape[0], yPlane), yTables) };
  const yBits = elementBits(symbols, index ? { perElement: index } : { planeSize: yPlane }, yTables);
  const bytes = writeContainer({
    modelId: modelId(pkg),
    modelHash: pkg.hash,
    rate: t,
    width: image.width,
    height: image.height,
    tensors: zFile ? [yFile, zFile] : [yFile],
  });

  const yLatent: LatentResult = { shape: yShape, symbols, bits: yBits };
  let meanIndex = 0;
  if (index) {
    for (let i = 0; i < index.length; i++) meanIndex += index[i];
    meanIndex /= index.length;
  }
  const lat: LatentBits[] = [
    { name: 'y', channels: yShape[0], height: yShape[1], width: yShape[2], block: Y_BLOCK, bits: yBits, values: index ? { 'mean scale index': meanIndex } : undefined },
  ];
  if (zLatent) lat.push({ name: 'z', channels: zShape[0], height: zShape[1], width: zShape[2], block: 64, bits: zLatent.bits });
  const result: EncodeResult = {
    bytes,
    t,
    y: yLatent,
    z: zLatent,
    index,
    bitMap: bitAllocationMap(image.width, image.height, lat),
    latents: lat.map(latentStatistics),
    stageMs: st.ms,
  };
  if (o.reconstruct) {
    st.next('synthesis transform', 0.9, 'entropy coding');
    const yHat = dequantize(symbols, means);
    const xh = await backend.synthesize(yHat, yShape, pkg.gain(t, true));
    result.reconstruction = chwToImage(xh.data, x.width, x.height, image.width, image.height);
    st.end('synthesis');
  } else st.end('entropy coding');
  return result;
}

/** ŷ = symbols + means in float32 (the same expression on encoder and decoder). */
function dequantize(symbols: Int32Array, means: Float32Array | null): Float32Array {
  const out = new Float32Array(symbols.length);
  if (means) for (let i = 0; i < out.length; i++) out[i] = symbols[i] + means[i];
  else for (let i = 0; i < out.length; i++) out[i] = symbols[i];
  return out;
}

function decodeError(e: unknown, id: string): CodecError {
  if (e instanceof CodecError) return e;
  const what = e instanceof ContainerError ? `${e.kind}: ` : e instanceof EntropyError ? `entropy ${e.kind}: ` : '';
  return new CodecError('decode-failed', `${id} cannot decode this file (${what}${(e as Error)?.message ?? String(e)})`, id);
}

/** Decodes an RDLB file made by this model. Every problem with the file is a CodecError('decode-failed'). */
export async function decodeFile(pkg: ModelPackage, backend: LearnedBackend, bytes: Uint8Array, o: PipelineOptions = {}): Promise<DecodeResult> {
  const m = pkg.manifest;
  const id = m.name;
  const st = new Stages(o, id);
  st.next('reading file', 0);
  let file;
  try {
    file = readContainer(bytes, { modelHash: pkg.hash, modelId: modelId(pkg), shapes: (w, h) => latentShapes(pkg, w, h) });
  } catch (e) {
    throw decodeError(e, id);
  }
  const t = file.rate;
  if (!(t >= 0 && t <= 1)) throw new CodecError('decode-failed', `${id} cannot decode this file (rate t = ${t} is outside [0, 1]).`, id);
  const yT = file.tensors[0];
  const [C, h, w] = yT.shape;
  const count = C * h * w;
  let zSymbols: Int32Array | null = null;
  let index: Int32Array | null = null;
  let means: Float32Array | null = null;
  if (m.architecture !== 'factorized') {
    const zT = file.tensors[1];
    const [zc, zh, zw] = zT.shape;
    st.next('hyper-prior', 0.1, 'reading file');
    try {
      zSymbols = decodeTensor(zT, perChannel(zc, zh * zw), pkg.tables('z', t), zc * zh * zw);
    } catch (e) {
      throw decodeError(e, id);
    }
    for (let i = 0; i < zSymbols.length; i++) {
      if (zSymbols[i] < -Z_CLAMP || zSymbols[i] > Z_CLAMP) {
        throw new CodecError('decode-failed', `${id} cannot decode this file (z[${i}] = ${zSymbols[i]} is outside ±${Z_CLAMP}; no encoder writes that).`, id);
      }
    }
    const hs = await backend.hyperSynthesis(zSymbols, zT.shape);
    index = hs.index;
    means = hs.means;
  }
  st.next('entropy decoding', 0.3, m.architecture !== 'factorized' ? 'hyper-prior' : 'reading file');
  let ySymbols: Int32Array;
  try {
    ySymbols = decodeTensor(yT, index ?? perChannel(C, h * w), pkg.tables('y', t), count);
  } catch (e) {
    throw decodeError(e, id);
  }
  st.next('synthesis transform', 0.45, 'entropy decoding');
  const p = paddedSize(file.width, file.height, m.downsampling);
  const xh = await backend.synthesize(dequantize(ySymbols, means), yT.shape, pkg.gain(t, true));
  const image = chwToImage(xh.data, p.width, p.height, file.width, file.height);
  st.end('synthesis');
  return { image, t, ySymbols, zSymbols, stageMs: st.ms };
}
