// The ONNX graphs built in TypeScript from a package's op lists (onnx-graph.ts) against the .onnx files that
// tools/train/onnx_export.py wrote (torch.onnx.export + its integer graph), in onnxruntime-web's wasm EP in Node,
// on a 64×64 crop of a sample photo: the integer index bit-identical, the float outputs within 1e-5 (absolute;
// measured: 0, the same floats, since the graphs hold the same ops on the same f16 weights).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { crop, loadPackageDir, readImageFile } from '../../cli/node-io';
import type { RgbaImage } from '../types';
import { imageToPaddedChw } from './image';
import { buildGraph, graphNames, type GraphName } from './onnx-graph';
import type { ModelPackage } from './package';

const ROOT = join(__dirname, '../../../public/models');
const names = existsSync(ROOT) ? readdirSync(ROOT).filter((n) => existsSync(join(ROOT, n, 'manifest.json'))) : [];

let image: RgbaImage;
beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  image = crop(await readImageFile(join(__dirname, '../../../public/samples/coffee.png')), 64, 64, 210, 130);
});

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

async function sessions(pkg: ModelPackage, dir: string, g: GraphName) {
  const file = (pkg.manifest as { onnx?: Record<string, string> }).onnx?.[g];
  expect(file, `${pkg.name} names a ${g} file`).toBeTruthy();
  const opts = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' as const };
  return {
    built: await ort.InferenceSession.create(buildGraph(pkg, g), opts),
    stored: await ort.InferenceSession.create(readFileSync(join(dir, file!)), opts),
  };
}

async function both(pkg: ModelPackage, dir: string, g: GraphName, feeds: Record<string, ort.Tensor>) {
  const s = await sessions(pkg, dir, g);
  expect(s.built.inputNames.slice().sort()).toEqual(s.stored.inputNames.slice().sort());
  expect(s.built.outputNames.slice().sort()).toEqual(s.stored.outputNames.slice().sort());
  const [a, b] = [await s.built.run(feeds), await s.stored.run(feeds)];
  for (const k of s.stored.outputNames) {
    expect(a[k].type).toBe(b[k].type);
    expect(a[k].dims).toEqual(b[k].dims);
  }
  return { built: a, stored: b };
}

describe.each(names)('generated ONNX graphs of %s = the stored .onnx files', (name) => {
  it('analysis, hyper-analysis, hyper-synthesis and synthesis agree on a photo crop', async () => {
    const dir = join(ROOT, name);
    const { pkg } = await loadPackageDir(dir);
    expect(graphNames(pkg.manifest).sort()).toEqual(Object.keys((pkg.manifest as { onnx?: object }).onnx ?? {}).sort());
    const M = pkg.manifest.channels.M;
    const x = imageToPaddedChw(image, pkg.manifest.downsampling);
    const T = ort.Tensor;

    const an = await both(pkg, dir, 'analysis', { x: new T('float32', x.data, [1, 3, x.height, x.width]), gain: new T('float32', pkg.gain(0.6), [M]) });
    const y = an.stored.y;
    expect(maxAbsDiff(an.built.y.data as Float32Array, y.data as Float32Array)).toBeLessThanOrEqual(1e-5);
    expect(Math.max(...Array.from(y.data as Float32Array, Math.abs))).toBeGreaterThan(1); // not a trivial output

    const yHat = Float32Array.from(y.data as Float32Array, Math.round);
    const sy = await both(pkg, dir, 'synthesis', { y_hat: new T('float32', yHat, y.dims), inv_gain: new T('float32', pkg.gain(0.6, true), [M]) });
    expect(maxAbsDiff(sy.built.x_hat.data as Float32Array, sy.stored.x_hat.data as Float32Array)).toBeLessThanOrEqual(1e-5);

    if (pkg.manifest.architecture === 'factorized') return;
    const ha = await both(pkg, dir, 'hyper_analysis', { y });
    const z = ha.stored.z;
    expect(maxAbsDiff(ha.built.z.data as Float32Array, z.data as Float32Array)).toBeLessThanOrEqual(1e-5);

    // the photo's z and the exporter's known-answer z (which reaches ±127)
    const zHat = Int32Array.from(z.data as Float32Array, (v) => Math.max(-127, Math.min(127, Math.round(v))));
    const st = pkg.manifest.integer_hyper_synthesis!.selftest!;
    for (const [data, dims] of [
      [zHat, z.dims],
      [pkg.i32(st.z_hat), [1, pkg.manifest.channels.Nz!, 2, 3]],
    ] as const) {
      const hs = await both(pkg, dir, 'hyper_synthesis', { z_hat: new T('int32', data, dims) });
      expect(Array.from(hs.built.index.data as Int32Array)).toEqual(Array.from(hs.stored.index.data as Int32Array));
      expect(new Set(hs.built.index.data as Int32Array).size).toBeGreaterThan(3);
      if (pkg.manifest.architecture === 'mean-scale') {
        // the stored graph holds the means head's f16 weights widened to f32 initializers; ours casts at run time
        expect(maxAbsDiff(hs.built.means.data as Float32Array, hs.stored.means.data as Float32Array)).toBeLessThanOrEqual(1e-5);
      } else expect(hs.built.means).toBeUndefined();
    }
  });
});
