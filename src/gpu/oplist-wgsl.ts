// The WGSL runner of op lists (oplist.ts, in the vocabulary of op-vocabulary.json): each op's weights uploaded
// once, the list recorded into a recorder, a conv2d followed by relu / leaky_relu fused into one dispatch.
//
//   const net = uploadOps(engine, manifest.transforms.synthesis, pkg);   // pkg: OpWeights (f32/i32 by name)
//   const rec = engine.record();
//   const xhat = net.record(rec, yhat);           // intermediates are released as soon as they are consumed
//   const [data] = await rec.run([xhat]);
//   net.destroy();
import type { GpuEngine, Recorder } from './engine';
import { checkerboardParamsOf, checkOps, iconvParamsOf, type Op, type OpName, type OpOf, type OpWeights } from './oplist';
import { conv2d, uploadConv2d, type Conv2dLayer } from './ops/conv2d';
import { checkerboard, uploadCheckerboard, type CheckerboardLayer } from './ops/checkerboard';
import { iconv, uploadIConv, type IConvLayer } from './ops/conv2d_int';
import { depthToSpace } from './ops/depth_to_space';
import { abs, leakyRelu, relu, toFloat } from './ops/elementwise';
import { gdn, uploadGdn, type GdnLayer } from './ops/gdn';
import type { Tensor } from './tensor';

/** One op on the GPU: records itself on a tensor; frees its weight buffers. */
interface GpuStep {
  record(rec: Recorder, x: Tensor): Tensor;
  buffers: GPUBuffer[];
}

const none: GPUBuffer[] = [];
const convBuffers = (l: Conv2dLayer) => [l.weight, l.taps, ...(l.bias ? [l.bias] : [])];
const gdnBuffers = (l: GdnLayer) => [l.beta, l.gamma];
const iconvBuffers = (l: IConvLayer | CheckerboardLayer) => [l.weight, l.quant];

/** How each op of the vocabulary runs on our WGSL kernels (`next`: the op after it, for fusion). */
const WGSL: { [N in OpName]: (engine: GpuEngine, op: OpOf<N>, w: OpWeights, next: Op | undefined) => GpuStep & { fused?: boolean } } = {
  conv2d(engine, op, w, next) {
    const fuse = next?.op === 'leaky_relu' ? next.slope : next?.op === 'relu' ? 0 : null;
    const l = uploadConv2d(engine, {
      cin: op.cin,
      cout: op.cout,
      k: op.kernel,
      stride: op.stride,
      pad: op.padding,
      weight: w.f32(op.weight),
      bias: w.f32(op.bias),
      act: fuse === null ? 'none' : next?.op === 'relu' ? 'relu' : { leakyRelu: fuse },
    });
    return { record: (rec, x) => conv2d(rec, x, l), buffers: convBuffers(l), fused: fuse !== null };
  },
  depth_to_space: (_e, op) => ({ record: (rec, x) => depthToSpace(rec, x, op.block), buffers: none }),
  gdn(engine, op, w) {
    const l = uploadGdn(engine, { channels: op.channels, beta: w.f32(op.beta), gamma: w.f32(op.gamma) });
    return { record: (rec, x) => gdn(rec, x, l), buffers: gdnBuffers(l) };
  },
  igdn(engine, op, w) {
    const l = uploadGdn(engine, { channels: op.channels, beta: w.f32(op.beta), gamma: w.f32(op.gamma), inverse: true });
    return { record: (rec, x) => gdn(rec, x, l), buffers: gdnBuffers(l) };
  },
  relu: () => ({ record: (rec, x) => relu(rec, x), buffers: none }),
  leaky_relu: (_e, op) => ({ record: (rec, x) => leakyRelu(rec, x, op.slope), buffers: none }),
  abs: () => ({ record: (rec, x) => abs(rec, x), buffers: none }),
  iconv2d(engine, op, w) {
    const l = uploadIConv(engine, iconvParamsOf(op, w));
    return { record: (rec, x) => iconv(rec, x, l), buffers: iconvBuffers(l) };
  },
  checkerboard_iconv2d(engine, op, w) {
    const l = uploadCheckerboard(engine, checkerboardParamsOf(op, w));
    return { record: (rec, x) => checkerboard(rec, x, l), buffers: iconvBuffers(l) };
  },
  int_to_float: (_e, op) => ({ record: (rec, x) => toFloat(rec, x, op.scale), buffers: none }),
};

export interface OpNetwork {
  readonly ops: readonly Op[];
  /** Records the whole list on `x`; intermediates go back to the recording as soon as they are consumed, `x` is kept. */
  record(rec: Recorder, x: Tensor): Tensor;
  /** Frees the weight buffers. */
  destroy(): void;
}

/** Uploads an op list's weights once (conv2d followed by relu / leaky_relu becomes one fused dispatch). */
/** An op list's GPU steps, in order: `make` builds one op's step (given the next op, which a step may fuse: it
 * then says `fused` and the next op is skipped); if one fails, the weight buffers of those already built are freed.
 * Shared by the forward runner (uploadOps) and the VJP runner (oplist-vjp.ts). */
export function buildSteps<S extends { buffers: GPUBuffer[]; fused?: boolean }>(ops: readonly Op[], make: (op: Op, next: Op | undefined) => S): S[] {
  checkOps(ops, 'op list');
  const steps: S[] = [];
  try {
    for (let i = 0; i < ops.length; i++) {
      const step = make(ops[i], ops[i + 1]);
      steps.push(step);
      if (step.fused) i++;
    }
  } catch (e) {
    for (const s of steps) for (const b of s.buffers) b.destroy();
    throw e;
  }
  return steps;
}

export function uploadOps(engine: GpuEngine, ops: readonly Op[], weights: OpWeights): OpNetwork {
  const steps = buildSteps(ops, (op, next) =>
    (WGSL[op.op] as (e: GpuEngine, op: Op, w: OpWeights, next: Op | undefined) => GpuStep & { fused?: boolean })(engine, op, weights, next),
  );
  return {
    ops,
    record(rec, x) {
      let cur = x;
      for (const s of steps) {
        const next = s.record(rec, cur);
        if (cur !== x) rec.release(cur);
        cur = next;
      }
      return cur;
    },
    destroy() {
      for (const s of steps) for (const b of s.buffers) b.destroy();
      steps.length = 0;
    },
  };
}

/** The names of the tables every reader keeps, for the test that each one covers the vocabulary. */
export const WGSL_OPS: readonly string[] = Object.keys(WGSL);
