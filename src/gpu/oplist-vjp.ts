// An op list's forward with its intermediates kept, and its VJP w.r.t. the list's input, on our WGSL kernels
// (ops/vjp.ts): the synthesis transform and the means head of encode-time refinement (issue 20). The float64
// twin is src/codecs/learned/refine/vjp.ts runOpsVjp.
//
//   const net = uploadOpsVjp(engine, manifest.transforms.synthesis, pkg);
//   const rec = engine.record();
//   const tape = net.forward(rec, yHat);        // tape.out: the list's output; the intermediates the VJP needs
//   const gx = net.backward(rec, tape, g);      // g: cotangent of tape.out → cotangent of yHat; frees the tape
//
// A conv2d followed by relu / leaky_relu runs fused (as uploadOps does) and keeps its output, from which the
// activation's VJP reads the sign. Ops without a VJP here (the integer ones, abs) are refused at upload.
import type { GpuEngine, Recorder } from './engine';
import { GpuEngineError } from './errors';
import { type Op, type OpWeights } from './oplist';
import { buildSteps } from './oplist-wgsl';
import { conv2d, uploadConv2d, type Activation, type Conv2dLayer } from './ops/conv2d';
import { depthToSpace, spaceToDepth } from './ops/depth_to_space';
import { leakyRelu, relu, toFloat } from './ops/elementwise';
import { gdn, uploadGdn, type GdnLayer } from './ops/gdn';
import { activationVjp, conv2dVjp, conv2dVjpBuffers, gdnVjp, scaleVjp, uploadConv2dVjp, uploadGdnVjp, type Conv2dVjpLayer, type GdnVjpLayer } from './ops/vjp';
import type { Shape, Tensor } from './tensor';

/** One op (or a conv with its activation) on the GPU: its forward, its VJP and what the VJP reads. */
interface Step {
  forward(rec: Recorder, x: Tensor): Tensor;
  backward(rec: Recorder, g: Tensor, x: Tensor, y: Tensor, inShape: Shape): Tensor;
  keepIn: boolean;
  keepOut: boolean;
  buffers: GPUBuffer[];
}

export interface OpTape {
  /** The list's output (owned by the tape until backward; read it before, or pass it to backward). */
  readonly out: Tensor;
  /** Kept tensors per step: [input, output] (null where not kept); each step's input shape; the list's input. */
  readonly saved: ReadonlyArray<readonly [Tensor | null, Tensor | null]>;
  readonly shapes: readonly Shape[];
  readonly input: Tensor;
  /** False for a forward without a tape (backward refuses it). */
  readonly kept: boolean;
}

export interface OpNetworkVjp {
  readonly ops: readonly Op[];
  /** Runs the list on x (x is kept and not released), keeping what the VJP needs (nothing with `keep` false). */
  forward(rec: Recorder, x: Tensor, keep?: boolean): OpTape;
  /** The cotangent of the list's input from g (the cotangent of tape.out); releases the tape and tape.out (not g). */
  backward(rec: Recorder, tape: OpTape, g: Tensor): Tensor<'f32'>;
  destroy(): void;
}

function convStep(engine: GpuEngine, op: Extract<Op, { op: 'conv2d' }>, w: OpWeights, act: Activation): Step {
  const weight = w.f32(op.weight);
  const fwd: Conv2dLayer = uploadConv2d(engine, { cin: op.cin, cout: op.cout, k: op.kernel, stride: op.stride, pad: op.padding, weight, bias: w.f32(op.bias), act });
  const back: Conv2dVjpLayer = uploadConv2dVjp(engine, { cin: op.cin, cout: op.cout, k: op.kernel, stride: op.stride, pad: op.padding, weight });
  return {
    keepIn: false,
    keepOut: act !== 'none',
    forward: (rec, x) => conv2d(rec, x, fwd),
    backward(rec, g, _x, y, inShape) {
      if (act === 'none') return conv2dVjp(rec, g, back, inShape);
      const ga = activationVjp(rec, y, g, act);
      const gx = conv2dVjp(rec, ga, back, inShape);
      rec.release(ga);
      return gx;
    },
    buffers: [fwd.weight, fwd.taps, ...(fwd.bias ? [fwd.bias] : []), ...conv2dVjpBuffers(back)],
  };
}

function makeStep(engine: GpuEngine, op: Op, w: OpWeights, next: Op | undefined): Step & { fused?: boolean } {
  switch (op.op) {
    case 'conv2d': {
      const act: Activation = next?.op === 'leaky_relu' ? { leakyRelu: next.slope } : next?.op === 'relu' ? 'relu' : 'none';
      return { ...convStep(engine, op, w, act), fused: act !== 'none' };
    }
    case 'depth_to_space': {
      const r = op.block;
      return { keepIn: false, keepOut: false, forward: (rec, x) => depthToSpace(rec, x, r), backward: (rec, g) => spaceToDepth(rec, g, r), buffers: [] };
    }
    case 'gdn':
    case 'igdn': {
      const p = { channels: op.channels, beta: w.f32(op.beta), gamma: w.f32(op.gamma), inverse: op.op === 'igdn' };
      const fwd: GdnLayer = uploadGdn(engine, p);
      const back: GdnVjpLayer = uploadGdnVjp(engine, p);
      return { keepIn: true, keepOut: false, forward: (rec, x) => gdn(rec, x, fwd), backward: (rec, g, x) => gdnVjp(rec, x, g, back), buffers: [fwd.beta, fwd.gamma, back.beta, back.gamma, back.gammaT] };
    }
    case 'relu':
    case 'leaky_relu': {
      // unfused (not after a conv2d): keep the input for the sign
      const act: 'relu' | { leakyRelu: number } = op.op === 'relu' ? 'relu' : { leakyRelu: op.slope };
      return {
        keepIn: true,
        keepOut: false,
        forward: (rec, x) => (act === 'relu' ? relu(rec, x) : leakyRelu(rec, x, act.leakyRelu)),
        backward: (rec, g, x) => activationVjp(rec, x, g, act),
        buffers: [],
      };
    }
    case 'int_to_float': {
      const s = op.scale;
      return { keepIn: false, keepOut: false, forward: (rec, x) => toFloat(rec, x, s), backward: (rec, g) => scaleVjp(rec, g, s), buffers: [] };
    }
    default:
      throw new GpuEngineError('params', `uploadOpsVjp: no VJP for op ${op.op}`);
  }
}

export function uploadOpsVjp(engine: GpuEngine, ops: readonly Op[], weights: OpWeights): OpNetworkVjp {
  const steps: Step[] = buildSteps(ops, (op, next) => makeStep(engine, op, weights, next));
  return {
    ops,
    forward(rec, x, keep = true) {
      const saved: Array<[Tensor | null, Tensor | null]> = [];
      const shapes: Shape[] = [];
      let cur = x;
      steps.forEach((s, i) => {
        const next = s.forward(rec, cur);
        shapes.push(cur.shape);
        saved.push(keep ? [s.keepIn ? cur : null, s.keepOut ? next : null] : [null, null]);
        // an intermediate that no VJP reads goes back to the recording (the list's input is the caller's)
        const needed = keep && (s.keepIn || (i > 0 && steps[i - 1].keepOut));
        if (cur !== x && !needed) rec.release(cur);
        cur = next;
      });
      return { out: cur, saved, shapes, input: x, kept: keep };
    },
    backward(rec, tape, g) {
      if (!tape.kept) throw new GpuEngineError('params', 'uploadOpsVjp: backward of a forward run without its tape');
      let gc: Tensor = g;
      for (let i = steps.length - 1; i >= 0; i--) {
        const [xin, yout] = tape.saved[i];
        const gx = steps[i].backward(rec, gc, xin as Tensor, yout as Tensor, tape.shapes[i]);
        if (gc !== g) rec.release(gc);
        gc = gx;
      }
      const kept = new Set<Tensor>([tape.out]);
      for (const [a, b] of tape.saved) for (const t of [a, b]) if (t) kept.add(t);
      kept.delete(tape.input);
      for (const t of kept) if (!t.released) rec.release(t);
      return gc as Tensor<'f32'>;
    },
    destroy() {
      for (const s of steps) for (const b of s.buffers) b.destroy();
      steps.length = 0;
    },
  };
}
