// Browser layer (headless Chromium, served by Vite's dev server): the classical codecs encode and decode for real,
// inside codec Web Workers, through the same pool the app uses. (Named *.gpu.test.ts because that is the browser
// project; nothing here needs WebGPU.)
import { afterAll, describe, expect, it } from 'vitest';
import { psnrRgb } from '../metrics/psnr';
import { msssimRgb } from '../metrics/msssim';
import { CODECS, findCodec } from './registry';
import { resolveOptions } from './options';
import { CodecError, type RgbaImage } from './types';
import { CodecWorkerPool } from './runtime/pool';

/** Smooth colour ramps plus a checker texture: something every codec compresses imperfectly. */
function testImage(w: number, h: number): RgbaImage {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const checker = ((x >> 3) + (y >> 3)) % 2 ? 40 : 0;
      data[i] = (x * 255) / (w - 1);
      data[i + 1] = (y * 255) / (h - 1) - checker;
      data[i + 2] = 128 + 100 * Math.sin((x + y) / 5);
      data[i + 3] = 255;
    }
  return { width: w, height: h, data };
}

const source = { key: 'test-96x64', image: testImage(96, 64) };
const pool = new CodecWorkerPool({ size: 2 });
afterAll(() => pool.dispose());

const MAGIC: Record<string, (b: Uint8Array) => boolean> = {
  jpeg: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  webp: (b) => String.fromCharCode(...b.slice(0, 4)) === 'RIFF' && String.fromCharCode(...b.slice(8, 12)) === 'WEBP',
  avif: (b) => String.fromCharCode(...b.slice(4, 12)) === 'ftypavif',
  jxl: (b) => (b[0] === 0xff && b[1] === 0x0a) || String.fromCharCode(...b.slice(4, 8)) === 'JXL ',
};

// Classical codecs only: the learned ones are covered, weight-independently, by learned/learned.gpu.test.ts.
describe.each(CODECS.filter((c) => c.family === 'classical').map((c) => [c.id, c] as const))('%s', (id, codec) => {
  it('encodes in a worker to a valid file that decodes to the same size, with worker metrics = page metrics', async () => {
    const stages: string[] = [];
    const r = await pool.encode(source, id, resolveOptions(codec), { onProgress: (p) => stages.push(p.stage) });
    expect(MAGIC[id](r.bytes)).toBe(true);
    expect(r.decoded.width).toBe(96);
    expect(r.decoded.height).toBe(64);
    expect(r.decoded.data.length).toBe(96 * 64 * 4);
    const psnr = psnrRgb(source.image, r.decoded);
    expect(r.metrics.psnr).toBeCloseTo(psnr, 10);
    expect(psnr).toBeGreaterThan(22);
    expect(psnr).toBeLessThan(60);
    expect(r.metrics.msssim).toBeCloseTo(msssimRgb(source.image, r.decoded).value, 10);
    expect(r.timings.encodeMs).toBeGreaterThan(0);
    expect(r.timings.decodeMs).toBeGreaterThanOrEqual(0);
    expect(stages).toContain('encoding');
    expect(stages).toContain('measuring quality');
  });

  it('spends more bits and gains quality from the low to the high end of its quality axis', async () => {
    const [lo, hi] = [codec.quality.sweep[0], codec.quality.sweep[codec.quality.sweep.length - 1]];
    const a = await pool.encode(source, id, resolveOptions(codec, { [codec.quality.key]: lo }));
    const b = await pool.encode(source, id, resolveOptions(codec, { [codec.quality.key]: hi }));
    expect(b.bytes.length).toBeGreaterThan(a.bytes.length);
    expect(b.metrics.psnr).toBeGreaterThan(a.metrics.psnr + 3);
  });

  it('decodes its own files (used to open such files)', async () => {
    const r = await pool.encode(source, id, resolveOptions(codec));
    const im = await pool.decodeFile(id, r.bytes);
    expect([im.width, im.height]).toEqual([96, 64]);
    expect(psnrRgb(r.decoded, im)).toBeGreaterThan(45); // same decoder (JPEG: same up to EXIF handling)
  });
});

describe('lossless modes', () => {
  it.each(['webp', 'avif', 'jxl'])('%s lossless reproduces the pixels exactly (PSNR ∞)', async (id) => {
    const r = await pool.encode(source, id, resolveOptions(findCodec(id)!, { lossless: true }));
    expect(r.metrics.psnr).toBe(Infinity);
    expect(r.metrics.msssim).toBeCloseTo(1, 12);
  });
});

describe('metrics jobs (used for codecs that run on the page)', () => {
  it('measure an image decoded elsewhere against the source, in the worker', async () => {
    const noisy = new Uint8ClampedArray(source.image.data);
    for (let i = 0; i < noisy.length; i += 4) noisy[i + 1] = noisy[i + 1] + ((i >> 2) % 7) - 3;
    const decoded = { width: 96, height: 64, data: noisy };
    const m = await pool.metrics(source, decoded);
    expect(m.psnr).toBeCloseTo(psnrRgb(source.image, decoded), 10);
    expect(m.msssim).toBeCloseTo(msssimRgb(source.image, decoded).value, 10);
    expect(m.msssimScales).toBe(3); // 64 px side: 3 scales
  });
});

describe('errors and cancellation', () => {
  it('an aborted job rejects with kind "aborted", and the pool keeps working', async () => {
    const big = { key: 'test-big', image: testImage(512, 512) };
    const ctl = new AbortController();
    const slow = pool.encode(big, 'avif', resolveOptions(findCodec('avif')!, { speed: 0, quality: 90 }), { signal: ctl.signal });
    setTimeout(() => ctl.abort(), 100);
    const err = await slow.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CodecError);
    expect((err as CodecError).kind).toBe('aborted');
    const ok = await pool.encode(source, 'jpeg', resolveOptions(findCodec('jpeg')!));
    expect(ok.bytes.length).toBeGreaterThan(100);
  });

  it('an already-aborted signal rejects at once', async () => {
    const ctl = new AbortController();
    ctl.abort();
    await expect(pool.encode(source, 'jpeg', resolveOptions(findCodec('jpeg')!), { signal: ctl.signal })).rejects.toMatchObject({ kind: 'aborted' });
  });

  it('options outside the schema come back as "invalid-options" from the worker', async () => {
    await expect(pool.encode(source, 'jpeg', { quality: 500 })).rejects.toMatchObject({ kind: 'invalid-options' });
  });

  it('an unknown codec id is "unknown-codec"', async () => {
    await expect(pool.encode(source, 'nope', {})).rejects.toMatchObject({ kind: 'unknown-codec' });
  });

  it('a corrupt file is "decode-failed"', async () => {
    const junk = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 6, 7, 8]);
    await expect(pool.decodeFile('jpeg', junk)).rejects.toMatchObject({ kind: 'decode-failed' });
  });
});
