// The Effort option through the learned codecs' worker-side implementation (what a codec worker runs), in the
// browser, on the engines the app uses: WgslRefineEngine on the 'wgsl' backend and OrtRefineEngine on 'onnx-wasm'
// and 'onnx-webgpu' (loader.ts refineEngineFor); mean-scale on each, checkerboard (whose refinement calls the
// backend's context) on wgsl. Two steps (an effort the schema does not offer, fine here: the implementation
// reads the steps from the option) on a 32×32 crop, so SwiftShader takes seconds: each step reports itself with
// its loss and bits, the progress only rises, the note names the engine, and the file differs from effort 0's and
// decodes on the other backend to the same image.
import { beforeAll, describe, expect, it } from 'vitest';
import type { EncodeProgress, RgbaImage } from '../types';
import type { Effort, LearnedOptions } from './codec';
import { implementationFor } from './implementation';
import { backendFor, loadPackage, refineEngineFor } from './loader';
import { mulberry32 } from '../../testing/random';
import { decodeFile } from './pipeline';
import { sampleCrop } from '../../testing/sample-crop';

const W = 32;
const H = 32;
let image: RgbaImage;

beforeAll(async () => {
  image = await sampleCrop(230, 150, W, H);
});

describe('Effort in the learned codec implementation', () => {
  for (const [codec, backend, other, label] of [
    ['mean-scale', 'onnx-wasm', 'wgsl', /^Effort: 2 refinement steps on onnxruntime-web .*\(wasm EP\)/],
    ['mean-scale', 'wgsl', 'onnx-wasm', /^Effort: 2 refinement steps on wgsl on /],
    ['mean-scale', 'onnx-webgpu', 'onnx-wasm', /^Effort: 2 refinement steps on onnxruntime-web .*\(webgpu EP\)/],
    ['checkerboard', 'wgsl', 'onnx-wasm', /^Effort: 2 refinement steps on wgsl on /],
  ] as const) {
    it(`${codec} on ${backend}: refines, reports each step, and writes a file the ${other} decoder reads`, { timeout: 240_000 }, async () => {
      const impl = implementationFor(codec);
      const run = async (effort: string) => {
        const progress: EncodeProgress[] = [];
        const options = { rate: 0.5, backend, effort: effort as Effort } as LearnedOptions;
        const out = await impl.encode(image, options, { signal: new AbortController().signal, onProgress: (p) => progress.push(p) });
        return { out, progress };
      };
      const plain = await run('0');
      const refined = await run('2');
      const steps = refined.progress.filter((p) => p.stage.startsWith('refining'));
      expect(steps.map((p) => p.stage.replace(/ · .*/, ''))).toEqual(['refining 1/2', 'refining 2/2']);
      for (const p of steps) expect(p.stage).toMatch(/^refining \d\/2 · loss \d+\.\d{4} · ~\d+\.\d{3} bpp$/);
      expect(steps[0].leftMs).toBeUndefined(); // the first step includes the warm-up: no estimate from it
      expect(steps[1].leftMs).toBe(0);
      const done = refined.progress.map((p) => p.done);
      expect(done).toEqual([...done].sort((a, b) => a - b));
      expect(done[done.length - 1]).toBe(1);
      expect(plain.progress.some((p) => p.stage.startsWith('refining'))).toBe(false);

      expect(refined.out.extras?.notes?.some((n) => label.test(n))).toBe(true);
      expect(plain.out.extras?.notes?.some((n) => n.startsWith('Effort'))).toBe(false);
      expect(Array.from(refined.out.bytes)).not.toEqual(Array.from(plain.out.bytes));
      // The refined file is an ordinary file: the other backend decodes it to the image the codec returned.
      const pkg = await loadPackage(codec);
      const dec = await decodeFile(pkg, await backendFor(pkg, other), refined.out.bytes);
      let maxDiff = 0;
      for (let i = 0; i < dec.image.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(dec.image.data[i] - refined.out.decoded.data[i]));
      expect(maxDiff).toBeLessThanOrEqual(1);
    });
  }

  it('the onnx-webgpu engine computes what the onnx-wasm one does (distortion, dD/dŷ, means and their VJP)', { timeout: 240_000 }, async () => {
    const pkg = await loadPackage('mean-scale');
    const [gpu, cpu] = await Promise.all([refineEngineFor(pkg, await backendFor(pkg, 'onnx-webgpu')), refineEngineFor(pkg, await backendFor(pkg, 'onnx-wasm'))]);
    expect([gpu.label, cpu.label]).toEqual([expect.stringMatching(/webgpu EP/), expect.stringMatching(/wasm EP/)]);
    const r = mulberry32(4);
    const yShape: [number, number, number] = [128, 2, 2];
    const yHat = Float32Array.from({ length: 128 * 4 }, () => Math.round((r() - 0.5) * 8));
    const target = Float32Array.from({ length: 3 * 32 * 32 }, () => r());
    const wt = new Float32Array(32 * 32).fill(1e-3);
    const invGain = pkg.gain(0.5, true);
    const [a, b] = await Promise.all([gpu.synthesisGrad(yHat, yShape, invGain, target, wt), cpu.synthesisGrad(yHat, yShape, invGain, target, wt)]);
    expect(Math.abs(a.d - b.d) / b.d).toBeLessThan(1e-5);
    const scale = Math.max(...b.grad.map(Math.abs));
    expect(Math.max(...a.grad.map((v, i) => Math.abs(v - b.grad[i])))).toBeLessThan(1e-4 * scale);
    const feat = Int32Array.from({ length: 96 * 4 }, () => Math.floor(r() * 64));
    const [ma, mb] = await Promise.all([gpu.means(feat, [96, 2, 2]), cpu.means(feat, [96, 2, 2])]);
    expect(Math.max(...ma.map((v, i) => Math.abs(v - mb[i])))).toBeLessThan(1e-4);
    const g = Float32Array.from({ length: 128 * 4 }, () => r() - 0.5);
    const [ga, gb] = await Promise.all([gpu.meansGrad(feat, [96, 2, 2], g), cpu.meansGrad(feat, [96, 2, 2], g)]);
    expect(Math.max(...ga.map((v, i) => Math.abs(v - gb[i])))).toBeLessThan(1e-4 * Math.max(...gb.map(Math.abs)));
  });
});
