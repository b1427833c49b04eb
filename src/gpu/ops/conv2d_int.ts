// Integer conv2d ("iconv") on i32 CHW tensors: shaders/conv2d_int.wgsl. Bit-identical to the CPU path in
// ../int/iconv.ts (which is also its test oracle); see there for the exact definition.
import code from '../shaders/conv2d_int.wgsl?raw';
import type { Dispatch, GpuEngine, Program, Recorder } from '../engine';
import { paramsLayout } from '../params';
import { GpuEngineError } from '../errors';
import { iconvOutputShape, IConvError, validateIConv, type IConvParams } from '../int/iconv';
import type { Tensor } from '../tensor';
import { checkChannels, checkLive, elementGrid } from './common';

/** Input and output sizes, output element count, kernel, stride, zero padding. */
export const ICONV_PARAMS = paramsLayout({ cin: 'u32', hin: 'u32', win: 'u32', hout: 'u32', wout: 'u32', total: 'u32', k: 'u32', stride: 'u32', pad: 'u32' });

const program: Program = { id: 'conv2d_int/iconv', code: ICONV_PARAMS.wgsl + code, entryPoint: 'iconv', bindings: ['read', 'read', 'read', 'write'] };

export interface IConvLayer {
  readonly kind: 'iconv';
  readonly cin: number;
  readonly cout: number;
  readonly k: number;
  readonly stride: number;
  readonly pad: number;
  readonly weight: GPUBuffer;
  /** (bias, divisor, lo, hi) per output channel. */
  readonly quant: GPUBuffer;
}

/** An integer layer's GPU tensors (the iconv and checkerboard kernels share them): its parameters checked
 * (`check` adds a kernel's own conditions; an IConvError becomes GpuEngineError 'params'), its int32 weights and its
 * per-output-channel epilogue [bias, divisor, lo, hi]. */
export function uploadIntLayerTensors(engine: GpuEngine, p: IConvParams, label: string, check: () => void = () => {}): { weight: GPUBuffer; quant: GPUBuffer } {
  try {
    validateIConv(p);
    check();
  } catch (e) {
    if (e instanceof IConvError) throw new GpuEngineError('params', e.message);
    throw e;
  }
  const q = new Int32Array(4 * p.cout);
  for (let o = 0; o < p.cout; o++) q.set([p.bias[o], p.divisor[o], p.lo[o], p.hi[o]], 4 * o);
  return { weight: engine.constant(Int32Array.from(p.weight), `${label} weight`), quant: engine.constant(q, `${label} bias/divisor/clamp`) };
}

export function uploadIConv(engine: GpuEngine, p: IConvParams): IConvLayer {
  return { kind: 'iconv', cin: p.cin, cout: p.cout, k: p.k, stride: p.stride, pad: p.pad, ...uploadIntLayerTensors(engine, p, 'iconv') };
}

export function iconvDispatch(engine: GpuEngine, x: Tensor, y: Tensor, l: IConvLayer): Dispatch {
  return {
    program,
    uniforms: ICONV_PARAMS.write({ cin: l.cin, hin: x.h, win: x.w, hout: y.h, wout: y.w, total: y.size, k: l.k, stride: l.stride, pad: l.pad }),
    buffers: [x, l.weight, l.quant, y],
    workgroups: elementGrid(engine, y.size),
    label: `iconv ${l.cin}→${l.cout} k${l.k} s${l.stride}`,
  };
}

export function iconv(rec: Recorder, x: Tensor, l: IConvLayer): Tensor<'i32'> {
  checkLive('iconv', x);
  if (x.dtype !== 'i32') throw new GpuEngineError('shape', `iconv: needs an i32 tensor, got ${x.dtype}`);
  checkChannels('iconv', x, l.cin);
  const shape = iconvOutputShape(x.shape, l);
  if (shape[1] < 1 || shape[2] < 1) throw new GpuEngineError('shape', `iconv: input ${x.h}×${x.w} too small for kernel ${l.k}`);
  const y = rec.tensor(shape, 'i32');
  rec.dispatch(iconvDispatch(rec.engine, x, y, l));
  return y;
}
