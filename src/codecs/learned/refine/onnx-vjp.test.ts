// The refinement's onnxruntime graphs (wasm EP in Node) against the float64 VJPs of vjp.ts (ReferenceRefineEngine)
// on the shipped mean-scale package's real synthesis and means head, on a tiny latent (2×3 → a 32×48 image), and
// the graphs' single-op VJPs on random weights (every VJP the graphs build, including GDN, which g_s lacks).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeOrt, loadNodeModel } from '../../../cli/node-io';
import * as ref from '../../../gpu/reference/ops';
import type { Op } from '../../../gpu/oplist';
import type { Shape } from '../../../gpu/tensor';
import { randomOpWeights } from '../../../gpu/testing/compare';
import { mulberry32 } from '../../../testing/random';
import { MODELS_ROOT } from '../../../testing/models';
import { GraphBuilder, type GraphWeights } from '../onnx-graph';
import { DT, onnxModel } from '../onnx-proto';
import { ReferenceRefineEngine } from './engine';
import { OrtRefineEngine, buildRefineGraph, forwardBackwardForTests } from './onnx-vjp';
import { runOpsVjp } from './vjp';

const rand = (seed: number, n: number, lo: number, hi: number) => {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
};

/** max |a − b| / (max |b|): the float32 graphs vs the float64 reference. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let e = 0;
  let s = 0;
  for (let i = 0; i < b.length; i++) {
    e = Math.max(e, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  expect(s).toBeGreaterThan(0);
  return e / s;
}

describe('refinement graphs (onnxruntime wasm) vs the float64 VJPs', () => {
  it('mean-scale: synthesis distortion and its gradient, means head forward and VJP', async () => {
    const { pkg } = await loadNodeModel(join(MODELS_ROOT, 'mean-scale'));
    const ort = await nodeOrt(1);
    const onnx = new OrtRefineEngine(ort, pkg);
    const oracle = new ReferenceRefineEngine(pkg);
    const M = pkg.manifest.channels.M;
    const N = pkg.manifest.channels.N;
    const yShape: Shape = [M, 2, 3];
    const yHat = rand(1, M * 6, -3, 3);
    const invGain = pkg.gain(0.4, true);
    const target = rand(2, 3 * 32 * 48, 0, 1);
    const wt = rand(3, 32 * 48, 0, 2);
    const a = await onnx.synthesisGrad(yHat, yShape, invGain, target, wt);
    const b = await oracle.synthesisGrad(yHat, yShape, invGain, target, wt);
    expect(Math.abs(a.d - b.d) / b.d).toBeLessThan(1e-5);
    expect(relErr(a.grad, b.grad)).toBeLessThan(1e-4);

    const fShape: Shape = [N, 3, 4];
    const r = mulberry32(4);
    const features = Int32Array.from({ length: N * 12 }, () => Math.floor(r() * 128));
    expect(relErr(await onnx.means(features, fShape), await oracle.means(features, fShape))).toBeLessThan(1e-5);
    const g = rand(5, M * 12, -1, 1);
    expect(relErr(await onnx.meansGrad(features, fShape, g), await oracle.meansGrad(features, fShape, g))).toBeLessThan(1e-5);
    onnx.dispose();
  }, 60_000);

  it('every VJP the graphs build, op by op on random weights (GDN, IGDN, ReLU, LeakyReLU, abs, conv k = 1/3/5, d2s ×2/×3)', async () => {
    const ort = await nodeOrt(1);
    const cases: { ops: Op[]; shape: Shape }[] = [
      { ops: [{ op: 'gdn', beta: 'bet', gamma: 'gam', channels: 5 }], shape: [5, 4, 3] },
      { ops: [{ op: 'igdn', beta: 'bet', gamma: 'gam', channels: 5 }], shape: [5, 4, 3] },
      { ops: [{ op: 'relu' }, { op: 'leaky_relu', slope: 0.2 }, { op: 'abs' }], shape: [3, 5, 4] },
      { ops: [{ op: 'conv2d', weight: 'w', bias: 'bb', kernel: 5, stride: 1, padding: 2, cin: 3, cout: 4 }], shape: [3, 6, 7] },
      { ops: [{ op: 'conv2d', weight: 'w', bias: 'bb', kernel: 1, stride: 1, padding: 0, cin: 3, cout: 4 }], shape: [3, 6, 7] },
      { ops: [{ op: 'depth_to_space', block: 2 }], shape: [12, 3, 2] },
      { ops: [{ op: 'depth_to_space', block: 3 }], shape: [18, 2, 3] },
    ];
    let k = 0;
    for (const c of cases) {
      k++;
      const w = randomOpWeights(c.ops, mulberry32(10 + k));
      const n = c.shape[0] * c.shape[1] * c.shape[2];
      const x = rand(20 + k, n, -2, 2);
      const fwd = runOpsVjp(c.ops, w, ref.refTensor(c.shape, x));
      const g = rand(30 + k, fwd.out.data.length, -1, 1);
      const want = fwd.back(g);
      // a graph: x, g → the VJP, from the same builder code the refinement graphs use
      const b = new GraphBuilder(w as unknown as GraphWeights, 't');
      const fb = forwardBackwardForTests(b, c.ops, 'x', c.shape[0]);
      b.output(fb.back('g'), 'gx');
      const model = onnxModel({
        name: 't',
        nodes: b.nodes,
        initializers: b.initializers,
        inputs: [
          { name: 'x', type: DT.FLOAT, dims: [1, ...c.shape] },
          { name: 'g', type: DT.FLOAT, dims: [1, fwd.out.shape[0], fwd.out.shape[1], fwd.out.shape[2]] },
        ],
        outputs: [{ name: 'gx', type: DT.FLOAT, dims: [1, ...c.shape] }],
      });
      const s = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
      const out = await s.run({ x: new ort.Tensor('float32', x, [1, ...c.shape]), g: new ort.Tensor('float32', g, [1, ...fwd.out.shape]) });
      expect(relErr(out.gx.data as Float32Array, want), JSON.stringify(c.ops.map((o) => o.op))).toBeLessThan(2e-5);
      await s.release();
    }
  }, 60_000);

  it('builds the three graphs for mean-scale and synthesis_grad for hyperprior (which has no means head)', async () => {
    const ms = (await loadNodeModel(join(MODELS_ROOT, 'mean-scale'))).pkg;
    const hp = (await loadNodeModel(join(MODELS_ROOT, 'hyperprior'))).pkg;
    for (const n of ['synthesis_grad', 'means', 'means_grad'] as const) expect(buildRefineGraph(ms, n).length).toBeGreaterThan(1000);
    expect(buildRefineGraph(hp, 'synthesis_grad').length).toBeGreaterThan(1000);
    expect(() => buildRefineGraph(hp, 'means')).toThrow(/no means head/);
  }, 60_000);
});
