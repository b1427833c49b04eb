// GDN / inverse GDN (CompressAI) on f32 CHW tensors: shaders/gemm_tile.wgsl + gdn.wgsl.
import core from '../shaders/gemm_tile.wgsl?raw';
import code from '../shaders/gdn.wgsl?raw';
import type { Dispatch, GpuEngine, Program, Recorder } from '../engine';
import { paramsLayout } from '../params';
import type { Tensor } from '../tensor';
import { checkChannels, checkF32, checkInt, checkLength, gemmGrid, gemmPrelude, gemmTile, type GemmTile } from './common';
import { packGemmWeights, padTo4 } from './conv2d';

/** c: channels; npix: H·W; inverse: IGDN; c4: ⌈c/4⌉ (the packed γ's row width in vec4s). */
export const GDN_PARAMS = paramsLayout({ c: 'u32', npix: 'u32', inverse: 'u32', c4: 'u32' });

const programs = new Map<string, Program>();
function program(t: GemmTile): Program {
  const id = `gdn/${t.wgM}x${t.wgN}`;
  let p = programs.get(id);
  if (!p) {
    p = { id, code: gemmPrelude(t) + GDN_PARAMS.wgsl + core + '\n' + code, entryPoint: 'gdn', bindings: ['read', 'read', 'read', 'write'] };
    programs.set(id, p);
  }
  return p;
}

export interface GdnParams {
  channels: number;
  /** Effective β (C values, > 0). */
  beta: Float32Array;
  /** Effective γ, C×C row-major: γ[i·C + j] weighs x_j² in the normalizer of channel i. */
  gamma: Float32Array;
  /** IGDN (multiply by the square root) instead of GDN. */
  inverse?: boolean;
}

export interface GdnLayer {
  readonly kind: 'gdn';
  readonly channels: number;
  readonly inverse: boolean;
  readonly beta: GPUBuffer;
  readonly gamma: GPUBuffer;
}

export function uploadGdn(engine: GpuEngine, p: GdnParams): GdnLayer {
  checkInt('gdn channels', p.channels, 1);
  checkLength('gdn beta', p.beta, p.channels);
  checkLength('gdn gamma', p.gamma, p.channels * p.channels);
  return {
    kind: 'gdn',
    channels: p.channels,
    inverse: p.inverse ?? false,
    beta: engine.constant(p.beta, 'gdn beta'),
    gamma: engine.constant(packGemmWeights(p.gamma, p.channels, p.channels), 'gdn gamma'),
  };
}

export function gdnDispatch(engine: GpuEngine, x: Tensor, y: Tensor, l: GdnLayer): Dispatch {
  const npix = x.h * x.w;
  const t = gemmTile(l.channels);
  return {
    program: program(t),
    uniforms: GDN_PARAMS.write({ c: l.channels, npix, inverse: l.inverse ? 1 : 0, c4: padTo4(l.channels) / 4 }),
    buffers: [x, l.gamma, l.beta, y],
    workgroups: gemmGrid(engine, t, l.channels, npix),
    label: `${l.inverse ? 'igdn' : 'gdn'} ${l.channels}`,
  };
}

export function gdn(rec: Recorder, x: Tensor, l: GdnLayer): Tensor<'f32'> {
  checkF32('gdn', x);
  checkChannels('gdn', x, l.channels);
  const y = rec.tensor(x.shape, 'f32');
  rec.dispatch(gdnDispatch(rec.engine, x, y, l));
  return y;
}
