// Networks as lists of layers. A LayerSpec is plain JSON (what a model manifest stores); loadSequential reads
// the weights for a list of specs from one blob, in order, and uploads them once. Sequential.record() then
// records the whole network into a recorder, releasing each intermediate as soon as the next layer has read it.
//
//   const g_s = loadSequential(engine, manifest.g_s, new WeightReader(blob, 'f16'));
//   const rec = engine.record();
//   const xhat = g_s.record(rec, yhat);
//   const img = tensorToImage(rec, xhat); rec.release(xhat);
//   const [rgba] = await rec.run([img]);
//
// Weight order per layer (PyTorch state_dict order): conv2d weight OIHW then bias; convTranspose2d weight
// [Cin][Cout][K][K] then bias; gdn/igdn beta (C) then gamma (C×C), effective (reparametrized) values.
import type { GpuEngine, Recorder } from './engine';
import { GpuEngineError } from './errors';
import { conv2d, convTranspose2d, uploadConv2d, uploadConvTranspose2d, type Activation, type Conv2dLayer, type ConvTranspose2dLayer } from './ops/conv2d';
import { gdn, uploadGdn, type GdnLayer } from './ops/gdn';
import { iconv, type IConvLayer } from './ops/conv2d_int';
import { abs, leakyRelu, relu, toFloat } from './ops/elementwise';
import { depthToSpace } from './ops/depth_to_space';
import type { Tensor } from './tensor';
import type { WeightReader } from './weights';

export type LayerSpec =
  | { op: 'conv2d'; cin: number; cout: number; k: number; stride?: number; pad?: number; bias?: boolean; act?: Activation }
  | { op: 'convTranspose2d'; cin: number; cout: number; k: number; pad: number; outputPad: number; bias?: boolean; act?: Activation }
  | { op: 'gdn'; channels: number }
  | { op: 'igdn'; channels: number }
  | { op: 'relu' }
  | { op: 'leakyRelu'; alpha?: number }
  | { op: 'abs' }
  | { op: 'depthToSpace'; r?: number };

/** An uploaded layer (weights on the GPU) or a weightless op. */
export type Layer =
  | Conv2dLayer
  | ConvTranspose2dLayer
  | GdnLayer
  | IConvLayer
  | { readonly kind: 'relu' }
  | { readonly kind: 'leakyRelu'; readonly alpha: number }
  | { readonly kind: 'abs' }
  | { readonly kind: 'depthToSpace'; readonly r: number }
  | { readonly kind: 'toFloat'; readonly scale: number };

/** Number of weight values a spec reads from the blob. */
export function specWeightCount(s: LayerSpec): number {
  switch (s.op) {
    case 'conv2d':
    case 'convTranspose2d':
      return s.cin * s.cout * s.k * s.k + (s.bias === false ? 0 : s.cout);
    case 'gdn':
    case 'igdn':
      return s.channels + s.channels * s.channels;
    default:
      return 0;
  }
}

export function loadLayer(engine: GpuEngine, s: LayerSpec, w: WeightReader, name: string = s.op): Layer {
  switch (s.op) {
    case 'conv2d': {
      const weight = w.take(s.cout * s.cin * s.k * s.k, `${name}.weight`);
      const bias = s.bias === false ? null : w.take(s.cout, `${name}.bias`);
      return uploadConv2d(engine, { ...s, weight, bias });
    }
    case 'convTranspose2d': {
      const weight = w.take(s.cin * s.cout * s.k * s.k, `${name}.weight`);
      const bias = s.bias === false ? null : w.take(s.cout, `${name}.bias`);
      return uploadConvTranspose2d(engine, { ...s, weight, bias });
    }
    case 'gdn':
    case 'igdn': {
      const beta = w.take(s.channels, `${name}.beta`);
      const gamma = w.take(s.channels * s.channels, `${name}.gamma`);
      return uploadGdn(engine, { channels: s.channels, beta, gamma, inverse: s.op === 'igdn' });
    }
    case 'relu':
    case 'abs':
      return { kind: s.op };
    case 'leakyRelu':
      return { kind: 'leakyRelu', alpha: s.alpha ?? 0.01 };
    case 'depthToSpace':
      return { kind: 'depthToSpace', r: s.r ?? 2 };
    default:
      throw new GpuEngineError('params', `unknown layer op ${(s as { op: string }).op}`);
  }
}

/** Records one layer: x → new tensor (x is not released). */
export function recordLayer(rec: Recorder, x: Tensor, l: Layer): Tensor {
  switch (l.kind) {
    case 'conv2d':
      return conv2d(rec, x, l);
    case 'convTranspose2d':
      return convTranspose2d(rec, x, l);
    case 'gdn':
      return gdn(rec, x, l);
    case 'iconv':
      return iconv(rec, x, l);
    case 'relu':
      return relu(rec, x);
    case 'leakyRelu':
      return leakyRelu(rec, x, l.alpha);
    case 'abs':
      return abs(rec, x);
    case 'depthToSpace':
      return depthToSpace(rec, x, l.r);
    case 'toFloat':
      return toFloat(rec, x, l.scale);
  }
}

function buffersOf(l: Layer): GPUBuffer[] {
  const out: GPUBuffer[] = [];
  for (const v of Object.values(l)) if (typeof GPUBuffer !== 'undefined' && v instanceof GPUBuffer) out.push(v);
  return out;
}

export class Sequential {
  constructor(readonly layers: readonly Layer[]) {}

  /**
   * Records every layer into `rec` and returns the output tensor. Intermediates go back to the recording's free
   * list as soon as they have been consumed; the input is kept unless consumeInput is set.
   */
  record(rec: Recorder, x: Tensor, opts: { consumeInput?: boolean } = {}): Tensor {
    let cur = x;
    for (const l of this.layers) {
      const next = recordLayer(rec, cur, l);
      if (cur !== x || opts.consumeInput) rec.release(cur);
      cur = next;
    }
    return cur;
  }

  /** Frees the layers' weight buffers. */
  destroy(): void {
    for (const l of this.layers) for (const b of buffersOf(l)) b.destroy();
  }
}

/** Reads and uploads the weights of `specs` in order. Does not require the blob to end there (call w.end()). */
export function loadSequential(engine: GpuEngine, specs: readonly LayerSpec[], w: WeightReader, name = 'layer'): Sequential {
  return new Sequential(specs.map((s, i) => loadLayer(engine, s, w, `${name}[${i}]`)));
}
