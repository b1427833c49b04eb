// Depth-to-space ×r (PixelShuffle) for f32 and i32 tensors: shaders/depth_to_space.wgsl.
import code from '../shaders/depth_to_space.wgsl?raw';
import { Uniforms, type Program, type Recorder } from '../engine';
import { GpuEngineError } from '../errors';
import type { DType, Tensor } from '../tensor';
import { checkInt, checkLive, elementGrid } from './common';

const program: Program = { id: 'depth_to_space', code, entryPoint: 'depth_to_space', bindings: ['read', 'write'] };

export function depthToSpace<D extends DType>(rec: Recorder, x: Tensor<D>, r = 2): Tensor<D> {
  checkLive('depthToSpace', x);
  checkInt('depthToSpace factor', r, 1, 8);
  if (x.c % (r * r) !== 0) throw new GpuEngineError('shape', `depthToSpace: ${x.c} channels are not divisible by ${r * r}`);
  const y = rec.tensor([x.c / (r * r), x.h * r, x.w * r], x.dtype);
  rec.dispatch({
    program,
    constants: { R: r },
    uniforms: new Uniforms(4).u32(y.c).u32(x.h).u32(x.w).u32(y.size).bytes(),
    buffers: [x, y],
    workgroups: elementGrid(rec.engine, y.size),
    label: `depthToSpace ×${r}`,
  });
  return y;
}
