// The learned-codec pipeline in Node with onnxruntime's wasm EP, for every shipped model package:
// round trips (symbols and pixels exact), file size vs the ideal code length, the transforms against a
// float64 reference of the manifest's op lists, the integer index against the CPU path, and typed errors for
// damaged, hostile and foreign files. Weight-independent: nothing here depends on how well a model is trained.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readContainer, writeContainer } from '../container';
import { encodeTensor, idealBits, perChannel } from '../entropy';
import { psnrRgb } from '../../metrics/psnr';
import { crop, loadNodeModel, readImageFile } from '../../cli/node-io';
import { MODELS_ROOT as ROOT, packageNames } from '../../testing/models';
import { CodecError, type RgbaImage } from '../types';
import type { LearnedBackend } from './backend';
import { intHyperSynthesis } from './int-hyper';
import type { ModelPackage } from './package';
import { decodeFile, encodeImage, latentShapes, modelId, type EncodeResult } from './pipeline';
import { analyzeRef, meansRef, synthesizeRef } from './reference';
import { imageToPaddedChw, paddedSize } from './image';

const names = packageNames('codec');

// An awkward size (neither side a multiple of 16 or 64) from a real photo, so padding is exercised.
const W = 90;
const H = 60;
let image: RgbaImage;
beforeAll(async () => {
  image = crop(await readImageFile(join(__dirname, '../../../public/samples/coffee.png')), W, H, 200, 120);
});

async function expectDecodeFailed(p: Promise<unknown>, msg: RegExp) {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(CodecError);
  expect((e as CodecError).kind).toBe('decode-failed');
  expect((e as Error).message).toMatch(msg);
}

function headerBytes(file: Uint8Array, pkg: ModelPackage): { header: number; streams: number } {
  const r = readContainer(file, { modelHash: pkg.hash });
  const streams = r.tensors.reduce((a, t) => a + t.streamLengths.length, 0);
  return { header: 58 + r.modelId.length + r.tensors.reduce((a, t) => a + 8 + 4 * t.streamLengths.length, 0), streams };
}

const loaded = new Map<string, Promise<{ pkg: ModelPackage; backend: LearnedBackend }>>();
function model(name: string) {
  let m = loaded.get(name);
  if (!m) loaded.set(name, (m = loadNodeModel(join(ROOT, name))));
  return m;
}

/** Encodes (once) the test image with a model at rate t, with the encoder-side reconstruction. */
const encodes = new Map<string, Promise<EncodeResult>>();
function encoded(name: string, t: number): Promise<EncodeResult> {
  const key = `${name}@${t}`;
  let e = encodes.get(key);
  if (!e) encodes.set(key, (e = model(name).then(({ pkg, backend }) => encodeImage(pkg, backend, image, t, { reconstruct: true }))));
  return e;
}

describe.each(names)('learned codec %s (onnx-wasm in Node)', (name) => {

  it('round-trips at t = 0, 0.5, 1: identical symbols and pixels, size ≈ ideal code length, rate grows with t', async () => {
    const { pkg, backend } = await model(name);
    const results = new Map<number, EncodeResult>();
    for (const t of [0, 0.5, 1]) {
      const enc = await encoded(name, t);
      results.set(t, enc);
      const dec = await decodeFile(pkg, backend, enc.bytes);
      expect(dec.t).toBe(Math.fround(t));
      expect(dec.ySymbols).toEqual(enc.y.symbols);
      if (enc.z) expect(dec.zSymbols).toEqual(enc.z.symbols);
      else expect(dec.zSymbols).toBeNull();
      expect(dec.image.width).toBe(W);
      expect(dec.image.height).toBe(H);
      expect(dec.image.data).toEqual(enc.reconstruction!.data);

      // The per-element bits agree with the entropy layer's idealBits (an independent implementation).
      const yIdeal = idealBits(enc.y.symbols, enc.index ?? perChannel(enc.y.shape[0], enc.y.shape[1] * enc.y.shape[2]), pkg.tables('y', t));
      expect(enc.y.bits.total).toBeCloseTo(yIdeal.bits, 6);
      expect(enc.y.bits.escapes).toBe(yIdeal.escapes);
      let ideal = yIdeal.bits;
      if (enc.z) {
        const zIdeal = idealBits(enc.z.symbols, perChannel(enc.z.shape[0], enc.z.shape[1] * enc.z.shape[2]), pkg.tables('z', t));
        expect(enc.z.bits.total).toBeCloseTo(zIdeal.bits, 6);
        ideal += zIdeal.bits;
      }
      // File = header + payload; payload within 0.5 % (+ a few bytes per stream for the rANS state) of ideal.
      const { header, streams } = headerBytes(enc.bytes, pkg);
      const payload = enc.bytes.length - header;
      expect(payload).toBeGreaterThanOrEqual(ideal / 8 - 4 * streams);
      expect(payload).toBeLessThanOrEqual((ideal / 8) * 1.005 + 6 * streams);
      // The bit map spreads exactly the ideal bits over the image.
      const mapSum = enc.bitMap.bitsPerPixel.reduce((a, b) => a + b, 0);
      expect(mapSum).toBeCloseTo(ideal, -1);
      expect(Math.abs(mapSum - ideal) / ideal).toBeLessThan(1e-5);
      expect(enc.latents.reduce((a, l) => a + l.bits, 0)).toBeCloseTo(ideal, 6);

      const bpp = (enc.bytes.length * 8) / (W * H);
      const psnr = psnrRgb(image, dec.image);
      expect(bpp).toBeGreaterThan(0.01);
      expect(bpp).toBeLessThan(12);
      expect(psnr).toBeGreaterThan(10);
      expect(psnr).toBeLessThan(60);
    }
    const bits = [0, 0.5, 1].map((t) => results.get(t)!.latents.reduce((a, l) => a + l.bits, 0));
    expect(bits[0]).toBeLessThanOrEqual(bits[1]);
    expect(bits[1]).toBeLessThanOrEqual(bits[2]);
    expect(bits[0]).toBeLessThan(bits[2]);
    const val = pkg.manifest.validation?.results;
    if (val && val.t.length > 1) {
      // Loose agreement with the exporter's own evaluation (different images: only the order of magnitude).
      const i = val.t.findIndex((x) => Math.abs(x - 0.5) < 0.13);
      if (i >= 0) expect(Math.abs(psnrRgb(image, (await decodeFile(pkg, backend, results.get(0.5)!.bytes)).image) - val['psnr-rgb'][i])).toBeLessThan(8);
    }
  });

  it('matches a float64 reference of the manifest op lists; the index equals the CPU integer path', async () => {
    const { pkg } = await model(name);
    const enc = await encoded(name, 0.5);
    const t = enc.t;
    const context = Boolean(pkg.manifest.transforms.context_int);
    const x = imageToPaddedChw(image, pkg.manifest.downsampling);
    const r = analyzeRef(pkg, x.data, x.height, x.width, pkg.gain(t));
    const { backend } = await model(name);
    const gy = await backend.analyze(x.data, x.height, x.width, pkg.gain(t));
    const got = { y: gy, z: pkg.manifest.transforms.hyper_analysis ? await backend.hyperAnalyze(gy.data, gy.shape) : null };
    expect(got.y.shape).toEqual(r.y.shape);
    let maxY = 0;
    let errY = 0;
    for (let i = 0; i < r.y.data.length; i++) {
      maxY = Math.max(maxY, Math.abs(r.y.data[i]));
      errY = Math.max(errY, Math.abs(got.y.data[i] - r.y.data[i]));
    }
    expect(maxY).toBeGreaterThan(0.5);
    expect(errY).toBeLessThan(1e-3 * Math.max(1, maxY));
    // Symbols from the reference y agree except on the rare elements that sit on a rounding boundary.
    if (pkg.manifest.architecture === 'factorized') {
      let diff = 0;
      for (let i = 0; i < enc.y.symbols.length; i++) if (Math.round(r.y.data[i]) !== enc.y.symbols[i] && Math.abs((r.y.data[i] % 1) - 0.5) > 1e-3) diff++;
      expect(diff).toBe(0);
    } else {
      const zShape = enc.z!.shape;
      let errZ = 0;
      for (let i = 0; i < r.z!.data.length; i++) errZ = Math.max(errZ, Math.abs(got.z!.data[i] - r.z!.data[i]));
      expect(errZ).toBeLessThan(1e-3 * Math.max(1, ...Array.from(r.z!.data, Math.abs)));
      const cpu = intHyperSynthesis(pkg, enc.z!.symbols, zShape);
      if (context) {
        // checkerboard: the anchors (row + column even) keep the hyper-prior's index; the non-anchors' come from
        // the context (checked against the float64 reference in checkerboard-pipeline.test.ts)
        const [C, h, w] = enc.y.shape;
        let anchors = 0;
        for (let c = 0; c < C; c++)
          for (let i = 0; i < h; i++)
            for (let j = (i & 1); j < w; j += 2, anchors++) expect(enc.index![(c * h + i) * w + j]).toBe(cpu.index[(c * h + i) * w + j]);
        expect(anchors).toBe(C * Math.ceil((h * w) / 2));
      } else expect(Array.from(enc.index!)).toEqual(Array.from(cpu.index));
      expect(new Set(cpu.index).size).toBeGreaterThan(1);
      if (pkg.manifest.architecture === 'mean-scale' || context) {
        const hs = await backend.hyperSynthesis(enc.z!.symbols, zShape);
        const m = meansRef(pkg, cpu.features, cpu.featureShape);
        let errM = 0;
        for (let i = 0; i < m.data.length; i++) errM = Math.max(errM, Math.abs(hs.means![i] - m.data[i]));
        expect(errM).toBeLessThan(1e-3);
      }
    }
    // (checkerboard: ŷ's non-anchor means come from the context; its pixels are checked in checkerboard-pipeline.test.ts)
    if (context) return;
    // Synthesis of the decoder's ŷ in float64 → within one 8-bit level of the decoded image.
    const dec = await decodeFile(pkg, backend, enc.bytes);
    const yShape = enc.y.shape;
    const means = pkg.manifest.architecture === 'mean-scale' ? (await backend.hyperSynthesis(enc.z!.symbols, latentShapes(pkg, W, H)[1])).means! : null;
    const yHat = Float32Array.from(dec.ySymbols, (s, i) => s + (means ? means[i] : 0));
    const xr = synthesizeRef(pkg, yHat, yShape, pkg.gain(t, true));
    const p = paddedSize(W, H, pkg.manifest.downsampling);
    let off = 0;
    for (let y = 0; y < H; y++)
      for (let xx = 0; xx < W; xx++)
        for (let c = 0; c < 3; c++) {
          const v = Math.round(Math.min(1, Math.max(0, xr.data[(c * p.height + y) * p.width + xx])) * 255);
          const d = Math.abs(v - dec.image.data[(y * W + xx) * 4 + c]);
          expect(d).toBeLessThanOrEqual(1);
          off += d;
        }
    expect(off / (W * H * 3)).toBeLessThan(0.01);
  });

  it('rejects damaged, truncated, hostile and foreign files with CodecError("decode-failed")', async () => {
    const { pkg, backend } = await model(name);
    const file = (await encoded(name, 0.5)).bytes;
    const flipped = file.slice();
    flipped[file.length - 10] ^= 0x20;
    await expectDecodeFailed(decodeFile(pkg, backend, flipped), /crc-mismatch/);
    await expectDecodeFailed(decodeFile(pkg, backend, file.subarray(0, file.length - 7)), /truncated|length/);
    await expectDecodeFailed(decodeFile(pkg, backend, new Uint8Array(3)), /truncated/);

    const shapes = latentShapes(pkg, W, H);
    const base = readContainer(file, { modelHash: pkg.hash });
    // Another model's weights hash.
    const otherHash = pkg.hash.slice();
    otherHash[0] ^= 1;
    await expectDecodeFailed(decodeFile(pkg, backend, writeContainer({ ...base, modelHash: otherHash })), /model-mismatch/);
    // A file written with the format-1 packages (one weights.bin per model, model id "<name>.v1"): its model
    // hash was the SHA-256 of that single file, i.e. of these same weights concatenated; refused as another model.
    const old = createHash('sha256');
    for (const u of pkg.manifest.uses) old.update(readFileSync(join(ROOT, u.name, 'weights.bin')));
    old.update(readFileSync(join(ROOT, name, 'weights.bin')));
    const v1 = writeContainer({ ...base, modelId: `${name}.v1`, modelHash: new Uint8Array(old.digest()) });
    await expectDecodeFailed(decodeFile(pkg, backend, v1), /model-mismatch.*with other weights/);
    // A width whose latent shapes disagree with the tensors.
    await expectDecodeFailed(decodeFile(pkg, backend, writeContainer({ ...base, width: W + 64 })), /shape-mismatch/);
    // A rate outside [0, 1].
    await expectDecodeFailed(decodeFile(pkg, backend, writeContainer({ ...base, rate: 2 })), /outside \[0, 1\]/);
    // A valid container whose y stream is garbage (CRC recomputed by the writer): the rANS decoder must notice.
    const junk = new Uint8Array(base.tensors[0].bytes.length).map((_, i) => (i * 73 + 11) & 0xff);
    await expectDecodeFailed(
      decodeFile(pkg, backend, writeContainer({ ...base, tensors: [{ ...base.tensors[0], bytes: junk }, ...base.tensors.slice(1)] })),
      /entropy|cannot decode/,
    );
    if (shapes.length === 2) {
      // z values no encoder writes (escape-coded 500) must not reach the integer network.
      const [zc, zh, zw] = shapes[1];
      const z = new Int32Array(zc * zh * zw);
      z[3] = 500;
      const zEnc = encodeTensor(z, perChannel(zc, zh * zw), pkg.tables('z'));
      await expectDecodeFailed(
        decodeFile(pkg, backend, writeContainer({ ...base, tensors: [base.tensors[0], { shape: shapes[1], ...zEnc }] })),
        /outside ±127/,
      );
    }
    await expect(encodeImage(pkg, backend, image, 1.5)).rejects.toMatchObject({ kind: 'invalid-options' });
  });
});

/** A backend that counts its calls and records the largest input it was given (values per call). */
function counting(b: LearnedBackend) {
  const calls = { analyze: 0, hyperAnalyze: 0, hyperSynthesis: 0, synthesize: 0, largest: 0 };
  const note = (n: number) => (calls.largest = Math.max(calls.largest, n));
  const wrapped: LearnedBackend = {
    kind: b.kind,
    label: b.label,
    analyze: (x, h, w, g) => (calls.analyze++, note(x.length), b.analyze(x, h, w, g)),
    hyperAnalyze: (y, s) => (calls.hyperAnalyze++, note(y.length), b.hyperAnalyze(y, s)),
    hyperSynthesis: (z, s) => (calls.hyperSynthesis++, note(z.length), b.hyperSynthesis(z, s)),
    context: (f, fs, s, ys) => b.context(f, fs, s, ys),
    synthesize: (y, s, g) => (calls.synthesize++, note(y.length), b.synthesize(y, s, g)),
    prepare: () => b.prepare(),
    dispose: () => b.dispose(),
  };
  return { calls, backend: wrapped };
}

describe.each(names)('learned codec %s: tiles (onnx-wasm in Node)', (name) => {
  it('tiled = whole image: identical symbols, index, file and pixels; tiles bound the transforms’ inputs', async () => {
    const { pkg, backend } = await model(name);
    // 200×150 → padded 208×160 or 256×192; 64-pixel tiles: 4 y positions, 1 z position per tile.
    const big = crop(await readImageFile(join(__dirname, '../../../public/samples/coffee.png')), 200, 150, 100, 60);
    const whole = await encodeImage(pkg, backend, big, 0.5, { reconstruct: true, tile: Infinity });
    const c = counting(backend);
    const progress: number[] = [];
    const tiled = await encodeImage(pkg, c.backend, big, 0.5, { reconstruct: true, tile: 64, hyperTile: 64, onProgress: (p) => progress.push(p.done) });
    expect(c.calls.analyze).toBeGreaterThanOrEqual(12);
    expect(c.calls.synthesize).toBeGreaterThanOrEqual(12);
    if (whole.z) expect(c.calls.hyperSynthesis).toBeGreaterThanOrEqual(6);
    // The largest tile input: 3 × (64 + 48)² pixels at most, against 3 × 160 × 208 for the whole image.
    expect(c.calls.largest).toBeLessThanOrEqual(3 * 112 * 112);
    expect(progress.length).toBeGreaterThan(24);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1]);

    expect(tiled.y.symbols).toEqual(whole.y.symbols);
    if (whole.z) {
      expect(tiled.z!.symbols).toEqual(whole.z.symbols);
      expect(tiled.index).toEqual(whole.index);
    }
    expect(tiled.bytes).toEqual(whole.bytes);
    const a = tiled.reconstruction!;
    const b = whole.reconstruction!;
    if (!a.data.every((v, i) => v === b.data[i])) expect(psnrRgb(a, b)).toBeGreaterThanOrEqual(60);
    // The decoder on tiles: the encoder's symbols, and the same pixels as the untiled decoder (within 60 dB).
    const d1 = await decodeFile(pkg, backend, whole.bytes, { tile: 64, hyperTile: 64 });
    const d2 = await decodeFile(pkg, backend, whole.bytes, { tile: Infinity });
    expect(d1.ySymbols).toEqual(whole.y.symbols);
    if (!d1.image.data.every((v, i) => v === d2.image.data[i])) expect(psnrRgb(d1.image, d2.image)).toBeGreaterThanOrEqual(60);
    expect(d1.image.data).toEqual(a.data);
    expect(psnrRgb(big, d1.image)).toBeGreaterThan(15);
    await expect(encodeImage(pkg, backend, big, 0.5, { tile: 32 })).rejects.toMatchObject({ kind: 'invalid-options' });
    // The default: hyper-prior tiles 4× larger a side, so one hyper-synthesis call here.
    const c2 = counting(backend);
    expect((await encodeImage(pkg, c2.backend, big, 0.5, { tile: 64 })).bytes).toEqual(whole.bytes);
    if (whole.z) expect(c2.calls.hyperSynthesis).toBe(1);
  });
});

describe('files across models', () => {
  it('a file of one model is refused by every other model (model-mismatch)', async () => {
    if (names.length < 2) return expect(names.length).toBeGreaterThan(1);
    const a = await model(names[0]);
    const b = await model(names[1]);
    const enc = await encodeImage(a.pkg, a.backend, image, 0.3);
    expect(modelId(a.pkg)).not.toBe(modelId(b.pkg));
    await expectDecodeFailed(decodeFile(b.pkg, b.backend, enc.bytes), /model-mismatch/);
  });
});
