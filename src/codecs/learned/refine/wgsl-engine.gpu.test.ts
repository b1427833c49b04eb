// The refinement's WGSL engine (wgsl-engine.ts, on src/gpu's VJP kernels) on the shipped mean-scale package, in
// headless Chromium (SwiftShader without a GPU, so a 64×64 crop): the relaxed loss and its y-gradient equal the
// float64 engine's (refine/engine.ts, whose VJPs vjp.test.ts checks against finite differences), the means head
// too; a file refined with it decodes with the unchanged decoder to the encoder's symbols and pixels.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpOf } from '../../../gpu/oplist';
import { compareClose } from '../../../gpu/testing/compare';
import { mulberry32 } from '../../../testing/random';
import type { RgbaImage } from '../../types';
import { imageToPaddedChw } from '../image';
import { backendFor, loadPackage } from '../loader';
import type { ModelPackage } from '../package';
import { decodeFile, encodeImage } from '../pipeline';
import type { WgslBackend } from '../wgsl-backend';
import { ReferenceRefineEngine } from './engine';
import { evaluate, makeProblem } from './refine';
import { WgslRefineEngine } from './wgsl-engine';
import { sampleCrop } from '../../../testing/sample-crop';

const N = 64;
let image: RgbaImage;
let pkg: ModelPackage;
let engine: WgslRefineEngine;

beforeAll(async () => {
  image = await sampleCrop(150, 100, N, N);
  pkg = await loadPackage('mean-scale');
  engine = new WgslRefineEngine(((await backendFor(pkg, 'wgsl')) as WgslBackend).engine, pkg);
});
afterAll(() => engine?.dispose());

function close(got: ArrayLike<number>, want: ArrayLike<number>, rel: number) {
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(want[i]));
  expect(m).toBeGreaterThan(0);
  const r = compareClose(got, want, { atol: rel * m, rtol: rel });
  expect(r.ok, r.message).toBe(true);
}

describe('WGSL refinement engine (mean-scale, shipped weights)', () => {
  it('the relaxed loss, its y-gradient and the means head = the float64 engine', async () => {
    const wasm = await backendFor(pkg, 'onnx-wasm');
    const t = Math.fround(0.6);
    const x = imageToPaddedChw(image, 16);
    const target = x.data;
    const y = (await wasm.analyze(target, N, N, pkg.gain(t))).data;
    const z = (await wasm.hyperAnalyze(y, [pkg.manifest.channels.M, N / 16, N / 16])).data;
    const pRef = makeProblem(pkg, new ReferenceRefineEngine(pkg), target, N, N, t);
    const pGpu = makeProblem(pkg, engine, target, N, N, t);
    const want = await evaluate(pRef, y, z, 0.5, mulberry32(3));
    const got = await evaluate(pGpu, y, z, 0.5, mulberry32(3));
    expect(Math.abs(got.info.loss - want.info.loss) / want.info.loss).toBeLessThan(1e-5);
    expect(Math.abs(got.info.distortion - want.info.distortion) / want.info.distortion).toBeLessThan(1e-5);
    close(got.gy, want.gy, 1e-4);
    // the means head and its VJP on the integer features of ẑ, directly
    const M = pkg.manifest.channels.M;
    const conv = pkg.manifest.transforms.means!.find((o) => o.op === 'conv2d') as OpOf<'conv2d'>;
    const fShape = [conv.cin, N / 16, N / 16] as const;
    const feats = Int32Array.from({ length: fShape[0] * fShape[1] * fShape[2] }, (_, i) => (i * 37) % 128);
    const g = Float32Array.from({ length: M * fShape[1] * fShape[2] }, (_, i) => Math.sin(i));
    const ref = new ReferenceRefineEngine(pkg);
    close(await engine.means(feats, fShape), await ref.means(feats, fShape), 2e-5);
    close(await engine.meansGrad(feats, fShape, g), await ref.meansGrad(feats, fShape, g), 1e-4);
  });

  it('a file refined on WGSL decodes with the unchanged decoder to the encoder’s symbols and pixels', async () => {
    const wasm = await backendFor(pkg, 'onnx-wasm');
    const plain = await encodeImage(pkg, wasm, image, 0.5);
    const ref = await encodeImage(pkg, wasm, image, 0.5, { refine: { steps: 10, engine }, reconstruct: true });
    expect(ref.refine?.history.length).toBe(10);
    expect(ref.refine!.history[9].loss).toBeLessThan(ref.refine!.history[0].loss);
    expect(ref.refine!.kept, `${ref.refine!.initialLoss} → ${ref.refine!.refinedLoss}`).toBe('refined');
    expect(Array.from(ref.y.symbols)).not.toEqual(Array.from(plain.y.symbols));
    const dec = await decodeFile(pkg, wasm, ref.bytes);
    expect(Array.from(dec.ySymbols)).toEqual(Array.from(ref.y.symbols));
    expect(Array.from(dec.zSymbols!)).toEqual(Array.from(ref.z!.symbols));
    expect(Array.from(dec.image.data)).toEqual(Array.from(ref.reconstruction!.data));
  });
});
