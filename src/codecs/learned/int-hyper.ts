// The integer hyper-synthesis on the CPU (exact; docs/model-package.md "Integer hyper-synthesis"):
// z_hat → features (N channels, 0..127) → scale index (M channels, 0..63). The WGSL kernel
// (src/gpu/shaders/conv2d_int.wgsl) and the ONNX hyper_synthesis graph (onnx-graph.ts) must give the same integers.
import { depthToSpaceI32, iconv } from '../../gpu/int/iconv';
import { iconvParamsOf } from '../../gpu/oplist';
import type { Shape } from '../../gpu/tensor';
import { PackageError, type ModelPackage, type Op } from './package';

function runIntOps(pkg: ModelPackage, ops: Op[], x: Int32Array, shape: Shape): { data: Int32Array; shape: Shape } {
  let cur = { data: x, shape };
  for (const op of ops) {
    if (op.op === 'iconv2d') cur = iconv(cur.data, cur.shape, iconvParamsOf(op, pkg));
    else if (op.op === 'depth_to_space') cur = depthToSpaceI32(cur.data, cur.shape, op.block);
    else throw new PackageError('manifest', `op ${op.op} is not allowed in an integer transform.`);
  }
  return cur;
}

export interface IntHyperOutput {
  features: Int32Array;
  featureShape: Shape;
  index: Int32Array;
  indexShape: Shape;
}

/** zHat: CHW int32 (Nz × h × w), values in [−127, 127]. */
export function intHyperSynthesis(pkg: ModelPackage, zHat: Int32Array, shape: Shape): IntHyperOutput {
  const t = pkg.manifest.transforms;
  if (!t.hyper_synthesis_int || !t.scale_index_int) throw new PackageError('manifest', `${pkg.name} has no integer hyper-synthesis.`);
  for (let i = 0; i < zHat.length; i++) {
    if (zHat[i] < -127 || zHat[i] > 127) throw new PackageError('tensor', `z_hat[${i}] = ${zHat[i]} is outside [−127, 127].`);
  }
  const f = runIntOps(pkg, t.hyper_synthesis_int, zHat, shape);
  const idx = runIntOps(pkg, t.scale_index_int, f.data, f.shape);
  return { features: f.data, featureShape: f.shape, index: idx.data, indexShape: idx.shape };
}
