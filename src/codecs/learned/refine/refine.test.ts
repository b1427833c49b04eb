// Encode-time refinement end to end (Node, onnxruntime wasm): the relaxed loss' y-gradient against finite
// differences (float64 engine), the ONNX engine's loss = the float64 engine's, refined files decode with the
// unchanged decoder, 0 steps = today's file byte for byte, and refinement lowers the loss of the real coded file.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../../cli/eval';
import { crop, loadNodeModel, nodeOrt, readImageFile } from '../../../cli/node-io';
import { psnrRgb } from '../../../metrics/psnr';
import { mulberry32 } from '../../../testing/random';
import { MODELS_ROOT } from '../../../testing/models';
import type { RgbaImage } from '../../types';
import { paddedChwRegion } from '../image';
import { decodeFile, encodeImage } from '../pipeline';
import { ReferenceRefineEngine, type RefineEngine } from './engine';
import { OrtRefineEngine } from './onnx-vjp';
import { evaluate, lambdaOf, latentParams, makeProblem, refineLatents, tileGeometry } from './refine';

let photo: RgbaImage;
beforeAll(async () => {
  photo = await readImageFile(join(__dirname, '../../../../public/samples/coffee.png'));
});
const model = (name: string) => loadNodeModel(join(MODELS_ROOT, name));

/** Training's loss of a real file: bpp from its bytes + λ(t)·255²·MSE of the decoded image. */
function realLoss(lambda: number, bytes: number, a: RgbaImage, b: RgbaImage): number {
  const mse = 10 ** (-psnrRgb(a, b) / 10); // PSNR on 8-bit RGB: MSE in [0, 1] units
  return (8 * bytes) / (a.width * a.height) + lambda * 255 * 255 * mse;
}

describe('encode-time refinement', () => {
  it('the relaxed loss: its y-gradient matches central differences (float64 engine), and the ONNX engine gives the same loss', async () => {
    const { pkg, backend } = await model('mean-scale');
    const im = crop(photo, 64, 64, 150, 100);
    const target = paddedChwRegion(im, 0, 64, 0, 64);
    const gain = pkg.gain(Math.fround(0.6));
    const y = (await backend.analyze(target, 64, 64, gain)).data;
    const z = (await backend.hyperAnalyze(y, [128, 4, 4])).data;
    const p64 = makeProblem(pkg, new ReferenceRefineEngine(pkg), target, 64, 64, Math.fround(0.6));
    const tau = 0.5;
    const at = (yy: Float32Array) => evaluate(p64, yy, z, tau, mulberry32(7));
    const base = await at(y);
    const pOnnx = makeProblem(pkg, new OrtRefineEngine(await nodeOrt(1), pkg), target, 64, 64, Math.fround(0.6));
    const viaOnnx = await evaluate(pOnnx, y, z, tau, mulberry32(7));
    expect(Math.abs(viaOnnx.info.loss - base.info.loss) / base.info.loss).toBeLessThan(1e-5);
    // without z's gradient (z fixed, the default schedule): the same loss and y-gradient, the hyper-synthesis reused
    const noZ = await evaluate(p64, y, z, tau, mulberry32(7), false);
    expect(p64.hyper).toBeDefined();
    expect(noZ.info.loss).toBe(base.info.loss);
    expect(Array.from(noZ.gy)).toEqual(Array.from(base.gy));
    expect(noZ.gz.some((v, i) => v !== base.gz[i])).toBe(true); // (the straight-through part was left out)
    // a moved ẑ is not served from that cache
    const z2 = Float32Array.from(z, (v, i) => (i % 3 ? v : v + 1));
    const fresh = makeProblem(pkg, new ReferenceRefineEngine(pkg), target, 64, 64, Math.fround(0.6));
    expect((await evaluate(p64, y, z2, tau, mulberry32(7), false)).info.loss).toBe((await evaluate(fresh, y, z2, tau, mulberry32(7))).info.loss);
    // y is float32: perturb in float64 through a Float32Array copy with a step float32 represents well
    const r = mulberry32(8);
    let checked = 0;
    for (let k = 0; k < 4; k++) {
      const i = Math.floor(r() * y.length);
      const h = 1e-3;
      const yp = Float32Array.from(y);
      const ym = Float32Array.from(y);
      yp[i] += h;
      ym[i] -= h;
      // the soft rounding's position between its neighbours must not change over the step (floor stays)
      if (Math.floor(yp[i] - 0) !== Math.floor(ym[i] - 0)) continue;
      const hp = yp[i] - y[i];
      const hm = y[i] - ym[i];
      const fd = ((await at(yp)).info.loss - (await at(ym)).info.loss) / (hp + hm);
      expect(Math.abs(fd - base.gy[i])).toBeLessThan(2e-3 * Math.max(Math.abs(fd), 1e-3) + 1e-7);
      if (Math.abs(fd) > 1e-5) checked++;
    }
    expect(checked).toBeGreaterThan(1);
  }, 120_000);

  it('checkerboard: the non-anchors\' index is the context\'s over the anchors\' symbols, as the encoder codes them; its y-gradient matches central differences', async () => {
    const { pkg, backend } = await model('checkerboard');
    const im = crop(photo, 64, 64, 40, 120);
    const t = Math.fround(0.4);
    const target = paddedChwRegion(im, 0, 64, 0, 64);
    const y = (await backend.analyze(target, 64, 64, pkg.gain(t))).data;
    const z = (await backend.hyperAnalyze(y, [128, 4, 4])).data;
    const context = backend.context.bind(backend);
    expect(() => makeProblem(pkg, new ReferenceRefineEngine(pkg), target, 64, 64, t)).toThrow(/context/);
    const p = makeProblem(pkg, new ReferenceRefineEngine(pkg), target, 64, 64, t, context);
    const { index } = await latentParams(p, y, z);
    const enc = await encodeImage(pkg, backend, im, t);
    expect(Array.from(index)).toEqual(Array.from(enc.index!));
    // the context changed the non-anchors' tables (else this test could not tell the two apart)
    expect(index.some((v, i) => v !== p.hyper!.h.index[i])).toBe(true);
    // the relaxed rate at a tiny temperature (≈ hard rounding) is the coded tables' bit count (entropy.ts)
    const hardish = await evaluate(p, y, z, 1e-4, mulberry32(5), false);
    const coded = (enc.y.bits.total + enc.z!.bits.total) / (64 * 64);
    // (measured: 0.01 % apart; the hyper-prior's index at the non-anchors would be 1.5 % off)
    expect(Math.abs(hardish.info.bpp - coded) / coded).toBeLessThan(3e-3);
    // finite differences at anchors and non-anchors (steps too small to change an anchor's rounding)
    const tau = 0.5;
    const at = (yy: Float32Array) => evaluate(p, yy, z, tau, mulberry32(3), false);
    const base = await at(y);
    const r = mulberry32(9);
    let checked = 0;
    for (let k = 0; k < 6; k++) {
      const i = Math.floor(r() * y.length);
      const yp = Float32Array.from(y);
      const ym = Float32Array.from(y);
      yp[i] += 1e-3;
      ym[i] -= 1e-3;
      if (Math.floor(yp[i] - p.ctx!.mu[i]) !== Math.floor(ym[i] - p.ctx!.mu[i])) continue;
      const fd = ((await at(yp)).info.loss - (await at(ym)).info.loss) / (yp[i] - ym[i]);
      expect(Math.abs(fd - base.gy[i])).toBeLessThan(2e-3 * Math.max(Math.abs(fd), 1e-3) + 1e-7);
      if (Math.abs(fd) > 1e-5) checked++;
    }
    expect(checked).toBeGreaterThan(2);
  }, 120_000);

  it('0 steps = today\'s encoder byte for byte; refined files decode with the unchanged decoder, on the three hyper-prior codecs', async () => {
    const im = crop(photo, 100, 70, 120, 90);
    for (const name of ['mean-scale', 'hyperprior', 'checkerboard']) {
      const { pkg, backend } = await model(name);
      const engine = new OrtRefineEngine(await nodeOrt(1), pkg);
      const plain = await encodeImage(pkg, backend, im, 0.5);
      const zero = await encodeImage(pkg, backend, im, 0.5, { refine: { steps: 0, engine } });
      expect(Buffer.from(zero.bytes).equals(Buffer.from(plain.bytes))).toBe(true);
      const ref = await encodeImage(pkg, backend, im, 0.5, { refine: { steps: 6, engine, lr: 0.05 }, reconstruct: true });
      expect(ref.refine?.history.length).toBe(6);
      const dec = await decodeFile(pkg, backend, ref.bytes);
      expect(Array.from(dec.ySymbols)).toEqual(Array.from(ref.y.symbols));
      expect(Array.from(dec.zSymbols!)).toEqual(Array.from(ref.z!.symbols));
      expect(Buffer.from(dec.image.data).equals(Buffer.from(ref.reconstruction!.data))).toBe(true);
      // Tiles: the transforms' tiles equal the whole image in exact arithmetic, but onnxruntime's float32 convolutions
      // on a tile differ from the whole image's by ulps (y by up to ~1e-5 here). Rounding alone almost never sees them
      // (pipeline.test.ts: identical files); a refinement, an optimizer with hard rounding in its loop, can carry
      // them into a symbol (measured: 1 of 6144 with the hyperprior on transforms-b4842560). So a tiled refined file
      // decodes to its own symbols and is the untiled one but for a few symbols, at the same loss.
      const tiled = await encodeImage(pkg, backend, im, 0.5, { refine: { steps: 6, engine, lr: 0.05 }, tile: 64 });
      const dt = await decodeFile(pkg, backend, tiled.bytes);
      expect(Array.from(dt.ySymbols)).toEqual(Array.from(tiled.y.symbols));
      const differ = (a: Int32Array, b: Int32Array) => a.reduce((n, v, i) => n + (v !== b[i] ? 1 : 0), 0);
      const moved = differ(tiled.y.symbols, ref.y.symbols) + differ(tiled.z!.symbols, ref.z!.symbols);
      expect(moved, `${name}: ${moved} symbols differ tiled vs untiled`).toBeLessThanOrEqual(Math.max(2, 1e-3 * ref.y.symbols.length));
      expect(Math.abs(tiled.refine!.refinedLoss - ref.refine!.refinedLoss)).toBeLessThan(1e-3 * ref.refine!.refinedLoss);
      engine.dispose();
    }
  }, 180_000);

  it.each([
    ['mean-scale', [0.3, 1]],
    ['checkerboard', [0.6]],
  ] as const)('%s: lowers the loss of the real coded file (rate from its bytes + λ·255²·MSE of its decoding) vs no refinement', async (name, rates) => {
    const { pkg, backend } = await model(name);
    const engine = new OrtRefineEngine(await nodeOrt(1), pkg);
    const im = crop(photo, 128, 128, 100, 60);
    for (const t of rates) {
      const lambda = lambdaOf(pkg, Math.fround(t));
      const plain = await encodeImage(pkg, backend, im, t);
      const refined = await encodeImage(pkg, backend, im, t, { refine: { steps: 25, engine } }); // the default schedule
      const a = realLoss(lambda, plain.bytes.length, im, (await decodeFile(pkg, backend, plain.bytes)).image);
      const b = realLoss(lambda, refined.bytes.length, im, (await decodeFile(pkg, backend, refined.bytes)).image);
      expect(refined.refine!.kept).toBe('refined');
      expect(refined.refine!.refinedLoss).toBeLessThan(refined.refine!.initialLoss);
      expect(b, `t = ${t}: real loss ${a} → ${b}`).toBeLessThan(a * 0.995);
    }
    engine.dispose();
  }, 240_000);

  it.each([
    ['mean-scale', 256, 8],
    ['checkerboard', 512, 16],
  ] as const)('%s: tiled refinement works on windows, its losses are the whole image\'s, its files decode', async (name, size, tile) => {
    const { pkg, backend } = await model(name);
    const im = crop(photo, size, size, 0, 0);
    const t = Math.fround(0.5);
    const target = paddedChwRegion(im, 0, size, 0, size);
    const y = (await backend.analyze(target, size, size, pkg.gain(t))).data;
    const z = (await backend.hyperAnalyze(y, [128, size / 16, size / 16])).data;
    const ort = new OrtRefineEngine(await nodeOrt(1), pkg);
    let largest = 0;
    const spy: RefineEngine = {
      label: 'spy',
      synthesisGrad: (...a) => ((largest = Math.max(largest, a[1][1] * a[1][2])), ort.synthesisGrad(...a)),
      means: (...a) => ort.means(...a),
      meansGrad: (...a) => ort.meansGrad(...a),
      dispose: () => {},
    };
    const context = backend.context.bind(backend);
    const g = tileGeometry(pkg);
    expect(g).toEqual(name === 'checkerboard' ? { syn: 2, ctx: 4, halo: 12 } : { syn: 2, ctx: 0, halo: 4 });
    const tiled = await refineLatents(pkg, target, size, size, y, z, t, { steps: 3, engine: spy, context, tile });
    // every window is smaller than the image: (tile + 2 halo)² at most
    const side = size / 16;
    expect(largest).toBeLessThanOrEqual(Math.min(side, tile + 2 * g.halo) ** 2);
    expect(largest).toBeLessThan(side * side);
    expect(tiled.history.length).toBe(3 * 4);
    expect(tiled.history[3].tile).toEqual([2, 4]);
    // the whole image's loss (the untiled computation) of the encoder's latents and of the refined ones
    const whole = async (yy: Float32Array) => (await refineLatents(pkg, target, size, size, yy, z, t, { steps: 0, engine: ort, context })).initialLoss;
    const w0 = await whole(y);
    const w1 = await whole(tiled.y);
    // (measured: 1e-8 apart; a window's pixel ring short of the context's reach gave 1e-4, none at all more)
    expect(Math.abs(tiled.initialLoss - w0) / tiled.initialLoss).toBeLessThan(1e-6);
    expect(Math.abs(tiled.refinedLoss - w1) / tiled.refinedLoss).toBeLessThan(1e-6);
    expect(tiled.tilesKept![0]).toBeGreaterThan(0);
    expect(tiled.refinedLoss).toBeLessThan(tiled.initialLoss);
    // through the pipeline: the file decodes with the unchanged decoder
    const enc = await encodeImage(pkg, backend, im, t, { refine: { steps: 1, engine: ort, tile }, reconstruct: true });
    expect(enc.refine!.tilesKept![1]).toBe(4);
    const dec = await decodeFile(pkg, backend, enc.bytes);
    expect(Array.from(dec.ySymbols)).toEqual(Array.from(enc.y.symbols));
    expect(Buffer.from(dec.image.data).equals(Buffer.from(enc.reconstruction!.data))).toBe(true);
    ort.dispose();
  }, 300_000);

  it('the CLI takes --refine-steps and the schedule for learned codecs only', () => {
    const a = parseArgs(['--codec', 'mean-scale', '--images', 'x.png', '--refine-steps', '200', '--refine-lr', '0.01', '--refine-z-lr', '0']);
    expect(a.refineSteps).toBe(200);
    expect(a.refine).toEqual({ lr: 0.01, zLr: 0 });
    expect(() => parseArgs(['--classical', 'jpeg', '--images', 'x.png', '--refine-steps', '5'])).toThrow(/learned codecs/);
    expect(() => parseArgs(['--codec', 'mean-scale', '--images', 'x.png', '--refine-steps', '-1'])).toThrow(/refine-steps/);
  });
});
