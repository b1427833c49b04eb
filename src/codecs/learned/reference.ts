// Test oracle: a model package's op lists in float64 with the reference runner of src/gpu/reference/oplist.ts
// (direct-loop convolutions, explicit GDN sums, the exact integer layer) — independent of onnxruntime's graphs
// and of our WGSL kernels. Slow: keep test images small.
import * as ref from '../../gpu/reference/ops';
import { runOpsRef as runOps } from '../../gpu/reference/oplist';
import type { Shape } from '../../gpu/tensor';
import type { ModelPackage, Op } from './package';

export function runOpsRef(pkg: ModelPackage, ops: readonly Op[], x: ref.RefTensor): ref.RefTensor {
  return runOps(ops, pkg, x);
}

/** y = analysis(x)·gain, z = hyper_analysis(y) in float64. */
export function analyzeRef(pkg: ModelPackage, x: Float32Array, height: number, width: number, gain: Float32Array): { y: ref.RefTensor; z: ref.RefTensor | null } {
  const t = pkg.manifest.transforms;
  const y = ref.mulChannel(runOpsRef(pkg, t.analysis, ref.refTensor([3, height, width], x)), gain);
  return { y, z: t.hyper_analysis ? runOpsRef(pkg, t.hyper_analysis, y) : null };
}

/** Means from the integer features (mean-scale). */
export function meansRef(pkg: ModelPackage, features: Int32Array, shape: Shape): ref.RefTensor {
  return runOpsRef(pkg, pkg.manifest.transforms.means!, ref.refTensor(shape, features));
}

/** x̂ = synthesis(ŷ·inv_gain) in float64. */
export function synthesizeRef(pkg: ModelPackage, yHat: Float32Array, shape: Shape, invGain: Float32Array): ref.RefTensor {
  return runOpsRef(pkg, pkg.manifest.transforms.synthesis, ref.mulChannel(ref.refTensor(shape, yHat), invGain));
}
