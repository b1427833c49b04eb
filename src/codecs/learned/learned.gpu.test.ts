// Browser layer (headless Chromium; SwiftShader without a GPU): the learned codecs' backends against each other.
//  - WGSL iconv = CPU iconv = the exporter's known answer (package selftest vector);
//  - 'wgsl' vs 'onnx-wasm' (and 'onnx-webgpu') on a 64×64 photo crop: y, z, means within float tolerance,
//    integer index identical;
//  - cross-backend decode: a file encoded on one backend decodes on another to identical symbols;
//  - the codecs through the app's worker pool (auto → onnx-wasm on a software adapter), with their extras.
// Images stay tiny: SwiftShader runs WGSL on the CPU.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareClose } from '../../gpu/testing/compare';
import { psnrRgb } from '../../metrics/psnr';
import { findCodec } from '../registry';
import { resolveOptions } from '../options';
import { CodecWorkerPool } from '../runtime/pool';
import type { RgbaImage } from '../types';
import type { LearnedBackend } from './backend';
import { probeAdapter } from '../adapter';
import { intHyperSynthesis } from './int-hyper';
import { backendFor, loadPackage } from './loader';
import type { ModelPackage } from './package';
import { decodeFile, encodeImage, latentShapes } from './pipeline';
import { imageToPaddedChw } from './image';
import { WgslBackend } from './wgsl-backend';
import { sampleCrop } from '../../testing/sample-crop';

const MODELS = ['factorized', 'hyperprior', 'mean-scale'] as const;
const W = 64;
const H = 64;
let image: RgbaImage;

beforeAll(async () => {
  image = await sampleCrop(210, 130, W, H);
});

/** y and (hyperprior models) z of one crop, as the untiled pipeline computes them. */
async function analyzeBoth(b: LearnedBackend, pkg: ModelPackage, x: { data: Float32Array; height: number; width: number }, gain: Float32Array) {
  const y = await b.analyze(x.data, x.height, x.width, gain);
  return { y, z: pkg.manifest.transforms.hyper_analysis ? await b.hyperAnalyze(y.data, y.shape) : null };
}

async function backends(name: string): Promise<{ pkg: ModelPackage; wgsl: WgslBackend; wasm: LearnedBackend }> {
  const pkg = await loadPackage(name);
  return { pkg, wgsl: (await backendFor(pkg, 'wgsl')) as WgslBackend, wasm: await backendFor(pkg, 'onnx-wasm') };
}

describe.each(MODELS)('%s: wgsl vs onnx-wasm', (name) => {
  it('WGSL integer hyper-synthesis = CPU path = the exporter’s known answer', async () => {
    const { pkg, wgsl } = await backends(name);
    const st = pkg.manifest.integer_hyper_synthesis?.selftest;
    if (pkg.manifest.architecture === 'factorized') return expect(st).toBeUndefined();
    const z = pkg.i32(st!.z_hat);
    const shape = [pkg.manifest.channels.Nz!, 2, 3] as const;
    const gpu = await wgsl.intHyper(z, shape);
    const cpu = intHyperSynthesis(pkg, z, shape);
    expect(Array.from(gpu.features)).toEqual(Array.from(pkg.i32(st!.features)));
    expect(Array.from(gpu.index)).toEqual(Array.from(pkg.i32(st!.index)));
    expect(Array.from(gpu.index)).toEqual(Array.from(cpu.index));
  });

  it('transforms agree within float tolerance; the index is identical', async () => {
    const { pkg, wgsl, wasm } = await backends(name);
    const x = imageToPaddedChw(image, pkg.manifest.downsampling);
    const gain = pkg.gain(0.6);
    const a = await analyzeBoth(wgsl, pkg, x, gain);
    const b = await analyzeBoth(wasm, pkg, x, gain);
    expect(a.y.shape).toEqual(b.y.shape);
    const maxY = Math.max(...Array.from(b.y.data, Math.abs));
    const ry = compareClose(a.y.data, b.y.data, { atol: 2e-4 * maxY, rtol: 1e-3 });
    expect(ry.ok, JSON.stringify(ry)).toBe(true);
    if (!b.z) return;
    const maxZ = Math.max(...Array.from(b.z.data, Math.abs));
    const rz = compareClose(a.z!.data, b.z.data, { atol: 2e-4 * maxZ, rtol: 1e-3 });
    expect(rz.ok, JSON.stringify(rz)).toBe(true);
    const zHat = Int32Array.from(b.z.data, (v) => Math.max(-127, Math.min(127, Math.round(v))));
    const ha = await wgsl.hyperSynthesis(zHat, b.z.shape);
    const hb = await wasm.hyperSynthesis(zHat, b.z.shape);
    expect(Array.from(ha.index)).toEqual(Array.from(hb.index));
    expect(Array.from(ha.index)).toEqual(Array.from(intHyperSynthesis(pkg, zHat, b.z.shape).index));
    if (hb.means) {
      // Both read the package's float16 means-head weights (the ONNX graph built from the package casts them);
      // identical on SwiftShader, the tolerance leaves room for another device's float rounding.
      const rm = compareClose(ha.means!, hb.means, { atol: 1e-4, rtol: 1e-4 });
      expect(rm.ok, JSON.stringify(rm)).toBe(true);
    }
    // Synthesis of the same ŷ: images within one 8-bit level.
    const yHat = Float32Array.from(b.y.data, Math.round);
    const sa = await wgsl.synthesize(yHat, b.y.shape, pkg.gain(0.6, true));
    const sb = await wasm.synthesize(yHat, b.y.shape, pkg.gain(0.6, true));
    const rs = compareClose(sa.data, sb.data, { atol: 1e-3, rtol: 1e-3 });
    expect(rs.ok, JSON.stringify(rs)).toBe(true);
  });

  it('cross-backend decode: wgsl files decode on onnx-wasm to identical symbols, and vice versa', async () => {
    const { pkg, wgsl, wasm } = await backends(name);
    for (const [enc, dec] of [
      [wgsl, wasm],
      [wasm, wgsl],
    ] as const) {
      const e = await encodeImage(pkg, enc, image, 0.4, { reconstruct: true });
      const d = await decodeFile(pkg, dec, e.bytes);
      expect(d.ySymbols).toEqual(e.y.symbols);
      if (e.z) expect(d.zSymbols).toEqual(e.z.symbols);
      // Pixels differ only by float rounding between backends.
      expect(psnrRgb(e.reconstruction!, d.image)).toBeGreaterThan(45);
      expect(latentShapes(pkg, W, H)[0]).toEqual(e.y.shape);
    }
  });
});

describe('tiles on wgsl', () => {
  it('mean-scale, 96×64 in 64-pixel tiles = the whole image: identical symbols and file, pixels ≥ 60 dB apart or identical', async () => {
    const pkg = await loadPackage('mean-scale');
    const wgsl = await backendFor(pkg, 'wgsl');
    const im = await sampleCrop(180, 110, 96, 64);
    let analyzeCalls = 0;
    const counted: LearnedBackend = Object.assign(Object.create(wgsl), { analyze: (...a: Parameters<LearnedBackend['analyze']>) => (analyzeCalls++, wgsl.analyze(...a)) });
    const whole = await encodeImage(pkg, wgsl, im, 0.5, { reconstruct: true, tile: Infinity });
    const tiled = await encodeImage(pkg, counted, im, 0.5, { reconstruct: true, tile: 64, hyperTile: 64 });
    expect(analyzeCalls).toBe(2);
    expect(tiled.y.symbols).toEqual(whole.y.symbols);
    expect(tiled.z!.symbols).toEqual(whole.z!.symbols);
    expect(tiled.bytes).toEqual(whole.bytes);
    const [a, b] = [tiled.reconstruction!, whole.reconstruction!];
    if (!a.data.every((v, i) => v === b.data[i])) expect(psnrRgb(a, b)).toBeGreaterThanOrEqual(60);
    const d = await decodeFile(pkg, wgsl, whole.bytes, { tile: 64 });
    expect(d.image.data).toEqual(a.data);
  });
});

describe('onnx-webgpu', () => {
  it('mean-scale: analysis ≈ onnx-wasm; its files decode on onnx-wasm to identical symbols', async () => {
    const pkg = await loadPackage('mean-scale');
    const gpu = await backendFor(pkg, 'onnx-webgpu');
    const wasm = await backendFor(pkg, 'onnx-wasm');
    const x = imageToPaddedChw(image, 64);
    const a = await analyzeBoth(gpu, pkg, x, pkg.gain(0.5));
    const b = await analyzeBoth(wasm, pkg, x, pkg.gain(0.5));
    const maxY = Math.max(...Array.from(b.y.data, Math.abs));
    const r = compareClose(a.y.data, b.y.data, { atol: 2e-4 * maxY, rtol: 1e-3 });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const e = await encodeImage(pkg, gpu, image, 0.5);
    const d = await decodeFile(pkg, wasm, e.bytes);
    expect(d.ySymbols).toEqual(e.y.symbols);
  });
});

describe('codecs in the app’s worker pool', () => {
  const pool = new CodecWorkerPool({ size: 1 });
  afterAll(() => pool.dispose());
  const source = { key: 'learned-64', image: undefined as unknown as RgbaImage };

  it.each(MODELS)('%s: auto picks a backend by adapter, encodes, decodes its own file, reports extras', async (id) => {
    source.image = image;
    const codec = findCodec(id)!;
    const stages: string[] = [];
    const r = await pool.encode(source, id, resolveOptions(codec, { rate: 0.3 }), { onProgress: (p) => stages.push(p.stage) });
    expect(String.fromCharCode(...r.bytes.subarray(0, 4))).toBe('RDLB');
    expect([r.decoded.width, r.decoded.height]).toEqual([W, H]);
    expect(r.metrics.psnr).toBeCloseTo(psnrRgb(image, r.decoded), 10);
    expect(stages).toEqual(expect.arrayContaining(['loading model', 'analysis transform', 'entropy coding', 'decoding: synthesis']));
    const adapter = await probeAdapter();
    const expected = adapter.ok && !adapter.software ? 'wgsl' : 'onnxruntime';
    expect(r.extras!.notes![0]).toContain(expected);
    const map = r.extras!.bitMap!;
    expect([map.width, map.height]).toEqual([W, H]);
    const mean = map.bitsPerPixel.reduce((a, b) => a + b, 0) / (W * H);
    const bpp = (8 * r.bytes.length) / (W * H);
    expect(mean).toBeLessThan(bpp);
    expect(mean).toBeGreaterThan(bpp - (8 * 200) / (W * H)); // header + stream overhead < 200 bytes
    expect(r.extras!.latents![0].name).toBe('y');
    const again = await pool.decodeFile(id, r.bytes);
    expect(again.data).toEqual(r.decoded.data);
  });

  it('a damaged file is "decode-failed"; a wrong backend choice is "invalid-options"', async () => {
    source.image = image;
    const r = await pool.encode(source, 'hyperprior', resolveOptions(findCodec('hyperprior')!, { rate: 0.2 }));
    const bad = r.bytes.slice();
    bad[bad.length - 9] ^= 4;
    await expect(pool.decodeFile('hyperprior', bad)).rejects.toMatchObject({ kind: 'decode-failed' });
    await expect(pool.decodeFile('mean-scale', r.bytes)).rejects.toMatchObject({ kind: 'decode-failed', message: /model-mismatch/ });
    await expect(pool.encode(source, 'hyperprior', { rate: 0.2, backend: 'cuda' })).rejects.toMatchObject({ kind: 'invalid-options' });
  });
});
