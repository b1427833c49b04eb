// The checkerboard codec's two-pass pipeline in Node (onnx-wasm), on a tiny random-weights package exported by
// tools/train/export.py (fixtures/make_checkerboard_package.py; NOT a trained model): the package checks, its
// known-answer vector on the CPU path and the ONNX context graph, encode → decode with identical symbols and
// pixels, the encoder's index = the CPU integer path, the context means = the float64 reference of the op list,
// the file's tensors laid out as docs/container-format.md says (decoded here with the spec's own element
// formula, not the pipeline's pass helpers), and files with the passes swapped refused or decoded differently.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { crop, loadNodeModel, readImageFile } from '../../cli/node-io';
import { iconv } from '../../gpu/int/iconv';
import { iconvParamsOf, type OpOf } from '../../gpu/oplist';
import { runOpsRef } from '../../gpu/reference/oplist';
import { refTensor } from '../../gpu/reference/ops';
import { readContainer, writeContainer, type Shape3 } from '../container';
import { decodeTensor } from '../entropy';
import type { RgbaImage } from '../types';
import type { LearnedBackend } from './backend';
import { mulberry32 } from '../../testing/random';
import { checkerboardIndex } from './checkerboard';
import { imageToPaddedChw } from './image';
import { intHyperSynthesis } from './int-hyper';
import { parseManifest, parseSharedManifest, type ModelPackage } from './package';
import { decodeFile, encodeImage, latentShapes, modelId, type EncodeResult } from './pipeline';

const FIXTURE = join(__dirname, 'fixtures/models');
const W = 150;
const H = 100; // padded to 192 × 128: y 8 × 8 × 12, each pass 8 × 8 × 6, z 4 × 2 × 3

let pkg: ModelPackage;
let backend: LearnedBackend;
let image: RgbaImage;
const encodes = new Map<number, EncodeResult>();
beforeAll(async () => {
  ({ pkg, backend } = await loadNodeModel(join(FIXTURE, 'checkerboard')));
  image = crop(await readImageFile(join(__dirname, '../../../public/samples/coffee.png')), W, H, 160, 90);
  for (const t of [0, 0.6, 1]) encodes.set(t, await encodeImage(pkg, backend, image, t, { reconstruct: true }));
});

const ops = () => ({ context: pkg.manifest.transforms.context_int!, index: pkg.manifest.transforms.context_index_int! });
const at = (shape: Shape3, c: number, r: number, x: number) => (c * shape[1] + r) * shape[2] + x;
/** The spec's layout (docs/container-format.md): pass p's element (c, r, j) is y's (c, r, 2j + ((r + p) mod 2)). */
const specPosition = (r: number, j: number, p: number) => 2 * j + ((r + p) % 2);

/** The oracle's index for every y element: the CPU integer hyper-synthesis, then the CPU fused checkerboard index. */
function oracleIndex(zSymbols: Int32Array, zShape: Shape3, ySymbols: Int32Array, yShape: Shape3) {
  const hs = intHyperSynthesis(pkg, zSymbols, zShape);
  return { hs, cb: checkerboardIndex(pkg, ops(), hs.features, hs.featureShape, hs.index, ySymbols, yShape) };
}

describe('the checkerboard package (tiny random weights)', () => {
  it('passes the package checks; a context on another architecture or a context head of the wrong width is refused', () => {
    const json = JSON.parse(readFileSync(join(FIXTURE, 'checkerboard/manifest.json'), 'utf8'));
    const shared = [parseSharedManifest(JSON.parse(readFileSync(join(FIXTURE, json.uses[0].name, 'manifest.json'), 'utf8')))];
    expect(parseManifest(json, shared).architecture).toBe('checkerboard');
    expect(() => parseManifest({ ...json, architecture: 'mean-scale' }, shared)).toThrow(/only architecture "checkerboard"/);
    const { context_int: _c, ...noContext } = json.transforms;
    expect(() => parseManifest({ ...json, transforms: noContext }, shared)).toThrow(/checkerboard needs transforms.context_int/);
    const head = { ...json.transforms.context_index_int[0], cin: 8 };
    expect(() => parseManifest({ ...json, transforms: { ...json.transforms, context_index_int: [head] } }, shared)).toThrow(/context_index_int/);
    const clipless = { ...json.transforms.context_int[0] };
    delete clipless.clip;
    expect(() => parseManifest({ ...json, transforms: { ...json.transforms, context_int: [clipless] } }, shared)).toThrow(/clip/);
  });

  it('reproduces the exporter’s known answer on the CPU path and in the ONNX context graph', async () => {
    const st = pkg.manifest.checkerboard!.selftest;
    const [M, N, C] = [pkg.manifest.channels.M, 8, pkg.manifest.checkerboard!.context_channels];
    const yShape: Shape3 = [M, 4, 6];
    const features = pkg.i32(st.features);
    const anchorIndex = iconv(features, [N, 4, 6], iconvParamsOf(pkg.manifest.transforms.scale_index_int![0] as OpOf<'iconv2d'>, pkg)).data;
    const cpu = checkerboardIndex(pkg, ops(), features, [N, 4, 6], anchorIndex, pkg.i32(st.symbols), yShape);
    expect(Array.from(cpu.ctx)).toEqual(Array.from(pkg.i32(st.ctx)));
    expect(Array.from(cpu.index)).toEqual(Array.from(pkg.i32(st.index)));
    expect(new Set(pkg.i32(st.ctx)).size).toBeGreaterThan(3); // a live context
    expect(C).toBe(6);
    // the graph gives the non-anchors only, in pass layout: (c, r, j) is y's (c, r, 2j + ((r + 1) mod 2))
    const onnx = await backend.context(features, [N, 4, 6], pkg.i32(st.symbols), yShape);
    const want = pkg.i32(st.index);
    expect(onnx.index.length).toBe(M * 4 * 3);
    for (let c = 0; c < M; c++)
      for (let r = 0; r < 4; r++)
        for (let j = 0; j < 3; j++) expect(onnx.index[(c * 4 + r) * 3 + j]).toBe(want[at(yShape, c, r, specPosition(r, j, 1))]);
  });

  it('the onnxruntime backend refuses integer inputs outside the graphs’ documented ranges (their exact float Convs rely on them)', async () => {
    const st = pkg.manifest.checkerboard!.selftest;
    const M = pkg.manifest.channels.M;
    const features = Int32Array.from(pkg.i32(st.features));
    features[5] = 128; // the hyper-synthesis' features are 0 … 127
    await expect(backend.context(features, [8, 4, 6], pkg.i32(st.symbols), [M, 4, 6])).rejects.toThrow(/features\[5\] = 128 is outside \[0, 127\]/);
    const zHat = new Int32Array(pkg.manifest.channels.Nz! * 6);
    zHat[3] = -128;
    await expect(backend.hyperSynthesis(zHat, [pkg.manifest.channels.Nz!, 2, 3])).rejects.toThrow(/z_hat\[3\] = -128 is outside \[-127, 127\]/);
    zHat[3] = -127;
    await expect(backend.hyperSynthesis(zHat, [pkg.manifest.channels.Nz!, 2, 3])).resolves.toBeTruthy();
  });
});

describe('checkerboard encode → decode (onnx-wasm in Node)', () => {
  it('decodes to the encoder’s symbols and pixels at t = 0, 0.6, 1; three tensors [non-anchors, anchors, z] of the documented shapes', async () => {
    for (const [t, enc] of encodes) {
      const dec = await decodeFile(pkg, backend, enc.bytes);
      expect(dec.ySymbols).toEqual(enc.y.symbols);
      expect(dec.zSymbols).toEqual(enc.z!.symbols);
      expect(Buffer.from(dec.image.data).equals(Buffer.from(enc.reconstruction!.data)), `t = ${t}`).toBe(true);
      const file = readContainer(enc.bytes, { modelHash: pkg.hash });
      expect(file.modelId).toBe('checkerboard.v2');
      expect(file.modelId).toBe(modelId(pkg));
      expect(file.tensors.map((x) => x.shape)).toEqual([
        [8, 8, 6],
        [8, 8, 6],
        [4, 2, 3],
      ]);
      expect(latentShapes(pkg, W, H)).toEqual(file.tensors.map((x) => x.shape));
      expect(enc.y.shape).toEqual([8, 8, 12]);
      // the side panel shows each pass; their bits add up to y's
      const names = enc.latents.map((l) => l.name);
      expect(names).toEqual(['y anchors', 'y non-anchors', 'z']);
      expect(enc.latents[0].bits + enc.latents[1].bits).toBeCloseTo(enc.y.bits.total, 6);
      const mapBits = enc.bitMap.bitsPerPixel.reduce((a, b) => a + b, 0);
      expect(mapBits).toBeCloseTo(enc.y.bits.total + enc.z!.bits.total, 0);
    }
    // a real codec: symbols not all 0, more bits at a higher rate
    expect(encodes.get(1)!.y.symbols.some((v) => v !== 0)).toBe(true);
    expect(encodes.get(1)!.bytes.length).toBeGreaterThan(encodes.get(0)!.bytes.length);
  });

  it('times each pass as its own stage, encoding and decoding (the app lists them)', async () => {
    const enc = encodes.get(0.6)!;
    expect(Object.keys(enc.stageMs)).toEqual(['analysis', 'hyper-prior', 'entropy coding: y anchors', 'context model', 'entropy coding: y non-anchors', 'synthesis']); // encoded with reconstruct
    const dec = await decodeFile(pkg, backend, enc.bytes);
    expect(Object.keys(dec.stageMs)).toEqual(['reading file', 'hyper-prior', 'entropy decoding: y anchors', 'context model', 'entropy decoding: y non-anchors', 'synthesis']);
    for (const v of [...Object.values(enc.stageMs), ...Object.values(dec.stageMs)]) expect(v).toBeGreaterThanOrEqual(0);
  });

  it('codes every element with the CPU integer path’s index (pass 1 at the anchors, the context head at the others)', async () => {
    const enc = encodes.get(0.6)!;
    const { hs, cb } = oracleIndex(enc.z!.symbols, enc.z!.shape, enc.y.symbols, enc.y.shape);
    expect(Array.from(enc.index!)).toEqual(Array.from(cb.index));
    // the context changes the non-anchors' tables, and only theirs
    let changed = 0;
    for (let i = 0; i < cb.index.length; i++) {
      const x = i % 12;
      const r = Math.floor(i / 12) % 8;
      if ((r + x) % 2 === 0) expect(enc.index![i]).toBe(hs.index[i]);
      else if (enc.index![i] !== hs.index[i]) changed++;
    }
    expect(changed).toBeGreaterThan(20);
  });

  it('the backend’s context means = the float64 reference of context_means over concat(features, ctx)', async () => {
    const enc = encodes.get(0.6)!;
    const { hs, cb } = oracleIndex(enc.z!.symbols, enc.z!.shape, enc.y.symbols, enc.y.shape);
    const got = await backend.context(hs.features, hs.featureShape, enc.y.symbols, enc.y.shape);
    const [N, h, w] = hs.featureShape;
    const cat = refTensor([N + cb.ctxShape[0], h, w], [...hs.features, ...cb.ctx]);
    const ref = runOpsRef(pkg.manifest.transforms.context_means!, pkg, cat);
    // at the non-anchors, in pass layout (the spec's element formula, not checkerboard.ts)
    const nonAnchors = (full: ArrayLike<number>) => {
      const out: number[] = [];
      for (let c = 0; c < enc.y.shape[0]; c++) for (let r = 0; r < h; r++) for (let j = 0; j < w / 2; j++) out.push(full[at(enc.y.shape, c, r, specPosition(r, j, 1))]);
      return out;
    };
    const refMeans = nonAnchors(ref.data);
    expect(got.means.length).toBe(refMeans.length);
    let maxErr = 0;
    for (let i = 0; i < refMeans.length; i++) maxErr = Math.max(maxErr, Math.abs(got.means[i] - refMeans[i]));
    expect(maxErr).toBeLessThan(1e-4);
    expect(Math.max(...Array.from(got.means, Math.abs))).toBeGreaterThan(0.05);
    const head = runOpsRef(pkg.manifest.transforms.context_index_int!, pkg, cat);
    expect(Array.from(got.index)).toEqual(nonAnchors(head.data));
  });

  // The context graph computes the non-anchors only (onnx-graph.ts: each tap a shifted slice of one 2 × 2 phase,
  // both non-anchor phases side by side, reshaped to pass layout). Oracles: the float64 reference of the three op
  // lists at every position (direct loops over the whole y), read at the non-anchors with the spec's formula.
  it('the context graph at the non-anchors only = the float64 reference everywhere, on random inputs of several shapes (symbols beyond the clip)', async () => {
    const M = pkg.manifest.channels.M;
    const N = 8;
    const C = pkg.manifest.checkerboard!.context_channels;
    const rand = mulberry32(17);
    const t = pkg.manifest.transforms;
    for (const [h, w] of [[4, 4], [8, 20], [12, 8], [4, 2]] as const) {
      const yShape: Shape3 = [M, h, w];
      const features = Int32Array.from({ length: N * h * w }, (_, i) => (i % 11 === 0 ? 127 : Math.floor(rand() * 128)));
      const symbols = Int32Array.from({ length: M * h * w }, (_, i) => (i % 7 === 0 ? (i % 2 ? 300 : -300) : Math.round((rand() - 0.5) * 40)));
      const got = await backend.context(features, [N, h, w], symbols, yShape);
      const ctx = runOpsRef(t.context_int!, pkg, refTensor(yShape, symbols)).data;
      const cat = refTensor([N + C, h, w], [...features, ...ctx]);
      const index = runOpsRef(t.context_index_int!, pkg, cat).data;
      const means = runOpsRef(t.context_means!, pkg, cat).data;
      const wantIndex: number[] = [];
      const wantMeans: number[] = [];
      for (let c = 0; c < M; c++)
        for (let r = 0; r < h; r++)
          for (let j = 0; j < w / 2; j++) {
            wantIndex.push(index[at(yShape, c, r, specPosition(r, j, 1))]);
            wantMeans.push(means[at(yShape, c, r, specPosition(r, j, 1))]);
          }
      expect(Array.from(got.index), `${h}×${w}`).toEqual(wantIndex);
      expect(new Set(wantIndex).size).toBeGreaterThan(3);
      expect(got.means.length).toBe(wantMeans.length);
      let err = 0;
      for (let i = 0; i < wantMeans.length; i++) err = Math.max(err, Math.abs(got.means[i] - wantMeans[i]));
      expect(err, `${h}×${w}`).toBeLessThan(1e-4);
    }
  });

  it('symbols are round(y − means): the hyper-prior’s means at the anchors, the context’s (float64 reference) at the others', async () => {
    const t = 0.6;
    const enc = encodes.get(t)!;
    const { hs, cb } = oracleIndex(enc.z!.symbols, enc.z!.shape, enc.y.symbols, enc.y.shape);
    const [M, h, w] = enc.y.shape;
    const x = imageToPaddedChw(image, pkg.manifest.downsampling);
    const y = (await backend.analyze(x.data, x.height, x.width, pkg.gain(t))).data;
    const means1 = runOpsRef(pkg.manifest.transforms.means!, pkg, refTensor(hs.featureShape, hs.features)).data;
    const cat = refTensor([hs.featureShape[0] + cb.ctxShape[0], h, w], [...hs.features, ...cb.ctx]);
    const means2 = runOpsRef(pkg.manifest.transforms.context_means!, pkg, cat).data;
    let checked = 0;
    let differ = 0;
    for (let c = 0; c < M; c++)
      for (let r = 0; r < h; r++)
        for (let j = 0; j < w; j++) {
          const i = at(enc.y.shape, c, r, j);
          const v = y[i] - ((r + j) % 2 === 0 ? means1[i] : means2[i]);
          if (Math.abs(Math.abs(v - Math.trunc(v)) - 0.5) < 1e-3) continue; // a float tie: either side is right
          checked++;
          expect(enc.y.symbols[i], `element ${c},${r},${j}`).toBe(Math.round(v) || 0);
          if ((r + j) % 2 === 1 && Math.round(y[i] - means1[i]) !== enc.y.symbols[i]) differ++;
        }
    expect(checked).toBeGreaterThan(0.98 * M * h * w);
    expect(differ).toBeGreaterThan(0); // pass 2's means move some symbols
  });

  it('stores the passes as the spec says: decoding each tensor with the oracle’s tables at the spec’s positions gives y', async () => {
    const enc = encodes.get(1)!;
    const { cb } = oracleIndex(enc.z!.symbols, enc.z!.shape, enc.y.symbols, enc.y.shape);
    const file = readContainer(enc.bytes, { modelHash: pkg.hash });
    const [M, h, w] = enc.y.shape;
    // file order: [non-anchors (p = 1), anchors (p = 0), z]
    for (const [k, p] of [
      [0, 1],
      [1, 0],
    ] as const) {
      const shape = file.tensors[k].shape;
      const idx = new Int32Array(M * h * (w / 2));
      for (let c = 0; c < M; c++) for (let r = 0; r < h; r++) for (let j = 0; j < w / 2; j++) idx[at(shape, c, r, j)] = cb.index[at(enc.y.shape, c, r, specPosition(r, j, p))];
      const s = decodeTensor(file.tensors[k], idx, pkg.tables('y', file.rate), idx.length);
      for (let c = 0; c < M; c++)
        for (let r = 0; r < h; r++) for (let j = 0; j < w / 2; j++) expect(s[at(shape, c, r, j)]).toBe(enc.y.symbols[at(enc.y.shape, c, r, specPosition(r, j, p))]);
    }
  });

  it('a file with its two passes swapped is refused or decodes to other symbols', async () => {
    const enc = encodes.get(1)!;
    const file = readContainer(enc.bytes, { modelHash: pkg.hash });
    const [non, anchors, z] = file.tensors;
    const swapped = writeContainer({ modelId: file.modelId, modelHash: pkg.hash, rate: file.rate, width: file.width, height: file.height, tensors: [anchors, non, z] });
    const r = await decodeFile(pkg, backend, swapped).then(
      (d) => d.ySymbols,
      (e: unknown) => e as Error,
    );
    if (r instanceof Error) expect(r.message).toMatch(/cannot decode/);
    else expect(r).not.toEqual(enc.y.symbols);
  });

  it('tiles (64 px, hyper-prior tiles included) give the same file as the whole image', async () => {
    const whole = encodes.get(0.6)!;
    const tiled = await encodeImage(pkg, backend, image, 0.6, { tile: 64, hyperTile: 64 });
    expect(Buffer.from(tiled.bytes).equals(Buffer.from(whole.bytes))).toBe(true);
    const dec = await decodeFile(pkg, backend, whole.bytes, { tile: 64, hyperTile: 64 });
    expect(dec.ySymbols).toEqual(whole.y.symbols);
  });
});

