// Browser layer (headless Chromium; SwiftShader without a GPU): the checkerboard codec on the 'wgsl' backend, with
// the tiny random-weights package of fixtures/ (make_checkerboard_package.py; NOT a trained model):
//  - WGSL hyper-synthesis features and context index = the CPU integer path = the exporter's known answer;
//  - WGSL context means = onnx-wasm's within float tolerance;
//  - files written on wgsl, onnx-wasm and onnx-webgpu decode on each of the others to identical symbols; a wgsl
//    round trip gives the encoder's pixels bit for bit;
//  - the fixture files written in Node and in this browser (fixtures/files, checkerboard-files.test.ts) decode on
//    all three to their writer's symbols.
// Tiny images: SwiftShader runs WGSL on the CPU.
import { beforeAll, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import type { CrossFile } from './checkerboard-files.test';
import { iconv } from '../../gpu/int/iconv';
import { iconvParamsOf, type OpOf } from '../../gpu/oplist';
import { compareClose } from '../../gpu/testing/compare';
import { psnrRgb } from '../../metrics/psnr';
import type { Shape3 } from '../container';
import type { RgbaImage } from '../types';
import type { LearnedBackend } from './backend';
import { checkerboardIndex } from './checkerboard';
import { intHyperSynthesis } from './int-hyper';
import { backendFor, loadPackage } from './loader';
import type { ModelPackage } from './package';
import { decodeFile, encodeImage } from './pipeline';
import { sampleCrop } from '../../testing/sample-crop';

const BASE = '/src/codecs/learned/fixtures/models/';
const W = 64;
const H = 64;
let image: RgbaImage;
let pkg: ModelPackage;
let wgsl: LearnedBackend;
let wasm: LearnedBackend;
let webgpu: LearnedBackend;

beforeAll(async () => {
  image = await sampleCrop(200, 120, W, H);
  pkg = await loadPackage('checkerboard', BASE);
  wgsl = await backendFor(pkg, 'wgsl');
  wasm = await backendFor(pkg, 'onnx-wasm');
  webgpu = await backendFor(pkg, 'onnx-webgpu');
});

const ops = () => ({ context: pkg.manifest.transforms.context_int!, index: pkg.manifest.transforms.context_index_int! });

describe('checkerboard on wgsl (tiny random-weights package)', () => {
  it('WGSL context index = CPU path = the exporter’s known answer (at the non-anchors); means ≈ onnx-wasm', async () => {
    const st = pkg.manifest.checkerboard!.selftest;
    const M = pkg.manifest.channels.M;
    const fShape: Shape3 = [8, 4, 6];
    const yShape: Shape3 = [M, 4, 6];
    const features = pkg.i32(st.features);
    const symbols = pkg.i32(st.symbols);
    const anchorIndex = iconv(features, fShape, iconvParamsOf(pkg.manifest.transforms.scale_index_int![0] as OpOf<'iconv2d'>, pkg)).data;
    const cpu = checkerboardIndex(pkg, ops(), features, fShape, anchorIndex, symbols, yShape);
    expect(Array.from(cpu.index)).toEqual(Array.from(pkg.i32(st.index)));
    // both give the non-anchors in pass layout: (c, r, j) is y's (c, r, 2j + ((r + 1) mod 2))
    const a = await wgsl.context(features, fShape, symbols, yShape);
    const b = await wasm.context(features, fShape, symbols, yShape);
    expect(a.index.length).toBe((M * 24) / 2);
    for (let c = 0; c < M; c++) for (let r = 0; r < 4; r++) for (let j = 0; j < 3; j++) expect(a.index[(c * 4 + r) * 3 + j]).toBe(cpu.index[(c * 4 + r) * 6 + 2 * j + ((r + 1) % 2)]);
    expect(Array.from(a.index)).toEqual(Array.from(b.index)); // integers, identical
    const rm = compareClose(a.means, b.means, { atol: 1e-5, rtol: 1e-5 });
    expect(rm.ok, JSON.stringify(rm)).toBe(true);
  });

  it('WGSL hyper-synthesis gives the CPU path’s integer features', async () => {
    const z = Int32Array.from({ length: 4 * 2 * 3 }, (_, i) => ((i * 37) % 25) - 12);
    const r = await wgsl.hyperSynthesis(z, [4, 2, 3]);
    const cpu = intHyperSynthesis(pkg, z, [4, 2, 3]);
    expect(Array.from(r.features!)).toEqual(Array.from(cpu.features));
    expect(Array.from(r.index)).toEqual(Array.from(cpu.index));
    expect(new Set(cpu.features).size).toBeGreaterThan(3);
  });

  it('cross-backend decode: files written on wgsl, onnx-wasm and onnx-webgpu decode on the others to identical symbols; wgsl round trip bit for bit', async () => {
    for (const [enc, dec] of [
      [wgsl, wasm],
      [wasm, wgsl],
      [webgpu, wgsl],
      [wgsl, webgpu],
      [webgpu, wasm],
      [wasm, webgpu],
    ] as const) {
      const e = await encodeImage(pkg, enc, image, 0.8, { reconstruct: true });
      expect(e.y.symbols.some((v) => v !== 0)).toBe(true);
      const d = await decodeFile(pkg, dec, e.bytes);
      expect(d.ySymbols).toEqual(e.y.symbols);
      expect(d.zSymbols).toEqual(e.z!.symbols);
      expect(psnrRgb(e.reconstruction!, d.image)).toBeGreaterThan(45);
      if (enc === wgsl) {
        const same = await decodeFile(pkg, wgsl, e.bytes);
        expect(Array.from(same.image.data)).toEqual(Array.from(e.reconstruction!.data));
      }
    }
  });

  it('the fixture files written in Node and in the browser decode on wgsl, onnx-wasm and onnx-webgpu to their writer\'s symbols', async () => {
    const FILES = '/src/codecs/learned/fixtures/files/';
    const hex = async (b: Uint8Array) => Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', b as BufferSource)), (v) => v.toString(16).padStart(2, '0')).join('');
    if (import.meta.env.VITE_REGENERATE_FIXTURES) {
      const e = await encodeImage(pkg, wgsl, image, 0.3); // Node's is at 0.8 (at 0.8 the two wrote the same bytes)
      await commands.writeFile('src/codecs/learned/fixtures/files/checkerboard-wgsl.rdlb', btoa(String.fromCharCode(...e.bytes)), 'base64');
      const list = JSON.parse(await commands.readFile('src/codecs/learned/fixtures/files/files.json')) as Record<string, CrossFile>;
      list['checkerboard-wgsl.rdlb'] = { writer: `browser, wgsl (${navigator.userAgent.match(/Chrome\/[\d]+/)?.[0] ?? 'Chromium'}, SwiftShader)`, sha256: await hex(e.bytes), y: Array.from(e.y.symbols), z: Array.from(e.z!.symbols) };
      await commands.writeFile('src/codecs/learned/fixtures/files/files.json', JSON.stringify(list, null, 0) + '\n');
    }
    const list = (await (await fetch(`${FILES}files.json`, { cache: 'no-store' })).json()) as Record<string, CrossFile>;
    expect(Object.keys(list).sort()).toEqual(['checkerboard-node.rdlb', 'checkerboard-wgsl.rdlb']);
    for (const [name, f] of Object.entries(list)) {
      const bytes = new Uint8Array(await (await fetch(FILES + name, { cache: 'no-store' })).arrayBuffer());
      expect(await hex(bytes), name).toBe(f.sha256);
      for (const b of [wgsl, wasm, webgpu]) {
        const d = await decodeFile(pkg, b, bytes);
        expect(Array.from(d.ySymbols), `${name} on ${b.kind}`).toEqual(f.y);
        expect(Array.from(d.zSymbols!), `${name} on ${b.kind}`).toEqual(f.z);
      }
    }
  });
});
