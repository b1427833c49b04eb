// The facts behind the model note (src/app/views/ModelNote.tsx): read from each shipped manifest, checked against
// the raw JSON; malformed manifests leave fields out; the fetch is retried after a failure.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MODELS_ROOT as ROOT, packageNames } from '../../testing/models';
import { fetchModelInfo, modelInfo } from './model-info';

const names = packageNames('codec');
const BASE = 'http://localhost/models/';

describe('modelInfo on the shipped packages', () => {
  it('finds the shipped packages', () => expect(names.sort()).toEqual(['checkerboard', 'factorized', 'hyperprior', 'mean-scale']));
  for (const name of names) {
    it(`${name}: steps, CPU-hours, date and BD-rates as in manifest.json`, () => {
      const raw = JSON.parse(readFileSync(join(ROOT, name, 'manifest.json'), 'utf8'));
      const info = modelInfo(raw, `${BASE}${name}/`)!;
      expect(info.name).toBe(name);
      expect(info.steps).toBe(raw.provenance.steps);
      expect(info.steps).toBeGreaterThan(1000);
      expect(info.cpuHours).toBe(raw.provenance.cpu_hours);
      expect(info.exported).toBe(raw.provenance.exported);
      const init = raw.provenance.initialised_from;
      expect(info.initSteps).toBe(init?.step);
      expect(info.initCpuHours).toBe(init ? init.cpu_s / 3600 : undefined);
      expect(info.photos).toBe(raw.validation.photos);
      expect(info.set).toBe(raw.validation.set);
      expect(info.card).toBe(`${BASE}${name}/README.md`);
      expect(info.cardBase).toBe(BASE);
      const anchors = Object.keys(raw.validation.bd_rate);
      expect(anchors).toEqual(['jpeg', 'webp', 'avif']);
      expect(info.bdRate.map((b) => b.anchor)).toEqual(anchors);
      for (const b of info.bdRate) {
        expect(b.psnr).toBe(raw.validation.bd_rate[b.anchor].psnr);
        expect(b.msssim).toBe(raw.validation.bd_rate[b.anchor]['ms-ssim']);
      }
      // the model card the note links to exists and states the same BD-rate against JPEG
      const card = readFileSync(join(ROOT, name, 'README.md'), 'utf8');
      expect(card).toContain(`${raw.validation.bd_rate.jpeg.psnr.toFixed(1)}%`);
    });
  }
});

describe('modelInfo on malformed manifests', () => {
  it('is null without an object with a name', () => {
    for (const bad of [null, 3, 'x', [], {}, { name: 7 }]) expect(modelInfo(bad, BASE)).toBeNull();
  });
  it('leaves out what is missing or of the wrong type', () => {
    const info = modelInfo(
      {
        name: 'm',
        provenance: { steps: 12.5, cpu_hours: -1, exported: 'yesterday', initialised_from: { step: 2.5, cpu_s: 100 } },
        validation: { photos: 0, bd_rate: { jpeg: { psnr: 'x' }, webp: { psnr: NaN }, avif: { psnr: -3.25 }, 'bad name!': { psnr: 1 }, jxl: 4 } },
      },
      `${BASE}m/`,
    )!;
    expect(info).toEqual({ name: 'm', bdRate: [{ anchor: 'avif', psnr: -3.25 }], card: `${BASE}m/README.md`, cardBase: BASE });
    expect(modelInfo({ name: 'm', provenance: [], validation: 'no' }, `${BASE}m/`)).toEqual({ name: 'm', bdRate: [], card: `${BASE}m/README.md`, cardBase: BASE });
  });
});

describe('fetchModelInfo', () => {
  afterEach(() => vi.unstubAllGlobals());
  it('reads <base><name>/manifest.json once, and tries again after a failure', async () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'mean-scale', 'manifest.json'), 'utf8'));
    const calls: string[] = [];
    let ok = false;
    vi.stubGlobal('fetch', async (url: string) => {
      calls.push(url);
      return ok ? new Response(JSON.stringify(manifest)) : new Response('gone', { status: 404 });
    });
    const base = 'http://example.test/site/models/';
    expect(await fetchModelInfo('mean-scale', base)).toBeNull();
    ok = true;
    const info = await fetchModelInfo('mean-scale', base);
    expect(info?.steps).toBe(manifest.provenance.steps);
    expect(await fetchModelInfo('mean-scale', base)).toBe(info);
    expect(calls).toEqual([`${base}mean-scale/manifest.json`, `${base}mean-scale/manifest.json`]);
  });
});
