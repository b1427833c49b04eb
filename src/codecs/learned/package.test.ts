// Every committed model package: manifest + SHA-256s (its own weights and the shared packages it uses), the
// model hash, typed errors for damaged, missing or mismatched parts, Gaussian tables rebuilt bit-exactly,
// factorized tables valid, and the integer hyper-synthesis' known-answer vector (computed by numpy at export)
// reproduced exactly by the TypeScript path and by onnxruntime-web's wasm EP running the graph built from it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { MODELS_ROOT as ROOT, packageNames } from '../../testing/models';
import { halfToFloat, MAX_PACKAGE_BYTES, ModelPackage, PackageError, parseManifest, parseSharedManifest, type SharedPackageData } from './package';
import { intHyperSynthesis } from './int-hyper';
import { buildGraph } from './onnx-graph';

const names = packageNames('codec');

function readJson(path: string) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

async function load(name: string) {
  const manifest = readJson(join(ROOT, name, 'manifest.json'));
  const weights = new Uint8Array(readFileSync(join(ROOT, name, 'weights.bin')));
  const shared: SharedPackageData[] = (manifest.uses as { name: string }[]).map((u) => ({
    manifest: readJson(join(ROOT, u.name, 'manifest.json')),
    weights: new Uint8Array(readFileSync(join(ROOT, u.name, 'weights.bin'))),
  }));
  return { manifest, weights, shared, pkg: await ModelPackage.create(manifest, weights, shared) };
}

const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

describe('halfToFloat', () => {
  it('decodes known binary16 values', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x3555)).toBeCloseTo(0.333251953125, 12);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    // (the cases src/gpu/weights.ts's f16ToF32 was tested on, before that reader went: one f16 decoder now)
    expect(halfToFloat(0x0400)).toBe(2 ** -14);
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(Number.isNaN(halfToFloat(0x7e00))).toBe(true);
  });
});

it('ships at least one model package', () => {
  expect(names.length).toBeGreaterThan(0);
});

describe.each(names)('model package %s', (name) => {
  it('loads, and its tensors lie inside weights.bin', async () => {
    const { pkg, weights, shared } = await load(name);
    // model hash = SHA-256(SHA-256 of each used package's weights ‖ SHA-256 of the codec's weights), computed
    // here with node:crypto from the files themselves
    expect(Array.from(pkg.hash)).toEqual(Array.from(sha(...shared.map((s) => sha(s.weights)), sha(weights))));
    expect(weights.length).toBeLessThanOrEqual(MAX_PACKAGE_BYTES);
    const g0 = pkg.gain(0);
    const g1 = pkg.gain(1);
    expect(g0.length).toBe(pkg.manifest.channels.M);
    // More rate at t = 1: the mean gain grows with t (finer quantization).
    expect(g1.reduce((a, b) => a + Math.log(b), 0)).toBeGreaterThan(g0.reduce((a, b) => a + Math.log(b), 0));
  });

  it('rejects corrupted weights and manifests with typed errors', async () => {
    const { manifest, weights, shared } = await load(name);
    const sm = shared.map((s) => parseSharedManifest(s.manifest));
    const flipped = weights.slice();
    flipped[flipped.length >> 1] ^= 0x10;
    await expect(ModelPackage.create(manifest, flipped, shared)).rejects.toMatchObject({ kind: 'hash' });
    await expect(ModelPackage.create(manifest, weights.slice(0, weights.length - 1), shared)).rejects.toMatchObject({ kind: 'weights' });
    expect(() => parseManifest({ ...manifest, version: 99 }, sm)).toThrow(/format version 99 is not supported \(this reader reads version 2/);
    expect(() => parseManifest({ ...manifest, version: 1 }, sm)).toThrow(PackageError);
    const badTensor = structuredClone(manifest);
    badTensor.weights.tensors[0].offset = manifest.weights.bytes;
    expect(() => parseManifest(badTensor, sm)).toThrow(/outside weights\.bin/);
    const tooBig = structuredClone(manifest);
    tooBig.weights.bytes = MAX_PACKAGE_BYTES + 1;
    expect(() => parseManifest(tooBig, sm)).toThrow(/exceeds the 12000000-byte package limit/);
    const missing = structuredClone(manifest);
    missing.transforms.analysis[0].weight = 'nope';
    expect(() => parseManifest(missing, sm)).toThrow(/lack/);
    // the transforms' width: N unless channels.Nt gives it (a widened model); the analysis must start with it
    const N = manifest.channels.N as number;
    expect(() => parseManifest({ ...manifest, channels: { ...manifest.channels, N: N + 8 } }, sm)).toThrow(/analysis starts with \d+ channels; channels\.N says/);
    expect(() => parseManifest({ ...manifest, channels: { ...manifest.channels, N: N + 8, Nt: N } }, sm)).not.toThrow();
    expect(() => parseManifest({ ...manifest, channels: { ...manifest.channels, Nt: N + 8 } }, sm)).toThrow(/channels\.Nt says/);
    expect(() => parseManifest({ ...manifest, channels: { ...manifest.channels, Nt: 'wide' } }, sm)).toThrow(/channels\.Nt, where given, must be an integer/);
    if (manifest.entropy.y.levels) {
      const badLevels = structuredClone(manifest);
      badLevels.entropy.y.levels = manifest.entropy.y.levels - 1;
      expect(() => parseManifest(badLevels, sm)).toThrow(/levels must equal/);
    }
  });

  it('uses shared packages only as named by SHA-256: missing, other or damaged ones are typed errors', async () => {
    const { manifest, weights, shared } = await load(name);
    expect(manifest.uses.length).toBeGreaterThan(0);
    // the analysis weights come from a shared package, not from the codec's own file
    const own = new Set((manifest.weights.tensors as { name: string }[]).map((t) => t.name));
    expect(own.has(manifest.transforms.analysis[0].weight)).toBe(false);
    await expect(ModelPackage.create(manifest, weights, [])).rejects.toMatchObject({ kind: 'reference', message: /uses the shared package transforms-[0-9a-f]{8}, which was not loaded/ });
    expect(() => parseManifest(manifest)).toThrow(/which was not loaded/);
    // a shared package whose weights differ from the ones the codec names (another export): refused by name
    const other = structuredClone(manifest);
    other.uses[0].sha256 = '0'.repeat(64);
    await expect(ModelPackage.create(other, weights, shared)).rejects.toMatchObject({ kind: 'reference', message: /another version of the shared package/ });
    // a shared weights file damaged on disk
    const damaged = shared.map((s, i) => (i === 0 ? { ...s, weights: s.weights.slice() } : s));
    damaged[0].weights[12345] ^= 1;
    await expect(ModelPackage.create(manifest, weights, damaged)).rejects.toMatchObject({ kind: 'hash', message: new RegExp(`^${manifest.uses[0].name}/weights.bin's SHA-256`) });
    // a hostile reference cannot leave public/models
    const hostile = structuredClone(manifest);
    hostile.uses[0].name = '../etc';
    expect(() => parseManifest(hostile)).toThrow(/package name/);
    // a tensor name in both packages is ambiguous
    const dup = structuredClone(manifest);
    dup.weights.tensors[0].name = 'gain';
    expect(() => parseManifest(dup, shared.map((s) => parseSharedManifest(s.manifest)))).toThrow(/in both/);
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

describe('ModelPackage.fetch (the browser loader’s path) against a local HTTP server', () => {
  // Serves public/models, with per-test replacements: a path mapped to null answers 404.
  const replace = new Map<string, Uint8Array | null>();
  let base = '';
  const server = createServer((req, res) => {
    const path = decodeURIComponent(req.url!.replace(/^\/models\//, ''));
    const body = replace.has(path) ? replace.get(path) : (() => {
      try {
        return new Uint8Array(readFileSync(join(ROOT, path)));
      } catch {
        return null;
      }
    })();
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  beforeAll(() => new Promise<void>((r) => server.listen(0, '127.0.0.1', () => ((base = `http://127.0.0.1:${(server.address() as { port: number }).port}/models/`), r()))));
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('loads a codec with the shared package it uses: the same tensors and model hash as from the folders', async () => {
    replace.clear();
    const name = names[names.length - 1];
    const fetched = await ModelPackage.fetch(`${base}${name}/`);
    const { pkg } = await load(name);
    expect(Array.from(fetched.hash)).toEqual(Array.from(pkg.hash));
    expect(fetched.shared.map((s) => s.name)).toEqual(pkg.manifest.uses.map((u) => u.name));
    for (const t of ['g_a.0.weight', pkg.manifest.weights.tensors[0].name]) expect(fetched.raw(t).bytes).toEqual(pkg.raw(t).bytes);
  });

  it('a missing shared package is a "reference" error; a file longer or shorter than its manifest a "weights" one', async () => {
    const name = names[0];
    const manifest = readJson(join(ROOT, name, 'manifest.json'));
    const shared = manifest.uses[0].name as string;
    replace.clear();
    replace.set(`${shared}/manifest.json`, null);
    await expect(ModelPackage.fetch(`${base}${name}/`)).rejects.toMatchObject({ kind: 'reference', message: new RegExp(`shared package ${shared} .*HTTP 404`) });
    replace.clear();
    const w = new Uint8Array(readFileSync(join(ROOT, shared, 'weights.bin')));
    replace.set(`${shared}/weights.bin`, new Uint8Array(w.length + 1));
    await expect(ModelPackage.fetch(`${base}${name}/`)).rejects.toMatchObject({ kind: 'weights', message: /has 3910385 bytes, the manifest says 3910384/ });
    replace.clear();
    replace.set(`${name}/weights.bin`, new Uint8Array(10));
    await expect(ModelPackage.fetch(`${base}${name}/`)).rejects.toMatchObject({ kind: 'weights' });
    replace.clear();
  });
});
