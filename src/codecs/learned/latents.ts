// The latents a model codes, and how: a list of latent coders read from the manifest's structure (which
// transforms and entropy tables it has), never from its architecture's name. pipeline.ts walks the list.
//
//   z  — where the package has entropy.z: z = hyper_analysis(y), symbols ẑ = clamp(round(z), ±127), one
//        factorized table per channel; its decoded symbols condition the next latent through the integer
//        hyper-synthesis (a table index per element of y, and means where transforms.means exists).
//   y  — symbols round(y − means) (means 0 without a means head); tables: Gaussian by the index the latent
//        before it gave (entropy.y.family 'gaussian'), else one factorized table per channel.
//
// Coding order is the list's order (z before y: the decoder needs ẑ to read y); files store the tensors in
// the reverse order, y first (docs/container-format.md), as they always have. A context model would add passes
// over y after the hyper-prior's, each a coder conditioned by the ones before it.
import type { Shape3 } from '../container';
import { perChannel, type CdfTables, type TableIndex } from '../entropy';
import { CodecError } from '../types';
import type { ElementTables } from './bits';
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
}

export const UNCONDITIONED: Conditioning = { index: null, means: null };

export interface LatentCoder {
  readonly name: 'y' | 'z';
  /** Pixels per latent position along a side (for the bit map). */
  readonly block: number;
  /** Its values: y itself ('analysis') or z = hyper_analysis(y). */
  readonly source: 'analysis' | 'hyper_analysis';
  /** What its decoded symbols give the next latent: the integer hyper-synthesis' index (+ means); none for y. */
  readonly conditions: 'hyper_synthesis' | null;
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

/** The model's latent coders in coding order: [z, y] for a hyper-prior model, [y] otherwise. */
export function latentCoders(pkg: ModelPackage): LatentCoder[] {
  return pkg.manifest.entropy.z ? [hyperLatent(pkg), mainLatent(pkg)] : [mainLatent(pkg)];
}
