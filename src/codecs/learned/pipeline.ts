// The learned-codec pipeline, backend-independent: exactly tools/train/eval.py's code_image(), plus real
// entropy coding into an RDLB container (docs/container-format.md) and the decoder. See docs/learned-codecs.md.
// Which latents are coded, and how, is the list of latent coders in latents.ts (from the manifest's structure):
//
//   encode: pad (replicate) → y = analysis(x)·gain(t) → for each coder (z, then y): its values (y, or
//           z = hyper_analysis(y)) → symbols (ẑ = clamp(round(z), ±127); round(y − means)) → rANS with its tables
//           (per channel; Gaussian by index) → what it gives the next (ẑ → index, means = hyper_synthesis_int(ẑ))
//           → the tensors [y, z] in a container. A checkerboard context codes y in two passes (latents.ts): the
//           anchors, then the context call (contextConditioning) gives the others' index and means, then the
//           others → [y non-anchors, y anchors, z]
//   decode: container → for each coder: symbols (its tables, the conditioning so far) → what it gives the next
//           → ŷ = symbols + means → x̂ = synthesis(ŷ·inv_gain(t)) → crop, clamp, round to 8 bits
//
// Rounding: every round() here is half-to-even (torch.round, WGSL round). The decoder receives the symbols,
// so the choice only has to be made once, by the encoder; ŷ = symbols + means in float32 on both sides.
// The rate t is stored as float32 in the file; the encoder uses fround(t) too, so its reconstruction equals
// the decoder's output bit for bit on the same backend.
//
// Tiles: every transform runs on tiles of at most `tile` pixels a side (default DEFAULT_TILE), each reading the
// receptive field of its outputs from the op lists (tiling.ts), so the result is the whole-image computation's
// and the transforms' memory is bounded whatever the image (the first analysis layer alone would be
// 96 × H/2 × W/2 floats, 1.2 GB for 12 MP). The latents (y, index, means: M values per 16×16 pixels) are
// kept whole; they are a few bytes per pixel, less than the RGBA image itself.
import { messageOf } from '../../errors';
import { ContainerError, MAX_IMAGE_SIDE, readContainer, writeContainer, type ContainerTensor, type Shape3 } from '../container';
import { EntropyError, decodeTensor, encodeTensor } from '../entropy';
import { CodecError, throwIfAborted, type BitAllocationMap, type EncodeProgress, type LatentStatistics, type RgbaImage } from '../types';
import { bitAllocationMap, elementBits, latentStatistics, type ElementBits, type LatentBits } from './bits';
import type { LearnedBackend } from './backend';
import { paddedChwRegion, paddedSize, writeChwTile } from './image';
import { contextConditioning, latentCoders, mergePasses, UNCONDITIONED, Y_BLOCK, type Conditioning, type LatentCoder } from './latents';
import type { ModelPackage, Op } from './package';
import { cropChw, outputLength, pasteChw, planTiles, type Tile } from './tiling';
import { refineLatents, totalSteps, type RefineOptions, type RefineResult } from './refine/refine';

export { Y_BLOCK, Z_CLAMP } from './latents';

/** Default tile edge in pixels: see docs/learned-codecs.md "Tiles" for the memory and time it was chosen by. */
export const DEFAULT_TILE = 512;
/** By default the hyper-prior's tiles are this many times larger a side than the analysis' and synthesis'. */
const HYPER_TILES = 4;

export interface PipelineOptions {
  signal?: AbortSignal;
  onProgress?: (p: EncodeProgress) => void;
  /** Tile edge in pixels (≥ 64; Infinity: the whole image at once). The result does not depend on it. */
  tile?: number;
  /** Tile edge in pixels for the hyper-prior's transforms (default HYPER_TILES × tile; ≥ 64). */
  hyperTile?: number;
}

export interface EncodeOptions extends PipelineOptions {
  /** Also run the synthesis on the encoder's ŷ (tests compare it with the decoder's output). */
  reconstruct?: boolean;
  /** Encode-time latent refinement (refine/refine.ts; hyper-prior models): `steps` > 0 refines y and z before
   * they are coded; the file format and the decoder are unchanged. Untiled: the whole image at once. */
  refine?: Omit<RefineOptions, 'signal'>;
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
  /** Only with `refine` (steps > 0): the refinement's losses, history and time per step. */
  refine?: Omit<RefineResult, 'y' | 'z'>;
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

/** y's whole shape (M × H/16 × W/16) for an image padded to height × width, whichever passes code it. */
function wholeYShape(pkg: ModelPackage, height: number, width: number): Shape3 {
  return [pkg.manifest.channels.M, height / Y_BLOCK, width / Y_BLOCK];
}

/** Latent shapes [y] or [y, z] ([y non-anchors, y anchors, z] with a checkerboard context) the model produces for a width × height image (what a file must declare, in the
 * file's order: the coders' order reversed). */
export function latentShapes(pkg: ModelPackage, width: number, height: number): Shape3[] {
  const p = paddedSize(width, height, pkg.manifest.downsampling);
  return latentCoders(pkg)
    .map((c) => c.shape(p.height, p.width))
    .reverse();
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
  /** Progress inside the current stage: `f` ∈ [0, 1] of the way from `from` to `to`; checks the signal. */
  within(stage: string, from: number, to: number, f: number): void {
    if (this.o.signal) throwIfAborted(this.o.signal, this.codecId);
    this.o.onProgress?.({ stage, done: this.span[0] + (this.span[1] - this.span[0]) * (from + (to - from) * f) });
  }
  end(prev: string): void {
    this.ms[prev] = (this.ms[prev] ?? 0) + (performance.now() - this.t);
  }
}

function checkImage(image: RgbaImage, codecId: string): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
    throw new CodecError('too-large', `image size ${width}×${height} is outside 1 … ${MAX_IMAGE_SIDE} per side.`, codecId);
  }
  if (data.length !== width * height * 4) throw new CodecError('encode-failed', `image data has ${data.length} bytes, ${width}×${height} RGBA needs ${width * height * 4}.`, codecId);
}

function tileSizes(o: PipelineOptions, codecId: string): { tile: number; hyperTile: number } {
  const tile = o.tile ?? DEFAULT_TILE;
  const hyperTile = o.hyperTile ?? HYPER_TILES * tile;
  for (const [k, v] of [['tile', tile], ['hyperTile', hyperTile]] as const) {
    if (!(v >= 64)) throw new CodecError('invalid-options', `${k} = ${v} px: tiles must be at least 64 pixels a side.`, codecId);
  }
  return { tile, hyperTile };
}

/** The transforms' tile plans for a padded H×W image: output tiles of `tile` pixels in each transform's units.
 * The hyper-prior's tensors are small (≤ 384 values per 32×32 pixels, against 96 per 2×2 in the analysis'
 * first layer), so its tiles may cover more pixels: fewer tiles, less margin computed twice. */
function plans(pkg: ModelPackage, height: number, width: number, { tile, hyperTile }: { tile: number; hyperTile: number }) {
  const t = pkg.manifest.transforms;
  const ds = pkg.manifest.downsampling;
  const [yh, yw] = [height / Y_BLOCK, width / Y_BLOCK];
  const units = (edge: number, px: number) => (edge === Infinity ? Infinity : Math.max(1, Math.floor(edge / px)));
  return {
    analysis: () => planTiles([t.analysis], height, width, units(tile, Y_BLOCK)),
    synthesis: () => planTiles([t.synthesis], yh, yw, units(tile, 1)),
    hyperAnalysis: () => planTiles([t.hyper_analysis!], yh, yw, units(hyperTile, ds)),
    hyperSynthesis: () => {
      const heads: Op[][] = [[...t.hyper_synthesis_int!, ...t.scale_index_int!]];
      if (t.means) heads.push([...t.hyper_synthesis_int!, ...t.means]);
      return planTiles(heads, height / ds, width / ds, units(hyperTile, Y_BLOCK));
    },
  };
}

const rowsOf = (t: Tile) => t.rows.out1 - t.rows.out0;
const colsOf = (t: Tile) => t.cols.out1 - t.cols.out0;

/** Runs `ops`' backend call on every tile of a C×H×W input and pastes the kept outputs into `dst` (C'×H'×W'). */
async function tiled<T extends Float32Array | Int32Array>(
  tiles: Tile[],
  src: { data: T; channels: number; height: number; width: number },
  run: (input: T, shape: Shape3) => Promise<{ outs: (Float32Array | Int32Array)[]; shape: Shape3 }>,
  dst: { data: Float32Array | Int32Array; height: number; width: number }[],
  progress: (f: number) => void,
): Promise<void> {
  for (let i = 0; i < tiles.length; i++) {
    progress(i / tiles.length);
    const t = tiles[i];
    const input = tiles.length === 1 ? src.data : cropChw(src.data, src.channels, src.height, src.width, t.rows.in0, t.rows.in1, t.cols.in0, t.cols.in1);
    const r = await run(input, [src.channels, t.rows.in1 - t.rows.in0, t.cols.in1 - t.cols.in0]);
    r.outs.forEach((out, k) => {
      const d = dst[k];
      const ch = out.length / (r.shape[1] * r.shape[2]);
      if (tiles.length === 1 && out.length === d.data.length) d.data.set(out as never);
      else pasteChw(d.data, d.height, d.width, out as never, ch, r.shape[1], r.shape[2], t.rows.skip, t.cols.skip, rowsOf(t), colsOf(t), t.rows.out0, t.cols.out0);
    });
  }
  progress(1);
}

/** The synthesis on tiles of ŷ (= symbols + means), written straight into an RGBA image of the original size. */
async function synthesizeTiled(
  pkg: ModelPackage,
  backend: LearnedBackend,
  yHat: Float32Array,
  yShape: Shape3,
  invGain: Float32Array,
  image: { width: number; height: number },
  tiles: Tile[],
  progress: (f: number) => void,
): Promise<RgbaImage> {
  const [M, yh, yw] = yShape;
  const out: RgbaImage = { width: image.width, height: image.height, data: new Uint8ClampedArray(image.width * image.height * 4) };
  const ops = pkg.manifest.transforms.synthesis;
  for (let i = 0; i < tiles.length; i++) {
    progress(i / tiles.length);
    const t = tiles[i];
    const [r0, r1, c0, c1] = [t.rows.in0, t.rows.in1, t.cols.in0, t.cols.in1];
    const tileIn = tiles.length === 1 ? yHat : cropChw(yHat, M, yh, yw, r0, r1, c0, c1);
    const th = outputLength(ops, r1 - r0);
    const tw = outputLength(ops, c1 - c0);
    const xh = await backend.synthesize(tileIn, [M, r1 - r0, c1 - c0], invGain);
    if (xh.shape.join() !== [3, th, tw].join()) throw new CodecError('decode-failed', `synthesis produced ${xh.shape.join('×')}, expected 3×${th}×${tw}.`, pkg.manifest.name);
    writeChwTile(xh.data, th, tw, t.rows.skip, t.cols.skip, rowsOf(t), colsOf(t), out, t.rows.out0, t.cols.out0);
  }
  progress(1);
  return out;
}

/** One latent as coded: its coder, shape, symbols, file tensor and bits. */
interface Coded {
  coder: LatentCoder;
  shape: Shape3;
  symbols: Int32Array;
  file: ContainerTensor;
  bits: ElementBits;
}

/** Encodes an image at rate t ∈ [0, 1] into an RDLB file. */
export async function encodeImage(pkg: ModelPackage, backend: LearnedBackend, image: RgbaImage, rate: number, o: EncodeOptions = {}): Promise<EncodeResult> {
  const m = pkg.manifest;
  const id = m.name;
  if (!(rate >= 0 && rate <= 1)) throw new CodecError('invalid-options', `rate t = ${rate} is outside [0, 1].`, id);
  checkImage(image, id);
  const t = Math.fround(rate);
  const st = new Stages(o, id);
  const coders = latentCoders(pkg);
  const hyper = coders.some((c) => c.source === 'hyper_analysis');

  const tile = tileSizes(o, id);
  // Progress spans per stage (the transforms dominate; entropy coding is a few % of the time).
  const P = o.reconstruct ? { a: 0.42, h: 0.5, e: 0.55 } : { a: hyper ? 0.8 : 0.9, h: 0.9, e: 1 };
  const pad = paddedSize(image.width, image.height, m.downsampling);
  const plan = plans(pkg, pad.height, pad.width, tile);
  const yCoder = coders[coders.length - 1];
  const yShape = wholeYShape(pkg, pad.height, pad.width);
  const [M, yh, yw] = yShape;

  st.next('analysis transform', 0);
  const gain = pkg.gain(t);
  const y = new Float32Array(M * yh * yw);
  const aTiles = plan.analysis();
  for (let i = 0; i < aTiles.length; i++) {
    st.within('analysis transform', 0, P.a, i / aTiles.length);
    const tl = aTiles[i];
    const [r0, r1, c0, c1] = [tl.rows.in0, tl.rows.in1, tl.cols.in0, tl.cols.in1];
    const yt = await backend.analyze(paddedChwRegion(image, r0, r1, c0, c1), r1 - r0, c1 - c0, gain);
    const want = [M, (r1 - r0) / Y_BLOCK, (c1 - c0) / Y_BLOCK];
    if (yt.shape.join() !== want.join()) throw new CodecError('encode-failed', `analysis produced ${yt.shape.join('×')}, expected ${want.join('×')}.`, id);
    pasteChw(y, yh, yw, yt.data, M, want[1], want[2], tl.rows.skip, tl.cols.skip, rowsOf(tl), colsOf(tl), tl.rows.out0, tl.cols.out0);
  }

  let stage = 'analysis';
  const hyperAnalysis = async (shape: Shape3): Promise<Float32Array> => {
    const values = new Float32Array(shape[0] * shape[1] * shape[2]);
    await tiled(
        plan.hyperAnalysis(),
        { data: y, channels: M, height: yh, width: yw },
        async (input, inShape) => {
          const r = await backend.hyperAnalyze(input, inShape);
          const want = [shape[0], inShape[1] / 4, inShape[2] / 4];
          if (r.shape.join() !== want.join()) throw new CodecError('encode-failed', `hyper-analysis produced ${r.shape.join('×')}, expected ${want.join('×')}.`, id);
          return { outs: [r.data], shape: r.shape as Shape3 };
        },
        [{ data: values, height: shape[1], width: shape[2] }],
        (f) => st.within('hyper-prior', P.a, (P.a + P.h) / 2, f),
      );
    return values;
  };

  // Refinement: y and z move to lower this image's rate–distortion loss; they are then coded as usual.
  let refinedZ: Float32Array | null = null;
  let refined: RefineResult | null = null;
  if (o.refine && o.refine.steps > 0) {
    const zCoder = coders.find((c) => c.source === 'hyper_analysis');
    if (!zCoder) throw new CodecError('invalid-options', `${id} has no hyper-prior: refinement needs one.`, id);
    st.next('refinement', P.a, stage);
    stage = 'refinement';
    const z0 = await hyperAnalysis(zCoder.shape(pad.height, pad.width));
    const target = paddedChwRegion(image, 0, pad.height, 0, pad.width);
    const steps = o.refine.steps;
    refined = await refineLatents(pkg, target, image.width, image.height, y, z0, t, {
      ...o.refine,
      context: backend.context.bind(backend),
      signal: o.signal,
      onStep: (i, info) => {
        st.within('refinement', P.a, P.a, (i + 1) / totalSteps(steps, info));
        o.refine?.onStep?.(i, info);
      },
    });
    y.set(refined.y);
    refinedZ = refined.z;
  }

  // The latents in coding order; each may condition the next (z → index, means for y).
  let cond: Conditioning = UNCONDITIONED;
  const coded: Coded[] = [];
  for (const coder of coders) {
    const shape = coder.shape(pad.height, pad.width);
    let values: Float32Array;
    if (coder.source === 'hyper_analysis') {
      st.next('hyper-prior', P.a, stage);
      stage = 'hyper-prior';
      values = refinedZ ?? (await hyperAnalysis(shape));
    } else {
      // a checkerboard pass is its own stage ('entropy coding: y anchors', …): per-pass timings
      const name = coder.pass === undefined ? 'entropy coding' : `entropy coding: ${coder.name}`;
      st.next(name, P.h, stage);
      stage = name;
      values = y;
    }
    const symbols = coder.quantize(values, cond);
    const index = coder.tableIndex(shape, cond);
    const tables = coder.tables(t);
    coded.push({ coder, shape, symbols, file: { shape, ...encodeTensor(symbols, index.entropy, tables) }, bits: elementBits(symbols, index.bits, tables) });
    if (coder.conditions === 'hyper_synthesis') {
      cond = await hyperSynthesisTiled(pkg, backend, symbols, shape, yShape, plan.hyperSynthesis(), (f) => st.within('hyper-prior', (P.a + P.h) / 2, P.h, f), 'encode-failed');
    } else if (coder.conditions === 'context') {
      st.next('context model', P.h, stage);
      stage = 'context model';
      cond = await contextConditioning(pkg, backend, symbols, cond, 'encode-failed');
    }
  }

  const bytes = writeContainer({
    modelId: modelId(pkg),
    modelHash: pkg.hash,
    rate: t,
    width: image.width,
    height: image.height,
    tensors: coded.map((c) => c.file).reverse(),
  });

  // y whole (its passes merged where a checkerboard context coded it in two)
  const whole = mergePasses(coded, yShape);
  const yCoded = { symbols: whole.symbols, bits: whole.bits! };
  const zCoded = coded.find((c) => c.coder.name === 'z') ?? null;
  const meanOf = (v: Int32Array) => v.reduce((a, b) => a + b, 0) / v.length;
  const yLatents = (c: Coded) => c.coder.name !== 'z';
  // The bit map and the side panel list y first; the side panel shows each pass of y (its share of the bits),
  // the bit map y's whole grid.
  const latentBits = (c: Coded): LatentBits => ({
    name: c.coder.name,
    channels: c.shape[0],
    height: c.shape[1],
    width: c.shape[2],
    block: c.coder.block,
    bits: c.bits,
    values: yLatents(c) && cond.index ? { 'mean scale index': meanOf(c.coder.pass === undefined ? cond.index : c.coder.tableIndex(c.shape, cond).entropy as Int32Array) } : undefined,
  });
  const lat: LatentBits[] = coded.filter(yLatents).map(latentBits).concat(zCoded ? [latentBits(zCoded)] : []);
  const map: LatentBits[] = [{ name: 'y', channels: M, height: yh, width: yw, block: Y_BLOCK, bits: yCoded.bits }, ...(zCoded ? [latentBits(zCoded)] : [])];
  const result: EncodeResult = {
    bytes,
    t,
    y: { shape: yShape, symbols: yCoded.symbols, bits: yCoded.bits },
    z: zCoded && { shape: zCoded.shape, symbols: zCoded.symbols, bits: zCoded.bits },
    index: cond.index,
    bitMap: bitAllocationMap(image.width, image.height, map),
    latents: lat.map(latentStatistics),
    stageMs: st.ms,
  };
  if (refined) {
    const { y: _y, z: _z, ...info } = refined;
    result.refine = info;
  }
  if (o.reconstruct) {
    st.next('synthesis transform', P.e, stage);
    result.reconstruction = await synthesizeTiled(pkg, backend, yCoder.dequantize(yCoded.symbols, cond), yShape, pkg.gain(t, true), image, plan.synthesis(), (f) => st.within('synthesis transform', P.e, 1, f));
    st.end('synthesis');
  } else st.end(stage);
  return result;
}

/** Index (and means) for every y element from ẑ, on tiles; the index is exact integer arithmetic on every backend. */
async function hyperSynthesisTiled(
  pkg: ModelPackage,
  backend: LearnedBackend,
  zHat: Int32Array,
  zShape: Shape3,
  yShape: Shape3,
  tiles: Tile[],
  progress: (f: number) => void,
  kind: 'encode-failed' | 'decode-failed',
): Promise<Conditioning> {
  const [M, yh, yw] = yShape;
  const tr = pkg.manifest.transforms;
  const withMeans = !!tr.means;
  const index = new Int32Array(M * yh * yw);
  const means = withMeans ? new Float32Array(index.length) : null;
  const dst: { data: Float32Array | Int32Array; height: number; width: number }[] = [{ data: index, height: yh, width: yw }];
  if (means) dst.push({ data: means, height: yh, width: yw });
  // a checkerboard context reads the integer features too (N channels: what the scale head reads)
  const N = tr.context_int && tr.scale_index_int?.[0].op === 'iconv2d' ? tr.scale_index_int[0].cin : 0;
  const features = N ? new Int32Array(N * yh * yw) : null;
  if (features) dst.push({ data: features, height: yh, width: yw });
  await tiled(
    tiles,
    { data: zHat, channels: zShape[0], height: zShape[1], width: zShape[2] },
    async (input, shape) => {
      const r = await backend.hyperSynthesis(input, shape);
      const n = M * shape[1] * shape[2] * 16;
      if (r.index.length !== n || (withMeans && r.means?.length !== n) || (features && r.features?.length !== (n / M) * N)) {
        throw new CodecError(kind, `hyper-synthesis produced ${r.index.length} indexes, ${r.means?.length ?? 0} means and ${r.features?.length ?? 0} features for ${n} latents.`, pkg.manifest.name);
      }
      const outs: (Int32Array | Float32Array)[] = [r.index];
      if (r.means) outs.push(r.means);
      if (features) outs.push(r.features!);
      return { outs, shape: [M, shape[1] * 4, shape[2] * 4] };
    },
    dst,
    progress,
  );
  return { index, means, features: features && { data: features, shape: [N, yh, yw] } };
}

function decodeError(e: unknown, id: string): CodecError {
  if (e instanceof CodecError) return e;
  const what = e instanceof ContainerError ? `${e.kind}: ` : e instanceof EntropyError ? `entropy ${e.kind}: ` : '';
  return new CodecError('decode-failed', `${id} cannot decode this file (${what}${messageOf(e)})`, id);
}

/** Decodes an RDLB file made by this model. Every problem with the file is a CodecError('decode-failed'). */
export async function decodeFile(pkg: ModelPackage, backend: LearnedBackend, bytes: Uint8Array, o: PipelineOptions = {}): Promise<DecodeResult> {
  const m = pkg.manifest;
  const id = m.name;
  const st = new Stages(o, id);
  const tile = tileSizes(o, id);
  st.next('reading file', 0);
  let file;
  try {
    file = readContainer(bytes, { modelHash: pkg.hash, modelId: modelId(pkg), shapes: (w, h) => latentShapes(pkg, w, h) });
  } catch (e) {
    throw decodeError(e, id);
  }
  const t = file.rate;
  if (!(t >= 0 && t <= 1)) throw new CodecError('decode-failed', `${id} cannot decode this file (rate t = ${t} is outside [0, 1]).`, id);
  const pad = paddedSize(file.width, file.height, m.downsampling);
  const plan = plans(pkg, pad.height, pad.width, tile);
  // The file lists the tensors in the reverse of the coding order (y first).
  const coders = latentCoders(pkg);
  const tensors = [...file.tensors].reverse();
  const yShape = wholeYShape(pkg, pad.height, pad.width);
  let cond: Conditioning = UNCONDITIONED;
  let stage = 'reading file';
  const symbols: Int32Array[] = [];
  for (let i = 0; i < coders.length; i++) {
    const coder = coders[i];
    const tensor = tensors[i];
    const [c, h, w] = tensor.shape;
    const [name, at] = coder.name === 'z' ? ['hyper-prior', 0.1] : [coder.pass === undefined ? 'entropy decoding' : `entropy decoding: ${coder.name}`, 0.3];
    st.next(name, at, stage);
    stage = name;
    let s: Int32Array;
    try {
      s = decodeTensor(tensor, coder.tableIndex(tensor.shape, cond).entropy, coder.tables(t), c * h * w);
    } catch (e) {
      throw decodeError(e, id);
    }
    coder.check(s, id);
    symbols.push(s);
    if (coder.conditions === 'hyper_synthesis') {
      cond = await hyperSynthesisTiled(pkg, backend, s, tensor.shape, yShape, plan.hyperSynthesis(), (f) => st.within('hyper-prior', 0.1, 0.3, f), 'decode-failed');
    } else if (coder.conditions === 'context') {
      st.next('context model', 0.3, stage);
      stage = 'context model';
      cond = await contextConditioning(pkg, backend, s, cond, 'decode-failed');
    }
  }
  const ySymbols = mergePasses(coders.map((coder, i) => ({ coder, symbols: symbols[i] })), yShape).symbols;
  const zi = coders.findIndex((c) => c.name === 'z');
  const zSymbols = zi >= 0 ? symbols[zi] : null;
  st.next('synthesis transform', 0.45, stage);
  const image = await synthesizeTiled(pkg, backend, coders[coders.length - 1].dequantize(ySymbols, cond), yShape, pkg.gain(t, true), file, plan.synthesis(), (f) => st.within('synthesis transform', 0.45, 1, f));
  st.end('synthesis');
  return { image, t, ySymbols, zSymbols, stageMs: st.ms };
}
