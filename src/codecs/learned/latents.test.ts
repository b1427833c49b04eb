// The latent coders the pipeline composes (latents.ts), read from each shipped package's structure: which latents,
// in which order, their shapes, quantization (half to even, z clamped), table choice and dequantization, against
// values worked out by hand; and the manifest checks that keep the structure consistent.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODELS_ROOT as ROOT, packageNames } from '../../testing/models';
import { CodecError } from '../types';
import { latentCoders, UNCONDITIONED, Z_CLAMP } from './latents';
import { ModelPackage, parseManifest, parseSharedManifest, type SharedPackageData } from './package';

const readJson = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));

async function load(name: string) {
  const manifest = readJson(`${name}/manifest.json`);
  const shared: SharedPackageData[] = (manifest.uses as { name: string }[]).map((u) => ({
    manifest: readJson(`${u.name}/manifest.json`),
    weights: new Uint8Array(readFileSync(join(ROOT, u.name, 'weights.bin'))),
  }));
  const pkg = await ModelPackage.create(manifest, new Uint8Array(readFileSync(join(ROOT, name, 'weights.bin'))), shared);
  return { manifest, shared: shared.map((s) => parseSharedManifest(s.manifest)), pkg };
}

const hasContext = (name: string) => Boolean(JSON.parse(readFileSync(join(ROOT, name, 'manifest.json'), 'utf8')).transforms?.context_int);

describe.each(packageNames('codec'))('latent coders of %s', (name) => {
  it('follow the manifest: [z, y] where it has entropy.z, [y] otherwise; shapes for a padded 128×192 image', async () => {
    const { pkg } = await load(name);
    const m = pkg.manifest;
    const coders = latentCoders(pkg);
    if (m.transforms.context_int) {
      // a checkerboard context: y in two passes (anchors conditioned on the context call's input, M × h × w/2 each)
      expect(coders.map((c) => [c.name, c.source, c.conditions, c.block])).toEqual([
        ['z', 'hyper_analysis', 'hyper_synthesis', 64],
        ['y anchors', 'analysis', 'context', 16],
        ['y non-anchors', 'analysis', null, 16],
      ]);
      expect(coders[1].shape(128, 192)).toEqual([m.channels.M, 8, 6]);
      expect(coders[2].shape(128, 192)).toEqual([m.channels.M, 8, 6]);
      return;
    }
    if (m.entropy.z) {
      expect(coders.map((c) => [c.name, c.source, c.conditions, c.block])).toEqual([
        ['z', 'hyper_analysis', 'hyper_synthesis', 64],
        ['y', 'analysis', null, 16],
      ]);
      expect(coders[0].shape(128, 192)).toEqual([m.channels.Nz, 2, 3]);
    } else {
      expect(coders.map((c) => [c.name, c.source, c.conditions, c.block])).toEqual([['y', 'analysis', null, 16]]);
    }
    expect(coders[coders.length - 1].shape(128, 192)).toEqual([m.channels.M, 8, 12]);
  });

  // y's passes under a checkerboard context: checkerboard-pipeline.test.ts and checkerboard.test.ts
  it.skipIf(hasContext(name))('quantize half to even (z clamped to ±127, NaN → 0), choose tables, and dequantize in float32', async () => {
    const { pkg } = await load(name);
    const coders = latentCoders(pkg);
    const y = coders[coders.length - 1];
    const values = Float32Array.from([2.5, -2.5, 3.5, 0.49, -0.5, 200, NaN]);
    expect(Array.from(y.quantize(values, UNCONDITIONED))).toEqual([2, -2, 4, 0, 0, 200, 0]);
    const means = Float32Array.from([0.25, 0.25, -0.5, 0, 0, 0.1, 0]);
    // round(fround(v − μ)): 2.25 → 2, −2.75 → −3, 4.0 → 4, 0.49 → 0, −0.5 → −0 → 0, 199.9 → 200
    expect(Array.from(y.quantize(values, { index: null, means }))).toEqual([2, -3, 4, 0, 0, 200, 0]);
    const sym = Int32Array.from([1, -2, 3]);
    const mu = Float32Array.from([0.1, 0.2, 0.3]);
    expect(Array.from(y.dequantize(sym, { index: null, means: mu }))).toEqual([Math.fround(1.1), Math.fround(-1.8), Math.fround(3.3)]);
    expect(Array.from(y.dequantize(sym, UNCONDITIONED))).toEqual([1, -2, 3]);

    const shape = [pkg.manifest.channels.M, 2, 3] as const;
    if (pkg.manifest.entropy.y.family === 'gaussian') {
      // Gaussian y: the hyper-prior's index is each element's table; without one the coder refuses.
      const index = new Int32Array(shape[0] * 6).fill(7);
      expect(y.tableIndex(shape, { index, means: null })).toEqual({ entropy: index, bits: { perElement: index } });
      expect(() => y.tableIndex(shape, UNCONDITIONED)).toThrow(CodecError);
    } else {
      expect(y.tableIndex(shape, UNCONDITIONED)).toEqual({ entropy: { kind: 'per-channel', channels: shape[0], planeSize: 6, tables: undefined }, bits: { planeSize: 6 } });
    }
    expect(y.tables(0.3)).toBe(pkg.tables('y', 0.3));

    if (coders.length === 2) {
      const z = coders[0];
      expect(Array.from(z.quantize(values, UNCONDITIONED))).toEqual([2, -2, 4, 0, 0, Z_CLAMP, 0]);
      expect(Array.from(z.quantize(Float32Array.from([-1e9, 126.5, 127.5]), UNCONDITIONED))).toEqual([-Z_CLAMP, 126, Z_CLAMP]);
      expect(() => z.check(Int32Array.from([0, 127, -127]), name)).not.toThrow();
      expect(() => z.check(Int32Array.from([0, 128]), name)).toThrow(/z\[1\] = 128 is outside ±127/);
      expect(z.tableIndex([pkg.manifest.channels.Nz!, 2, 3], UNCONDITIONED).bits).toEqual({ planeSize: 6 });
    }
  });
});

describe('manifest structure the coders rely on', () => {
  it('a hyper-prior comes whole, Gaussian y tables and a means head need one', async () => {
    const hp = await load('hyperprior');
    const { z: _z, ...withoutZ } = hp.manifest.entropy;
    const noZ = { ...hp.manifest, entropy: withoutZ };
    expect(() => parseManifest(noZ, hp.shared)).toThrow(/needs transforms\.hyper_analysis, hyper_synthesis_int, scale_index_int and entropy\.z/);
    const f = await load('factorized');
    const halfHyper = { ...f.manifest, transforms: { ...f.manifest.transforms, hyper_analysis: [{ op: 'abs' }] } };
    expect(() => parseManifest(halfHyper, f.shared)).toThrow(/part of a hyper-prior/);
    const gaussianY = { ...f.manifest, entropy: { ...f.manifest.entropy, y: { ...f.manifest.entropy.y, family: 'gaussian' } } };
    expect(() => parseManifest(gaussianY, f.shared)).toThrow(/need one/);
    const ms = await load('mean-scale');
    const { means: _m, ...withoutMeans } = ms.manifest.transforms;
    const noMeans = { ...ms.manifest, transforms: withoutMeans };
    expect(() => parseManifest(noMeans, ms.shared)).toThrow(/mean-scale needs transforms\.means/);
  });
});
