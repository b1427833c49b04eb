// Depth-to-space ×r (PixelShuffle) for f32 and i32 tensors: shaders/depth_to_space.wgsl.
import code from '../shaders/depth_to_space.wgsl?raw';
import type { Program, Recorder } from '../engine';
import { paramsLayout } from '../params';
import { GpuEngineError } from '../errors';
import type { DType, Tensor } from '../tensor';
import { checkInt, checkLive, elementGrid } from './common';

/** The small grid's height and width (depth_to_space: the input's; space_to_depth: the output's), output element count (the block r is a pipeline constant). */
export const DEPTH_TO_SPACE_PARAMS = paramsLayout({ h_in: 'u32', w_in: 'u32', n: 'u32' });

const program: Program = { id: 'depth_to_space', code: DEPTH_TO_SPACE_PARAMS.wgsl + code, entryPoint: 'depth_to_space', bindings: ['read', 'write'] };
const inverse: Program = { id: 'space_to_depth', code: DEPTH_TO_SPACE_PARAMS.wgsl + code, entryPoint: 'space_to_depth', bindings: ['read', 'write'] };

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

/** Space-to-depth ÷r in CRD order, the inverse permutation of depthToSpace (and so its VJP; refinement, issue 20). */
export function spaceToDepth<D extends DType>(rec: Recorder, x: Tensor<D>, r = 2): Tensor<D> {
  checkLive('spaceToDepth', x);
  checkInt('spaceToDepth factor', r, 1, 8);
  if (x.h % r !== 0 || x.w % r !== 0) throw new GpuEngineError('shape', `spaceToDepth: ${x.h}×${x.w} is not divisible by ${r}`);
  const y = rec.tensor([x.c * r * r, x.h / r, x.w / r], x.dtype);
  rec.dispatch({
    program: inverse,
    constants: { R: r },
    uniforms: DEPTH_TO_SPACE_PARAMS.write({ h_in: y.h, w_in: y.w, n: y.size }),
    buffers: [x, y],
    workgroups: elementGrid(rec.engine, y.size),
    label: `spaceToDepth ÷${r}`,
  });
  return y;
}
