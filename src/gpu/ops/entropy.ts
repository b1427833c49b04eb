// Entropy parameters of Gaussian conditionals (shaders/entropy.wgsl): scale → table index, likelihood, bits map.
import code from '../shaders/entropy.wgsl?raw';
import type { GpuEngine, Program, Recorder } from '../engine';
import { paramsLayout } from '../params';
import { GpuEngineError } from '../errors';
import { shapeStr, type Tensor } from '../tensor';
import { checkF32, elementGrid } from './common';

/** n: elements (pixels for bits_map); c: channels (bits_map); tlen: scale-table length; has_means; the bounds. */
export const ENTROPY_PARAMS = paramsLayout({ n: 'u32', c: 'u32', tlen: 'u32', has_means: 'u32', scale_bound: 'f32', lik_bound: 'f32' });

type Entry = 'scale_index' | 'gaussian_likelihood' | 'bits_map';
const programs = new Map<Entry, Program>();
function program(e: Entry): Program {
  let p = programs.get(e);
  if (!p) programs.set(e, (p = { id: `entropy/${e}`, code: ENTROPY_PARAMS.wgsl + code, entryPoint: e, bindings: ['read', 'read', 'read', 'write'] }));
  return p;
}

/** CompressAI defaults (GaussianConditional): scale_bound 0.11, likelihood_bound 1e-9. */
export const SCALE_BOUND = 0.11;
export const LIKELIHOOD_BOUND = 1e-9;

/** CompressAI get_scale_table(0.11, 256, 64): exp(linspace(ln 0.11, ln 256, 64)), as f32. */
export function defaultScaleTable(min = 0.11, max = 256, levels = 64): Float32Array {
  const t = new Float32Array(levels);
  const a = Math.log(min);
  const b = Math.log(max);
  for (let i = 0; i < levels; i++) t[i] = Math.exp(a + ((b - a) * i) / (levels - 1));
  return t;
}

export interface ScaleTable {
  readonly length: number;
  readonly buffer: GPUBuffer;
}

/** Uploads an increasing scale table (load the model's own table rather than recomputing it). */
export function uploadScaleTable(engine: GpuEngine, table: Float32Array): ScaleTable {
  if (table.length < 1) throw new GpuEngineError('params', 'scale table is empty');
  for (let i = 1; i < table.length; i++) {
    if (!(table[i] > table[i - 1])) throw new GpuEngineError('params', `scale table is not increasing at ${i}`);
  }
  return { length: table.length, buffer: engine.constant(table, 'scale table') };
}

/** index = first j with table[j] ≥ max(σ, bound), or length − 1 (CompressAI build_indexes). i32 output. */
export function scaleIndex(rec: Recorder, scales: Tensor, table: ScaleTable, bound = SCALE_BOUND): Tensor<'i32'> {
  checkF32('scaleIndex', scales);
  const y = rec.tensor(scales.shape, 'i32');
  rec.dispatch({
    program: program('scale_index'),
    uniforms: ENTROPY_PARAMS.write({ n: scales.size, c: 0, tlen: table.length, has_means: 0, scale_bound: bound, lik_bound: 0 }),
    buffers: [scales, table.buffer, rec.engine.dummy, y],
    workgroups: elementGrid(rec.engine, scales.size),
    label: 'scaleIndex',
  });
  return y;
}

export interface LikelihoodOptions {
  scaleBound?: number;
  likelihoodBound?: number;
}

/** Φ((v+½−μ)/σ) − Φ((v−½−μ)/σ) per element, σ ≥ scaleBound, result ≥ likelihoodBound. `means` null = zero mean. */
export function gaussianLikelihood(rec: Recorder, values: Tensor, means: Tensor | null, scales: Tensor, o: LikelihoodOptions = {}): Tensor<'f32'> {
  checkF32('gaussianLikelihood', values);
  checkF32('gaussianLikelihood', scales);
  for (const t of means ? [means, scales] : [scales]) {
    if (t.size !== values.size || t.c !== values.c) {
      throw new GpuEngineError('shape', `gaussianLikelihood: ${shapeStr(t.shape)} vs values ${shapeStr(values.shape)}`);
    }
  }
  if (means) checkF32('gaussianLikelihood', means);
  const y = rec.tensor(values.shape, 'f32');
  const u = ENTROPY_PARAMS.write({ n: values.size, c: 0, tlen: 0, has_means: means ? 1 : 0, scale_bound: o.scaleBound ?? SCALE_BOUND, lik_bound: o.likelihoodBound ?? LIKELIHOOD_BOUND });
  rec.dispatch({
    program: program('gaussian_likelihood'),
    uniforms: u,
    buffers: [values, means ?? rec.engine.dummy, scales, y],
    workgroups: elementGrid(rec.engine, values.size),
    label: 'gaussianLikelihood',
  });
  return y;
}

/** Σ_c −log2(likelihood[c, y, x]) → 1×H×W (bits per latent pixel; sum it for the total). */
export function bitsMap(rec: Recorder, likelihoods: Tensor): Tensor<'f32'> {
  checkF32('bitsMap', likelihoods);
  const hw = likelihoods.h * likelihoods.w;
  const y = rec.tensor([1, likelihoods.h, likelihoods.w], 'f32');
  rec.dispatch({
    program: program('bits_map'),
    uniforms: ENTROPY_PARAMS.write({ n: hw, c: likelihoods.c, tlen: 0, has_means: 0, scale_bound: 0, lik_bound: 0 }),
    buffers: [likelihoods, rec.engine.dummy, rec.engine.dummy, y],
    workgroups: elementGrid(rec.engine, hw),
    label: 'bitsMap',
  });
  return y;
}
