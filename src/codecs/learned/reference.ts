// Test oracle: a model package's float op lists evaluated in float64 with the textbook ops of
// src/gpu/reference (direct-loop convolutions, explicit GDN sums) — independent of onnxruntime's graphs and of
// our WGSL kernels. Slow: keep test images small.
import * as ref from '../../gpu/reference/ops';
import type { Shape } from '../../gpu/tensor';
import type { ModelPackage, Op } from './package';

export function runOpsRef(pkg: ModelPackage, ops: readonly Op[], x: ref.RefTensor): ref.RefTensor {
  let cur = x;
  for (const op of ops) {
    switch (op.op) {
      case 'conv2d':
        cur = ref.conv2d(cur, pkg.f32(op.weight), pkg.f32(op.bias), op.cout, op.kernel, { stride: op.stride, pad: op.padding });
        break;
      case 'gdn':
      case 'igdn':
        cur = ref.gdn(cur, pkg.f32(op.beta), pkg.f32(op.gamma), op.op === 'igdn');
        break;
      case 'depth_to_space': {
        const d = ref.depthToSpace(cur.data, cur.shape, op.block);
        cur = { shape: d.shape, data: d.data };
        break;
      }
      case 'leaky_relu':
        cur = ref.leakyRelu(cur, op.slope);
        break;
      case 'abs':
        cur = ref.abs(cur);
        break;
      case 'int_to_float': {
        const s = op.scale;
        cur = ref.map(cur, (v) => v * s);
        break;
      }
      default:
        throw new Error(`runOpsRef: ${op.op} is not a float op`);
    }
  }
  return cur;
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
