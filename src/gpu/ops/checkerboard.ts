// The checkerboard context layer (op checkerboard_iconv2d) on i32 CHW tensors: shaders/checkerboard.wgsl.
// Bit-identical to the CPU path (../int/iconv.ts with the layer's parity and clip; ../oplist.ts
// checkerboardParamsOf), which is its test oracle. It computes only the non-anchors and reads only the anchors.
import code from '../shaders/checkerboard.wgsl?raw';
import type { Dispatch, GpuEngine, Program, Recorder } from '../engine';
import { GpuEngineError } from '../errors';
import { iconvOutputShape, IConvError, type IConvParams } from '../int/iconv';
import { uploadIntLayerTensors } from './conv2d_int';
import { paramsLayout } from '../params';
import type { Tensor } from '../tensor';
import { checkChannels, checkLive, elementGrid } from './common';

/** Input and output sizes, pairs per output row (⌈wout/2⌉), thread count, kernel, padding, input clamp. */
export const CHECKERBOARD_PARAMS = paramsLayout({ cin: 'u32', hin: 'u32', win: 'u32', hout: 'u32', wout: 'u32', pairs: 'u32', total: 'u32', k: 'u32', pad: 'u32', clip: 'u32' });

const program: Program = { id: 'checkerboard/checkerboard', code: CHECKERBOARD_PARAMS.wgsl + code, entryPoint: 'checkerboard', bindings: ['read', 'read', 'read', 'write'] };

export interface CheckerboardLayer {
  readonly kind: 'checkerboard';
  readonly cin: number;
  readonly cout: number;
  readonly k: number;
  readonly pad: number;
  readonly clip: number;
  readonly weight: GPUBuffer;
  /** (bias, divisor, lo, hi) per output channel. */
  readonly quant: GPUBuffer;
}

/** p: the layer as checkerboardParamsOf gives it (parity 1, clip set, stride 1). */
export function uploadCheckerboard(engine: GpuEngine, p: IConvParams): CheckerboardLayer {
  const tensors = uploadIntLayerTensors(engine, p, 'checkerboard', () => {
    if (p.parity !== 1 || p.clip === undefined || p.stride !== 1) throw new IConvError('params', 'checkerboard: needs parity 1 (non-anchors), a clip and stride 1');
    if (p.k % 2 !== 1) throw new IConvError('params', `checkerboard: kernel ${p.k} must be odd`);
  });
  return { kind: 'checkerboard', cin: p.cin, cout: p.cout, k: p.k, pad: p.pad, clip: p.clip!, ...tensors };
}

export function checkerboardDispatch(engine: GpuEngine, x: Tensor, y: Tensor, l: CheckerboardLayer): Dispatch {
  const pairs = Math.ceil(y.w / 2);
  const total = l.cout * y.h * pairs;
  return {
    program,
    uniforms: CHECKERBOARD_PARAMS.write({ cin: l.cin, hin: x.h, win: x.w, hout: y.h, wout: y.w, pairs, total, k: l.k, pad: l.pad, clip: l.clip }),
    buffers: [x, l.weight, l.quant, y],
    workgroups: elementGrid(engine, total),
    label: `checkerboard ${l.cin}→${l.cout} k${l.k}`,
  };
}

export function checkerboard(rec: Recorder, x: Tensor, l: CheckerboardLayer): Tensor<'i32'> {
  checkLive('checkerboard', x);
  if (x.dtype !== 'i32') throw new GpuEngineError('shape', `checkerboard: needs an i32 tensor, got ${x.dtype}`);
  checkChannels('checkerboard', x, l.cin);
  const shape = iconvOutputShape(x.shape, { cout: l.cout, k: l.k, stride: 1, pad: l.pad });
  if (shape[1] < 1 || shape[2] < 1) throw new GpuEngineError('shape', `checkerboard: input ${x.h}×${x.w} too small for kernel ${l.k}`);
  const y = rec.tensor(shape, 'i32');
  rec.dispatch(checkerboardDispatch(rec.engine, x, y, l));
  return y;
}
