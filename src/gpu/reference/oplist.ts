// The float64 reference of an op list (../oplist.ts, in the vocabulary of ../op-vocabulary.json): each op by its
// textbook definition (./ops.ts), the integer layer by the exact CPU convolution (../int/iconv.ts) on values that
// are integers carried exactly in float64. The oracle for the WGSL runner and the ONNX graphs; slow, keep tests small.
import { iconv } from '../int/iconv';
import { iconvParamsOf, type Op, type OpName, type OpOf, type OpWeights } from '../oplist';
import * as ref from './ops';

function toInt32(x: ref.RefTensor, what: string): Int32Array {
  const out = new Int32Array(x.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = x.data[i];
    if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) throw new Error(`${what}: input[${i}] = ${v} is not an int32`);
    out[i] = v;
  }
  return out;
}

/** How each op of the vocabulary is computed in float64. */
const REFERENCE: { [N in OpName]: (x: ref.RefTensor, op: OpOf<N>, w: OpWeights) => ref.RefTensor } = {
  conv2d: (x, op, w) => ref.conv2d(x, w.f32(op.weight), w.f32(op.bias), op.cout, op.kernel, { stride: op.stride, pad: op.padding }),
  depth_to_space: (x, op) => ref.depthToSpace(x.data, x.shape, op.block),
  gdn: (x, op, w) => ref.gdn(x, w.f32(op.beta), w.f32(op.gamma), false),
  igdn: (x, op, w) => ref.gdn(x, w.f32(op.beta), w.f32(op.gamma), true),
  relu: (x) => ref.relu(x),
  leaky_relu: (x, op) => ref.leakyRelu(x, op.slope),
  abs: (x) => ref.abs(x),
  iconv2d(x, op, w) {
    const r = iconv(toInt32(x, 'iconv2d'), x.shape, iconvParamsOf(op, w));
    return ref.refTensor(r.shape, r.data);
  },
  checkerboard_iconv2d: (x, op, w) =>
    ref.checkerboardConv(ref.refTensor(x.shape, toInt32(x, 'checkerboard_iconv2d')), w.i32(op.weight), w.i32(op.bias), w.i32(op.divisor), op.cout, op.kernel, {
      pad: op.padding,
      lo: op.lo,
      hi: op.hi,
      clip: op.clip,
    }),
  int_to_float: (x, op) => ref.map(x, (v) => v * op.scale),
};

/** Runs an op list on `x` in float64. */
export function runOpsRef(ops: readonly Op[], weights: OpWeights, x: ref.RefTensor): ref.RefTensor {
  let cur = x;
  for (const op of ops) cur = (REFERENCE[op.op] as (x: ref.RefTensor, op: Op, w: OpWeights) => ref.RefTensor)(cur, op, weights);
  return cur;
}

/** The names of the ops it computes (a test checks it covers the vocabulary). */
export const REFERENCE_OPS: readonly string[] = Object.keys(REFERENCE);
