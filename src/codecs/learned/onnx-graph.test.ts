// The ONNX graphs built in TypeScript from a package's op lists (onnx-graph.ts), run in onnxruntime-web's wasm
// EP in Node, for every shipped package, against independent oracles:
//  - float graphs against the float64 reference of the same op lists (reference.ts, direct-loop convolutions)
//    on a 64×64 crop of a sample photo: max |ort − ref| ≤ TOL · max(1, max |ref|), TOL = 1e-5 (measured
//    ≤ 8e-7: float32 accumulation; a 1 % error in the LeakyReLU slope alone gives ~3e-4);
//  - the integer hyper-synthesis bit-identical to the exporter's known answer (numpy, stored in the package)
//    and to the CPU path (int-hyper.ts) on the photo's z.
// (Before the .onnx files were removed, the same graphs matched the files torch.onnx.export had written:
// identical floats, identical index.)
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { crop, loadPackageDir, readImageFile } from '../../cli/node-io';
import { MODELS_ROOT as ROOT, packageNames } from '../../testing/models';
import type { RgbaImage } from '../types';
import { imageToPaddedChw } from './image';
import { intHyperSynthesis } from './int-hyper';
import { OP_NAMES, type Op, type OpName } from '../../gpu/oplist';
import { runOpsRef as runOps } from '../../gpu/reference/oplist';
import { refTensor } from '../../gpu/reference/ops';
import { randomF32, randomOpWeights, rng } from '../../gpu/testing/compare';
import { buildGraph, buildOpsGraph, exactChannelGroups, FLOAT32_EXACT, graphNames, ONNX_OPS, type GraphName } from './onnx-graph';
import { PackageError, type ModelPackage } from './package';
import { analyzeRef, meansRef, synthesizeRef } from './reference';

const names = packageNames('codec');
const TOL = 1e-5;

let image: RgbaImage;
beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  image = crop(await readImageFile(join(__dirname, '../../../public/samples/coffee.png')), 64, 64, 210, 130);
});

/** max |a − b| relative to max(1, max |b|). */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let err = 0;
  let scale = 1;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();
function session(pkg: ModelPackage, g: GraphName) {
  const key = `${pkg.name}/${g}`;
  if (!sessions.has(key)) sessions.set(key, ort.InferenceSession.create(buildGraph(pkg, g), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }));
  return sessions.get(key)!;
}

describe.each(names)('ONNX graphs built from %s', (name) => {
  const load = () => loadPackageDir(join(ROOT, name)).then((r) => r.pkg);

  it('has the documented inputs and outputs', async () => {
    const pkg = await load();
    const io: Record<GraphName, [string[], string[]]> = {
      analysis: [['x', 'gain'], ['y']],
      hyper_analysis: [['y'], ['z']],
      hyper_synthesis: [['z_hat'], { hyperprior: ['index'], 'mean-scale': ['index', 'means'], checkerboard: ['index', 'means', 'features'] }[pkg.manifest.architecture as string] ?? []],
      context: [['features', 'symbols'], ['index', 'means']], // checkerboard packages (checkerboard-pipeline.test.ts)
      synthesis: [['y_hat', 'inv_gain'], ['x_hat']],
    };
    expect(graphNames(pkg.manifest)).toEqual({
      factorized: ['analysis', 'synthesis'],
      checkerboard: ['analysis', 'hyper_analysis', 'hyper_synthesis', 'context', 'synthesis'],
    }[pkg.manifest.architecture as string] ?? ['analysis', 'hyper_analysis', 'hyper_synthesis', 'synthesis']);
    for (const g of graphNames(pkg.manifest)) {
      const s = await session(pkg, g);
      expect([s.inputNames, s.outputNames]).toEqual(io[g]);
    }
    if (pkg.manifest.architecture === 'factorized') expect(() => buildGraph(pkg, 'hyper_synthesis')).toThrow(PackageError);
  });

  it('float graphs equal the float64 reference of the op lists; the integer index is exact', async () => {
    const pkg = await load();
    const M = pkg.manifest.channels.M;
    const x = imageToPaddedChw(image, pkg.manifest.downsampling);
    const gain = pkg.gain(0.6);
    const T = ort.Tensor;
    const ref = analyzeRef(pkg, x.data, x.height, x.width, gain);

    const y = (await (await session(pkg, 'analysis')).run({ x: new T('float32', x.data, [1, 3, x.height, x.width]), gain: new T('float32', gain, [M]) })).y;
    expect(y.type).toBe('float32');
    expect(y.dims).toEqual([1, ...ref.y.shape]);
    expect(relErr(y.data as Float32Array, ref.y.data)).toBeLessThanOrEqual(TOL);
    expect(Math.max(...Array.from(ref.y.data, Math.abs))).toBeGreaterThan(1); // not a trivial output

    // synthesis of ŷ = round(y)
    const yHat = Float32Array.from(y.data as Float32Array, Math.round);
    const invGain = pkg.gain(0.6, true);
    const xs = (await (await session(pkg, 'synthesis')).run({ y_hat: new T('float32', yHat, y.dims), inv_gain: new T('float32', invGain, [M]) })).x_hat;
    const xr = synthesizeRef(pkg, yHat, ref.y.shape, invGain);
    expect(xs.dims).toEqual([1, ...xr.shape]);
    expect(relErr(xs.data as Float32Array, xr.data)).toBeLessThanOrEqual(TOL);

    if (pkg.manifest.architecture === 'factorized') return;
    const z = (await (await session(pkg, 'hyper_analysis')).run({ y })).z;
    expect(z.dims).toEqual([1, ...ref.z!.shape]);
    expect(relErr(z.data as Float32Array, ref.z!.data)).toBeLessThanOrEqual(TOL);

    const Nz = pkg.manifest.channels.Nz!;
    const st = pkg.manifest.integer_hyper_synthesis!.selftest!;
    const zHat = Int32Array.from(z.data as Float32Array, (v) => Math.max(-127, Math.min(127, Math.round(v))));
    const hs = await session(pkg, 'hyper_synthesis');
    // the exporter's known answer (its z reaches ±127), then the photo's z against the CPU path
    const known = await hs.run({ z_hat: new T('int32', pkg.i32(st.z_hat), [1, Nz, 2, 3]) });
    expect(known.index.type).toBe('int32');
    expect(Array.from(known.index.data as Int32Array)).toEqual(Array.from(pkg.i32(st.index)));
    const r = await hs.run({ z_hat: new T('int32', zHat, z.dims) });
    const cpu = intHyperSynthesis(pkg, zHat, ref.z!.shape);
    expect(r.index.dims).toEqual([1, ...cpu.indexShape]);
    expect(Array.from(r.index.data as Int32Array)).toEqual(Array.from(cpu.index));
    expect(new Set(cpu.index).size).toBeGreaterThan(3);
    if (pkg.manifest.architecture === 'mean-scale' || pkg.manifest.architecture === 'checkerboard') {
      expect(r.means.type).toBe('float32');
      expect(relErr(r.means.data as Float32Array, meansRef(pkg, cpu.features, cpu.featureShape).data)).toBeLessThanOrEqual(TOL);
      const m = meansRef(pkg, pkg.i32(st.features), [pkg.manifest.channels.N, 8, 12]);
      expect(relErr(known.means.data as Float32Array, m.data)).toBeLessThanOrEqual(TOL);
    } else expect(r.means).toBeUndefined();
  });
});

// Every op of the vocabulary (src/gpu/op-vocabulary.json) alone, as a one-op graph in onnxruntime against the
// float64 reference runner: float ops within TOL, integer ops and data movement exactly.
describe('every op of the vocabulary as ONNX nodes', () => {
  it('the builder covers exactly the vocabulary', () => expect([...ONNX_OPS].sort()).toEqual([...OP_NAMES].sort()));

  const conv = (cin: number, cout: number, kernel: number, stride: number): Op => ({ op: 'conv2d', weight: 'w', bias: 'b', kernel, stride, padding: (kernel - 1) >> 1, cin, cout });
  const cases: { [N in OpName]: { ops: Op[]; shape: [number, number, number]; int?: boolean } } = {
    conv2d: { ops: [conv(5, 7, 3, 2)], shape: [5, 9, 7] },
    depth_to_space: { ops: [{ op: 'depth_to_space', block: 2 }], shape: [12, 3, 5] },
    gdn: { ops: [{ op: 'gdn', beta: 'be', gamma: 'ga', channels: 6 }], shape: [6, 5, 3] },
    igdn: { ops: [{ op: 'igdn', beta: 'be', gamma: 'ga', channels: 6 }], shape: [6, 5, 3] },
    relu: { ops: [{ op: 'relu' }], shape: [3, 5, 7] },
    leaky_relu: { ops: [{ op: 'leaky_relu', slope: 0.25 }], shape: [3, 5, 7] },
    abs: { ops: [{ op: 'abs' }], shape: [3, 5, 7] },
    iconv2d: {
      ops: [{ op: 'iconv2d', weight: 'iw', bias: 'ib', divisor: 'id', kernel: 3, stride: 1, padding: 1, cin: 4, cout: 8, lo: 0, hi: 127 }, { op: 'depth_to_space', block: 2 }],
      shape: [4, 6, 5],
      int: true,
    },
    checkerboard_iconv2d: {
      ops: [{ op: 'checkerboard_iconv2d', weight: 'cw', bias: 'cb', divisor: 'cd', kernel: 5, stride: 1, padding: 2, cin: 4, cout: 6, lo: 0, hi: 127, clip: 31 }],
      shape: [4, 7, 6],
      int: true,
    },
    int_to_float: { ops: [{ op: 'int_to_float', scale: 1 / 16 }], shape: [5, 3, 3], int: true },
  };
  for (const name of OP_NAMES) {
    it(name, async () => {
      const c = cases[name];
      const rand = rng(300 + OP_NAMES.indexOf(name));
      const w = randomOpWeights(c.ops, rand);
      const n = c.shape[0] * c.shape[1] * c.shape[2];
      const x = c.int ? Int32Array.from({ length: n }, () => Math.floor(rand() * 255) - 127) : randomF32(rand, n, -2, 2);
      const s = await ort.InferenceSession.create(buildOpsGraph(w, c.ops, c.int ? 'i32' : 'f32', c.shape[0]), { executionProviders: ['wasm'] });
      const out = (await s.run({ x: new ort.Tensor(c.int ? 'int32' : 'float32', x, [1, ...c.shape]) })).y;
      const want = runOps(c.ops, w, refTensor(c.shape, x));
      expect(out.dims).toEqual([1, ...want.shape]);
      const exact = c.int || ['depth_to_space', 'relu', 'abs', 'leaky_relu'].includes(name);
      if (exact) expect(Array.from(out.data as Float32Array | Int32Array)).toEqual(Array.from(want.data, (v) => Math.fround(v)));
      else expect(relErr(out.data as Float32Array, want.data)).toBeLessThanOrEqual(TOL);
      if (name === 'iconv2d' || name === 'checkerboard_iconv2d') expect(new Set(out.data as Int32Array).size).toBeGreaterThan(3);
    });
  }

  // With a declared input range the integer layers become float32 Convs over channel groups whose every partial sum
  // stays within ±2^24 (onnxruntime's wasm ConvInteger is far slower): the same integers, exactly.
  it('integer layers on a declared input range (exact float Convs) = the reference exactly', async () => {
    for (const name of ['iconv2d', 'checkerboard_iconv2d'] as const) {
      const c = cases[name];
      const rand = rng(400 + OP_NAMES.indexOf(name));
      const w = randomOpWeights(c.ops, rand);
      const n = c.shape[0] * c.shape[1] * c.shape[2];
      const x = Int32Array.from({ length: n }, () => Math.floor(rand() * 255) - 127);
      const s = await ort.InferenceSession.create(buildOpsGraph(w, c.ops, 'i32', c.shape[0], { lo: -127, hi: 127 }), { executionProviders: ['wasm'] });
      const out = (await s.run({ x: new ort.Tensor('int32', x, [1, ...c.shape]) })).y;
      expect(out.type).toBe('int32');
      expect(Array.from(out.data as Int32Array)).toEqual(Array.from(runOps(c.ops, w, refTensor(c.shape, x)).data));
    }
  });

  it('splits the input channels where one float sum could pass 2^24, and the split is what keeps it exact', async () => {
    // 131 channels × 3 × 3 taps: 1179 odd products (127 · 127, 125 · 127, 127 · 1, …) sum to an odd 18.9 M, which is
    // no float32 (> 2^24 = 16.8 M): no float sum over all of them can give it
    const [cin, cout, H, W] = [131, 2, 3, 4];
    const op: Op = { op: 'iconv2d', weight: 'w', bias: 'b', divisor: 'd', kernel: 3, stride: 1, padding: 1, cin, cout, lo: 0, hi: 2 ** 30 };
    const w = randomOpWeights([op], rng(7));
    const wv = Array.from({ length: cout * cin * 9 }, (_, i) => (i % 97 === 0 ? 125 : 127));
    w.set('w', 'i8', [cout, cin, 3, 3], wv);
    w.set('b', 'i32', [cout], [0, 6]);
    w.set('d', 'i32', [cout], [1, 1]);
    const x = Int32Array.from({ length: cin * H * W }, (_, i) => (i % 13 === 0 ? 1 : 127));
    const want = runOps([op], w, refTensor([cin, H, W], x)).data;
    expect(Math.max(...Array.from(want, Math.abs))).toBeGreaterThan(FLOAT32_EXACT);
    expect(Array.from(want).filter((v) => v > FLOAT32_EXACT && v % 2 === 1)).toHaveLength(4);

    const run = async (bytes: Uint8Array, xs: Int32Array | Float32Array) => {
      const s = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
      return Array.from((await s.run({ x: new ort.Tensor(xs instanceof Int32Array ? 'int32' : 'float32', xs, [1, cin, H, W]) })).y.data as Int32Array | Float32Array);
    };
    expect(await run(buildOpsGraph(w, [op], 'i32', cin, { lo: -127, hi: 127 }), x)).toEqual(Array.from(want));
    expect(await run(buildOpsGraph(w, [op], 'i32', cin), x)).toEqual(Array.from(want)); // ConvInteger
    // one float32 Conv over all 131 channels (what an unsplit lowering would compute) does not give these integers
    const f = randomOpWeights([conv(cin, cout, 3, 1)], rng(8));
    f.set('w', 'f32', [cout, cin, 3, 3], wv);
    f.set('b', 'f32', [cout], [0, 6]);
    const unsplit = await run(buildOpsGraph(f, [conv(cin, cout, 3, 1)], 'f32', cin), Float32Array.from(x));
    expect(unsplit.some((v, i) => v !== want[i])).toBe(true);

    // the groups: every output channel's Σ|w| · 127 within 2^24 per group, contiguous, covering every channel
    const groups = exactChannelGroups(wv, cout, cin, 9, 127)!;
    expect(groups.length).toBe(2);
    expect(groups[0][0]).toBe(0);
    expect(groups[1]).toEqual([groups[0][1], cin]);
    expect(exactChannelGroups([1, 1], 1, 2, 1, FLOAT32_EXACT)).toEqual([[0, 1], [1, 2]]);
    expect(exactChannelGroups([1, 1], 1, 2, 1, FLOAT32_EXACT / 2)).toEqual([[0, 2]]);
    expect(exactChannelGroups([2], 1, 1, 1, FLOAT32_EXACT)).toBeNull();
  });

  it('refuses an op on the wrong value type with a clear error', () => {
    const w = randomOpWeights([conv(3, 3, 1, 1)], rng(1));
    expect(() => buildOpsGraph(w, [conv(3, 3, 1, 1)], 'i32', 3)).toThrow(/conv2d reads f32, but its input is i32/);
  });
});
