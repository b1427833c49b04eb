// The model note's text under the options of a codec with a trained model (Codec.modelInfo).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { findCodec } from '../../codecs/registry';
import { modelNoteText, rateNoteText } from './ModelNote';

afterEach(() => vi.unstubAllGlobals());

describe('modelNoteText', () => {
  it('states the training and the validation BD-rates', () => {
    const text = modelNoteText({
      name: 'm',
      steps: 30736,
      cpuHours: 9.42,
      exported: '2026-12-02',
      photos: 10,
      bdRate: [
        { anchor: 'jpeg', psnr: -15.67, msssim: -25.47 },
        { anchor: 'webp', psnr: 47.02 },
      ],
    });
    expect(text).toBe("RD Lab's own weights: 30,736 steps, 9.4 CPU-h (2026-12-02). BD-rate (PSNR) on 10 held-out photos: −15.7 % vs MozJPEG, +47.0 % vs WebP.");
    const bench = modelNoteText({ name: 'm', photos: 24, set: '24 benchmark photos, whole scenes at 768×512', bdRate: [{ anchor: 'avif', psnr: 46.8 }] });
    expect(bench).toBe('BD-rate (PSNR) on 24 benchmark photos, whole scenes at 768×512: +46.8 % vs AVIF.');
  });
  it("counts the training of the transforms a run began from apart", () => {
    const text = modelNoteText({ name: 'm', steps: 8000, cpuHours: 1.26, initSteps: 60538, initCpuHours: 14.34, bdRate: [] });
    expect(text).toBe("RD Lab's own weights: 8,000 steps, 1.3 CPU-h, on transforms taken from another of our models after 60,538 steps (14.3 CPU-h).");
  });
  it('says nothing it does not know', () => {
    expect(modelNoteText({ name: 'm', bdRate: [] })).toBe('');
    expect(modelNoteText({ name: 'm', steps: 5, bdRate: [{ anchor: 'zz', psnr: 0 }] })).toBe("RD Lab's own weights: 5 steps. BD-rate (PSNR) on the held-out photos: ±0.0 % vs zz.");
  });
});

describe('rateNoteText', () => {
  it('says what t means: the λ range and the bpp the validation photos came to', () => {
    const text = rateNoteText({
      name: 'm',
      set: '24 benchmark photos',
      bdRate: [],
      rate: { lambdaMin: 0.0018, lambdaMax: 0.0932, spacing: 'log', loss: 'lambda*255^2*MSE + bpp', bpp: [0, 0.43, 0.57, 1].map((t, i) => ({ t, bpp: [0.143, 0.316, 0.393, 0.734][i] })) },
    });
    expect(text).toBe(
      'Rate t from 0 to 1 moves the training trade-off λ from 0.0018 to 0.0932 (log-spaced; loss lambda·255²·MSE + bpp); higher t, more bits. ' +
        'Typical on 24 benchmark photos: t = 0 → 0.14 bpp, t = 0.57 → 0.39 bpp, t = 1 → 0.73 bpp.',
    );
    expect(rateNoteText({ name: 'm', bdRate: [] })).toBe('');
  });
  it('reads the shipped mean-scale manifest through the codec: the bpp it states are its validation table', async () => {
    const path = join(__dirname, '../../../public/models/mean-scale/manifest.json');
    const m = JSON.parse(readFileSync(path, 'utf8'));
    const asked: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      asked.push(String(url));
      return new Response(readFileSync(path));
    });
    const info = (await findCodec('mean-scale')!.modelInfo!())!;
    expect(asked).toEqual([expect.stringMatching(/\/models\/mean-scale\/manifest\.json$/)]);
    expect(info.card).toMatch(/\/models\/mean-scale\/README\.md$/);
    expect(info.rate!.lambdaMin).toBe(m.rate.lambda.min);
    expect(info.rate!.bpp.map((p) => p.bpp)).toEqual(m.validation.results.bpp);
    const text = rateNoteText(info);
    expect(text).toContain(`t = 0 → ${m.validation.results.bpp[0].toFixed(2)} bpp`);
    expect(text).toContain(`t = 1 → ${m.validation.results.bpp.at(-1).toFixed(2)} bpp`);
  });
});
