// Depth-to-space ×r (PixelShuffle) for f32 and i32 tensors: shaders/depth_to_space.wgsl.
import code from '../shaders/depth_to_space.wgsl?raw';
import type { Program, Recorder } from '../engine';
import { paramsLayout } from '../params';
import { GpuEngineError } from '../errors';
import type { DType, Tensor } from '../tensor';
import { checkInt, checkLive, elementGrid } from './common';

/** Input height and width, output element count (the block r is a pipeline constant). */
export const DEPTH_TO_SPACE_PARAMS = paramsLayout({ h_in: 'u32', w_in: 'u32', n: 'u32' });

const program: Program = { id: 'depth_to_space', code: DEPTH_TO_SPACE_PARAMS.wgsl + code, entryPoint: 'depth_to_space', bindings: ['read', 'write'] };

export function depthToSpace<D extends DType>(rec: Recorder, x: Tensor<D>, r = 2): Tensor<D> {
  checkLive('depthToSpace', x);
  checkInt('depthToSpace factor', r, 1, 8);
  if (x.c % (r * r) !== 0) throw new GpuEngineError('shape', `depthToSpace: ${x.c} channels are not divisible by ${r * r}`);
  const y = rec.tensor([x.c / (r * r), x.h * r, x.w * r], x.dtype);
  rec.dispatch({
    program,
    constants: { R: r },
    uniforms: DEPTH_TO_SPACE_PARAMS.write({ h_in: x.h, w_in: x.w, n: y.size }),
    buffers: [x, y],
    workgroups: elementGrid(rec.engine, y.size),
    label: `depthToSpace ×${r}`,
  });
  return y;
}
