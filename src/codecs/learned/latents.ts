// The latents a model codes, and how: a list of latent coders read from the manifest's structure (which
// transforms and entropy tables it has), never from its architecture's name. pipeline.ts walks the list.
//
//   z  — where the package has entropy.z: z = hyper_analysis(y), symbols ẑ = clamp(round(z), ±127), one
//        factorized table per channel; its decoded symbols condition the next latent through the integer
//        hyper-synthesis (a table index per element of y, and means where transforms.means exists).
//   y  — symbols round(y − means) (means 0 without a means head); tables: Gaussian by the index the latent
//        before it gave (entropy.y.family 'gaussian'), else one factorized table per channel.
//
//   y anchors, y non-anchors — a checkerboard context (transforms.context_int; docs/learned-codecs.md): y in two
//        passes, each its own tensor of M × h × w/2. The anchors ((row + column) even) use the hyper-prior's index
//        and means; their symbols then condition the others through the context (`contextConditioning`: the
//        backend's context call, exact integer index, float means), which replaces the non-anchors' index and means.
//
// Coding order is the list's order (z before y: the decoder needs ẑ to read y); files store the tensors in
// the reverse order, y first (docs/container-format.md), as they always have: [y non-anchors, y anchors, z].
import type { Shape3 } from '../container';
import { perChannel, type CdfTables, type TableIndex } from '../entropy';
import { CodecError } from '../types';
import type { ElementBits, ElementTables } from './bits';
import type { LearnedBackend } from './backend';
import { passElements, setPassElements, type Pass } from './checkerboard';
import { roundHalfEven } from './image';
import type { ModelPackage } from './package';

/** Largest z magnitude (tools/train/models.py Z_CLAMP): the integer hyper-synthesis' input range. */
export const Z_CLAMP = 127;
/** Pixels per y position along each side (four stride-2 layers). */
export const Y_BLOCK = 16;
/** Pixels per z position along each side (two more stride-2 layers). */
export const Z_BLOCK = 64;

/** What the latents coded before a latent give it: a table per element and a mean per element. */
export interface Conditioning {
  index: Int32Array | null;
  means: Float32Array | null;
  /** The integer hyper-synthesis' features (N × h × w, 0 … 127, y's h × w), where a context model reads them. */
  features?: { data: Int32Array; shape: Shape3 } | null;
}

export const UNCONDITIONED: Conditioning = { index: null, means: null };

export interface LatentCoder {
  readonly name: 'y' | 'z' | 'y anchors' | 'y non-anchors';
  /** Pixels per latent position along a side (for the bit map). */
  readonly block: number;
  /** Its values: y itself ('analysis') or z = hyper_analysis(y). */
  readonly source: 'analysis' | 'hyper_analysis';
  /** What its decoded symbols give the next latent: the integer hyper-synthesis' index (+ means, features), or
   * the checkerboard context's index and means for the non-anchors (contextConditioning); none for y. */
  readonly conditions: 'hyper_synthesis' | 'context' | null;
  /** Checkerboard passes: which of y's elements it codes (0: anchors, 1: the others). Such a coder's quantize and
   * tableIndex read y's whole values and conditioning and give its pass's elements; its dequantize takes y's
   * whole symbols (mergePasses) and conditioning. */
  readonly pass?: Pass;
  /** Its shape for an image padded to height × width. */
  shape(height: number, width: number): Shape3;
  /** Encoder: symbols of the (float32) values given the conditioning. */
  quantize(values: Float32Array, cond: Conditioning): Int32Array;
  /** Decoder: refuses symbols no encoder writes (a CodecError('decode-failed')). */
  check(symbols: Int32Array, codecId: string): void;
  /** The table each symbol is coded with, for the entropy coder and for the bit count. */
  tableIndex(shape: Shape3, cond: Conditioning): { entropy: TableIndex; bits: ElementTables };
  /** The tables at rate t. */
  tables(t: number): CdfTables;
  /** ŷ = symbols + means in float32, the same expression on encoder and decoder (the synthesis input). */
  dequantize(symbols: Int32Array, cond: Conditioning): Float32Array;
}

function perChannelIndex(shape: Shape3): { entropy: TableIndex; bits: ElementTables } {
  const plane = shape[1] * shape[2];
  return { entropy: perChannel(shape[0], plane), bits: { planeSize: plane } };
}

/** z of a hyper-prior model: clamped integers, one factorized table per channel. */
function hyperLatent(pkg: ModelPackage): LatentCoder {
  const Nz = pkg.manifest.channels.Nz;
  if (Nz === undefined) throw new CodecError('load-failed', `${pkg.name} has entropy.z but no channels.Nz.`, pkg.name);
  return {
    name: 'z',
    block: Z_BLOCK,
    source: 'hyper_analysis',
    conditions: 'hyper_synthesis',
    shape: (h, w) => [Nz, h / Z_BLOCK, w / Z_BLOCK],
    quantize(z) {
      const out = new Int32Array(z.length);
      for (let i = 0; i < out.length; i++) {
        const r = roundHalfEven(z[i]);
        out[i] = r > Z_CLAMP ? Z_CLAMP : r < -Z_CLAMP ? -Z_CLAMP : r || 0; // NaN → 0
      }
      return out;
    },
    check(symbols, codecId) {
      for (let i = 0; i < symbols.length; i++) {
        if (symbols[i] < -Z_CLAMP || symbols[i] > Z_CLAMP) {
          throw new CodecError('decode-failed', `${codecId} cannot decode this file (z[${i}] = ${symbols[i]} is outside ±${Z_CLAMP}; no encoder writes that).`, codecId);
        }
      }
    },
    tableIndex: perChannelIndex,
    tables: (t) => pkg.tables('z', t),
    dequantize: (symbols) => Float32Array.from(symbols),
  };
}

/** y: round(y − means), Gaussian tables by index when the latent before it gives one, else per channel. */
function mainLatent(pkg: ModelPackage): LatentCoder {
  const M = pkg.manifest.channels.M;
  const gaussian = pkg.manifest.entropy.y.family === 'gaussian';
  return {
    name: 'y',
    block: Y_BLOCK,
    source: 'analysis',
    conditions: null,
    shape: (h, w) => [M, h / Y_BLOCK, w / Y_BLOCK],
    quantize(y, { means }) {
      const out = new Int32Array(y.length);
      if (means) for (let i = 0; i < out.length; i++) out[i] = roundHalfEven(Math.fround(y[i] - means[i])) || 0;
      else for (let i = 0; i < out.length; i++) out[i] = roundHalfEven(y[i]) || 0;
      return out;
    },
    check() {},
    tableIndex(shape, { index }) {
      if (!gaussian) return perChannelIndex(shape);
      if (!index) throw new CodecError('load-failed', `${pkg.name}: Gaussian y tables need the index a hyper-prior gives.`, pkg.name);
      return { entropy: index, bits: { perElement: index } };
    },
    tables: (t) => pkg.tables('y', t),
    dequantize(symbols, { means }) {
      const out = new Float32Array(symbols.length);
      if (means) for (let i = 0; i < out.length; i++) out[i] = symbols[i] + means[i];
      else for (let i = 0; i < out.length; i++) out[i] = symbols[i];
      return out;
    },
  };
}

/** y's shape from the conditioning a checkerboard pass is given (the features have y's height and width). */
function yShapeOf(pkg: ModelPackage, cond: Conditioning): Shape3 {
  if (!cond.features || !cond.index || !cond.means) throw new CodecError('load-failed', `${pkg.name}: a checkerboard pass needs the hyper-prior's index, means and features.`, pkg.name);
  const [, h, w] = cond.features.shape;
  return [pkg.manifest.channels.M, h, w];
}

/** One pass of y under a checkerboard context: y's coder on the pass's elements (M × h × w/2). */
function passLatent(pkg: ModelPackage, p: Pass): LatentCoder {
  const y = mainLatent(pkg);
  const M = pkg.manifest.channels.M;
  return {
    ...y,
    name: p === 0 ? 'y anchors' : 'y non-anchors',
    conditions: p === 0 ? 'context' : null,
    pass: p,
    shape: (h, w) => [M, h / Y_BLOCK, w / (2 * Y_BLOCK)],
    quantize: (values, cond) => passElements(y.quantize(values, cond), yShapeOf(pkg, cond), p),
    tableIndex(shape, cond) {
      const whole: Shape3 = [shape[0], shape[1], 2 * shape[2]];
      if (!cond.index || cond.index.length !== whole[0] * whole[1] * whole[2]) throw new CodecError('load-failed', `${pkg.name}: a checkerboard pass needs y's whole index.`, pkg.name);
      const index = passElements(cond.index, whole, p);
      return { entropy: index, bits: { perElement: index } };
    },
  };
}

/** The model's latent coders in coding order: [z, y] for a hyper-prior model, [z, y anchors, y non-anchors] with
 * a checkerboard context, [y] otherwise. */
export function latentCoders(pkg: ModelPackage): LatentCoder[] {
  if (!pkg.manifest.entropy.z) return [mainLatent(pkg)];
  if (pkg.manifest.transforms.context_int) return [hyperLatent(pkg), passLatent(pkg, 0), passLatent(pkg, 1)];
  return [hyperLatent(pkg), mainLatent(pkg)];
}

/** y's whole symbols and element bits from the coded latents: the last one's, or its two passes merged. */
export function mergePasses(coded: readonly { coder: LatentCoder; symbols: Int32Array; bits?: ElementBits }[], yShape: Shape3): { symbols: Int32Array; bits: ElementBits | null } {
  const passes = coded.filter((c) => c.coder.pass !== undefined);
  if (passes.length === 0) {
    const last = coded[coded.length - 1];
    return { symbols: last.symbols, bits: last.bits ?? null };
  }
  const n = yShape[0] * yShape[1] * yShape[2];
  const symbols = new Int32Array(n);
  const bits = new Float64Array(n);
  let total = 0;
  let escapes = 0;
  for (const c of passes) {
    setPassElements(symbols, yShape, c.coder.pass!, c.symbols);
    if (c.bits) {
      setPassElements(bits, yShape, c.coder.pass!, c.bits.bits);
      total += c.bits.total;
      escapes += c.bits.escapes;
    }
  }
  return { symbols, bits: passes.every((c) => c.bits) ? { bits, total, escapes } : null };
}

/**
 * The checkerboard's pass 2 conditioning: the backend's context call on the hyper-prior's features and the anchors'
 * symbols (pass 0, M × h × w/2) gives the non-anchors' index (exact integers) and means (pass layout), which replace
 * the hyper-prior's there; the anchors keep theirs. `cond`: the hyper-prior's (whole y: index, means, features).
 */
export async function contextConditioning(pkg: ModelPackage, backend: LearnedBackend, anchors: Int32Array, cond: Conditioning, kind: 'encode-failed' | 'decode-failed'): Promise<Conditioning> {
  const yShape = yShapeOf(pkg, cond);
  const f = cond.features!;
  const n = yShape[0] * yShape[1] * yShape[2];
  const symbols = new Int32Array(n);
  setPassElements(symbols, yShape, 0, anchors);
  const r = await backend.context(f.data, f.shape, symbols, yShape);
  if (r.index.length !== n / 2 || r.means.length !== n / 2) throw new CodecError(kind, `the context model produced ${r.index.length} indexes and ${r.means.length} means for ${n / 2} non-anchors.`, pkg.name);
  const index = Int32Array.from(cond.index!);
  const means = Float32Array.from(cond.means!);
  setPassElements(index, yShape, 1, r.index);
  setPassElements(means, yShape, 1, r.means);
  return { index, means, features: f };
}
