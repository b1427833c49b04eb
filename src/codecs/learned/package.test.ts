// Every committed model package: manifest + SHA-256, Gaussian tables rebuilt bit-exactly, factorized tables
// valid, and the integer hyper-synthesis' known-answer vector (computed by numpy at export) reproduced exactly
// by the TypeScript path and by onnxruntime-web's wasm EP running the hyper_synthesis graph built from it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { halfToFloat, ModelPackage, PackageError, parseManifest } from './package';
import { intHyperSynthesis } from './int-hyper';
import { buildGraph } from './onnx-graph';

const ROOT = join(__dirname, '../../../public/models');
const names = existsSync(ROOT) ? readdirSync(ROOT).filter((n) => existsSync(join(ROOT, n, 'manifest.json'))) : [];

async function load(name: string) {
  const manifest = JSON.parse(readFileSync(join(ROOT, name, 'manifest.json'), 'utf8'));
  const weights = new Uint8Array(readFileSync(join(ROOT, name, 'weights.bin')));
  return { manifest, weights, pkg: await ModelPackage.create(manifest, weights) };
}

describe('halfToFloat', () => {
  it('decodes known binary16 values', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x3555)).toBeCloseTo(0.333251953125, 12);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
  });
});

it('ships at least one model package', () => {
  expect(names.length).toBeGreaterThan(0);
});

describe.each(names)('model package %s', (name) => {
  it('loads, and its tensors lie inside weights.bin', async () => {
    const { pkg } = await load(name);
    expect(pkg.hash.length).toBe(32);
    const g0 = pkg.gain(0);
    const g1 = pkg.gain(1);
    expect(g0.length).toBe(pkg.manifest.channels.M);
    // More rate at t = 1: the mean gain grows with t (finer quantization).
    expect(g1.reduce((a, b) => a + Math.log(b), 0)).toBeGreaterThan(g0.reduce((a, b) => a + Math.log(b), 0));
  });

  it('rejects corrupted weights and manifests with typed errors', async () => {
    const { manifest, weights } = await load(name);
    const flipped = weights.slice();
    flipped[flipped.length >> 1] ^= 0x10;
    await expect(ModelPackage.create(manifest, flipped)).rejects.toMatchObject({ kind: 'hash' });
    await expect(ModelPackage.create(manifest, weights.slice(0, weights.length - 1))).rejects.toMatchObject({ kind: 'weights' });
    expect(() => parseManifest({ ...manifest, version: 99 })).toThrow(PackageError);
    const badTensor = structuredClone(manifest);
    badTensor.weights.tensors[0].offset = manifest.weights.bytes;
    expect(() => parseManifest(badTensor)).toThrow(/outside weights\.bin/);
    const missing = structuredClone(manifest);
    missing.transforms.analysis[0].weight = 'nope';
    expect(() => parseManifest(missing)).toThrow(/lacks/);
    if (manifest.entropy.y.levels) {
      const badLevels = structuredClone(manifest);
      badLevels.entropy.y.levels = manifest.entropy.y.levels - 1;
      expect(() => parseManifest(badLevels)).toThrow(/levels must equal/);
    }
  });

  it('has valid entropy tables; Gaussian ones rebuild bit-exactly from their parameters', async () => {
    const { pkg } = await load(name);
    const y = pkg.storedTables('y');
    const spec = pkg.manifest.entropy.y;
    if (spec.family === 'factorized') {
      // one table per channel and gain level; the Python exporter's mix at a rate between anchors is reproduced
      const L = pkg.manifest.rate.anchors;
      const M = pkg.manifest.channels.M;
      expect(spec.levels).toBe(L);
      expect(y.lengths.length).toBe(L * M);
      expect(() => pkg.tables('y')).toThrow(/rate t/);
      const st = spec.selftest!;
      const mixed = pkg.tables('y', st.t);
      expect(mixed.lengths.length).toBe(M);
      expect(Array.from(mixed.cdf)).toEqual(Array.from(pkg.i32(st.cdf)));
      const low = pkg.tables('y', 0);
      for (const c of [0, M - 1]) {
        expect(Array.from(low.cdf.subarray(low.starts[c], low.starts[c] + low.lengths[c]))).toEqual(
          Array.from(y.cdf.subarray(y.starts[c], y.starts[c] + y.lengths[c])),
        );
      }
      // the levels are not one shared density: at the lowest rate symbol 0 is likelier than at the highest
      const p0 = (r: number) => {
        const k = y.starts[r] - y.offsets[r]; // bin of symbol 0 (inside every channel's range)
        return y.cdf[k + 1] - y.cdf[k];
      };
      let peaked = 0;
      for (let c = 0; c < M; c++) if (p0(c) > p0((L - 1) * M + c)) peaked++;
      expect(peaked).toBeGreaterThan(M * 0.9);
    }
    if (spec.family === 'gaussian') {
      const rebuilt = pkg.rebuildGaussian('y');
      expect(Array.from(rebuilt.lengths)).toEqual(Array.from(y.lengths));
      expect(Array.from(rebuilt.offsets)).toEqual(Array.from(y.offsets));
      expect(Array.from(rebuilt.starts)).toEqual(Array.from(y.starts));
      let diff = 0;
      for (let i = 0; i < y.cdf.length; i++) if (rebuilt.cdf[i] !== y.cdf[i]) diff++;
      expect(diff).toBe(0);
    }
    if (pkg.manifest.entropy.z) expect(pkg.tables('z').lengths.length).toBe(pkg.manifest.channels.Nz);
  });

  it('integer hyper-synthesis: TypeScript and onnxruntime reproduce the exporter’s known answer exactly', async () => {
    const { pkg } = await load(name);
    const st = pkg.manifest.integer_hyper_synthesis?.selftest;
    if (pkg.manifest.architecture === 'factorized') return;
    expect(st).toBeTruthy();
    const z = pkg.i32(st!.z_hat);
    const nz = pkg.manifest.channels.Nz!;
    const out = intHyperSynthesis(pkg, z, [nz, 2, 3]);
    expect(out.indexShape).toEqual([pkg.manifest.channels.M, 8, 12]);
    expect(Array.from(out.features)).toEqual(Array.from(pkg.i32(st!.features)));
    expect(Array.from(out.index)).toEqual(Array.from(pkg.i32(st!.index)));
    // The known answer must not be trivial (a constant index would hide a broken layer).
    expect(new Set(out.index).size).toBeGreaterThan(3);

    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(buildGraph(pkg, 'hyper_synthesis'), {
      executionProviders: ['wasm'],
    });
    const r = await session.run({ z_hat: new ort.Tensor('int32', z, [1, nz, 2, 3]) });
    expect(Array.from(r.index.data as Int32Array)).toEqual(Array.from(out.index));
  });
});
