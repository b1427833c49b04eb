// The model note's text under a learned codec's options (the facts come from codecs/learned/model-info.ts).
import { describe, expect, it } from 'vitest';
import { modelNoteText } from './ModelNote';

const BASE = 'http://localhost/models/';

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
      card: `${BASE}m/README.md`,
    });
    expect(text).toBe("RD Lab's own weights: 30,736 steps, 9.4 CPU-h (2026-12-02). BD-rate (PSNR) on 10 held-out photos: −15.7 % vs MozJPEG, +47.0 % vs WebP.");
    const bench = modelNoteText({ name: 'm', photos: 24, set: '24 benchmark photos, whole scenes at 768×512', bdRate: [{ anchor: 'avif', psnr: 46.8 }], card: '' });
    expect(bench).toBe('BD-rate (PSNR) on 24 benchmark photos, whole scenes at 768×512: +46.8 % vs AVIF.');
  });
  it("counts the training of the transforms a run began from apart", () => {
    const text = modelNoteText({ name: 'm', steps: 8000, cpuHours: 1.26, initSteps: 60538, initCpuHours: 14.34, bdRate: [], card: '' });
    expect(text).toBe("RD Lab's own weights: 8,000 steps, 1.3 CPU-h, on transforms taken from another of our models after 60,538 steps (14.3 CPU-h).");
  });
  it('says nothing it does not know', () => {
    expect(modelNoteText({ name: 'm', bdRate: [], card: '' })).toBe('');
    expect(modelNoteText({ name: 'm', steps: 5, bdRate: [{ anchor: 'zz', psnr: 0 }], card: '' })).toBe("RD Lab's own weights: 5 steps. BD-rate (PSNR) on the held-out photos: ±0.0 % vs zz.");
  });
});
