import { describe, expect, it } from 'vitest';
import { findCodec } from '../../codecs/registry';
import { resolveOptions } from '../../codecs/options';
import { bisectForRate } from './bisect';
import { LruCache } from './cache';
import { decodeSide, decodeUrlState, DEFAULT_URL_STATE, encodeSide, encodeUrlState, type UrlState } from './url';
import { parseCompressAiJson, RdImportError, toCompressAiJson, toCsv, type RdPoint } from './rdData';

describe('LruCache', () => {
  it('evicts least recently used entries beyond the byte budget, keeps the newest', () => {
    const c = new LruCache<number[]>(10, (v) => v.length);
    c.set('a', [1, 2, 3, 4]);
    c.set('b', [1, 2, 3, 4]);
    expect(c.get('a')).toEqual([1, 2, 3, 4]); // a is now most recent
    c.set('c', [1, 2, 3, 4]); // 12 > 10: evicts b
    expect(c.has('b')).toBe(false);
    expect(c.has('a') && c.has('c')).toBe(true);
    expect(c.bytes).toBe(8);
    c.set('huge', new Array(50).fill(0));
    expect(c.size).toBe(1);
    expect(c.has('huge')).toBe(true);
  });
});

describe('bisectForRate (equal-bpp search)', () => {
  // A JPEG-like monotone rate curve: bpp(q) = 0.05·e^(q/25)
  const rate = (q: number) => 0.05 * Math.exp(q / 25);
  const spec = { min: 0, max: 100, step: 1 };

  it('finds the largest quality whose rate is ≤ target, in ≤ 8 probes', async () => {
    const r = await bisectForRate(spec, true, 0.5, async (q) => rate(q));
    // 0.05·e^(q/25) ≤ 0.5 ⇔ q ≤ 25·ln 10 = 57.56 → 57
    expect(r.value).toBe(57);
    expect(r.rate).toBeCloseTo(rate(57), 12);
    expect(r.reached).toBe(true);
    expect(r.probes.length).toBeLessThanOrEqual(8);
  });
  it('works on axes where higher means fewer bits and on fractional steps', async () => {
    const spec2 = { min: 0.01, max: 1, step: 0.01 };
    // rate falls with λ: r(λ) = 2 − λ·1.5; target 1.0 → λ ≥ 0.6667 → smallest such grid value 0.67
    const r = await bisectForRate(spec2, false, 1.0, async (l) => 2 - l * 1.5);
    expect(r.value).toBe(0.67);
    expect(r.rate).toBeLessThanOrEqual(1.0);
  });
  it('a target below the cheapest setting returns that setting with reached = false', async () => {
    const r = await bisectForRate(spec, true, 0.01, async (q) => rate(q));
    expect(r.value).toBe(0);
    expect(r.reached).toBe(false);
  });
  it('a target above the most expensive setting returns the top setting', async () => {
    const r = await bisectForRate(spec, true, 100, async (q) => rate(q));
    expect(r.value).toBe(100);
  });
});

describe('URL state', () => {
  it('round-trips sides with non-default options, codecs, anchor, metric, bpp and sample', () => {
    const avif = findCodec('avif')!;
    const s: UrlState = {
      left: { kind: 'codec', codecId: 'avif', options: resolveOptions(avif, { quality: 40, tune: 'psnr', lossless: false }) },
      right: { kind: 'original' },
      codecs: ['jpeg', 'avif', 'jxl'],
      anchor: 'avif',
      metric: 'msssim',
      targetBpp: 0.25,
      sample: 'coffee',
      resize: null,
    };
    const q = encodeUrlState(s);
    expect(q).toBe('?left=avif~quality_40~tune_psnr&right=original&codecs=jpeg,avif,jxl&anchor=avif&metric=msssim&bpp=0.25&sample=coffee');
    expect(decodeUrlState(q)).toEqual(s);
    // With the Resize step: a percentage or a size.
    for (const resize of [{ percent: 50 }, { width: 800, height: 533 }]) {
      const r = encodeUrlState({ ...s, resize });
      expect(r).toMatch(/&resize=(50%25|800x533)$/);
      expect(decodeUrlState(r)).toEqual({ ...s, resize });
    }
  });
  it('booleans and negative select values survive', () => {
    const jxl = findCodec('jxl')!;
    const side = { kind: 'codec' as const, codecId: 'jxl', options: resolveOptions(jxl, { epf: '2', progressive: true }) };
    expect(encodeSide(side)).toBe('jxl~progressive_1~epf_2');
    expect(decodeSide(encodeSide(side), { kind: 'original' })).toEqual(side);
  });
  it('is lenient with hand-edited URLs: unknown codecs and bad values fall back to defaults', () => {
    const s = decodeUrlState('?left=nope~x_1&right=jpeg~quality_500~chroma_444&codecs=jpeg,bogus,jpeg&metric=ssim&bpp=-3');
    expect(s.left).toEqual(DEFAULT_URL_STATE.left);
    expect(s.right).toEqual({ kind: 'codec', codecId: 'jpeg', options: resolveOptions(findCodec('jpeg')!, { chroma: '444' }) });
    expect(s.codecs).toEqual(['jpeg']);
    expect(s.metric).toBe('psnr');
    expect(s.targetBpp).toBe(DEFAULT_URL_STATE.targetBpp);
    expect(decodeUrlState('')).toEqual(DEFAULT_URL_STATE);
  });
});

const points: RdPoint[] = [
  { codecId: 'jpeg', quality: 90, setting: 'q90', bytes: 60000, bpp: 1.2207, psnr: 38.5, msssim: 0.995, encodeMs: 40, decodeMs: 8 },
  { codecId: 'jpeg', quality: 50, setting: 'q50', bytes: 20000, bpp: 0.4069, psnr: 32.1, msssim: 0.97, encodeMs: 30, decodeMs: 6 },
];

describe('RD export', () => {
  it('CSV has a header, one row per point, and quotes fields with commas', () => {
    const csv = toCsv([{ ...points[0], setting: 'q90 · 4:4:4, trellis' }], { name: 'cat.png', width: 768, height: 512 });
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('image,width,height,codec,quality,setting,bytes,bpp,psnr_rgb_db,ms_ssim_rgb,ms_ssim_rgb_db,encode_ms,decode_ms');
    expect(lines[1]).toBe('cat.png,768,512,jpeg,90,"q90 · 4:4:4, trellis",60000,1.2207,38.5,0.995,23.0103,40,8');
  });
  it('CompressAI JSON is sorted by bpp and parses back', () => {
    const text = toCompressAiJson('MozJPEG', 'RD Lab', points);
    const o = JSON.parse(text);
    expect(o.results.bpp).toEqual([0.4069, 1.2207]);
    expect(o.results['psnr-rgb']).toEqual([32.1, 38.5]);
    expect(o.results['ms-ssim-rgb']).toEqual([0.97, 0.995]);
    expect(o.results.encoding_time).toEqual([0.03, 0.04]);
    const [c] = parseCompressAiJson(text, 'x.json');
    expect(c.name).toBe('MozJPEG');
    expect(c.bpp).toEqual([0.4069, 1.2207]);
  });
});

describe('RD import (CompressAI format)', () => {
  const published = JSON.stringify({
    name: 'bmshj2018-factorized',
    description: 'Inference (ans)',
    results: {
      bpp: [0.1226, 0.1885, 0.2878, 0.4404, 0.6481, 0.967, 1.3512, 1.8333],
      'psnr-rgb': [26.91, 28.22, 29.62, 31.28, 32.96, 35.38, 37.4, 39.62],
      'ms-ssim-rgb': [0.91, 0.936, 0.9555, 0.9704, 0.9806, 0.9879, 0.9922, 0.9951],
      encoding_time: [0.029, 0.023, 0.045, 0.045, 0.046, 0.049, 0.06, 0.054],
    },
  });
  it('reads a published CompressAI results file', () => {
    const [c] = parseCompressAiJson(published, 'kodak.json');
    expect(c.id).toBe('import:bmshj2018-factorized');
    expect(c.bpp.length).toBe(8);
    expect(c.psnr[7]).toBe(39.62);
    expect(c.msssim[0]).toBe(0.91);
  });
  it('reads an array of curves, and curves with only one metric', () => {
    const list = parseCompressAiJson(JSON.stringify([JSON.parse(published), { name: 'x', results: { bpp: [0.5, 1], psnr: [30, 33] } }]));
    expect(list.map((c) => c.name)).toEqual(['bmshj2018-factorized', 'x']);
    expect(list[1].msssim).toEqual([null, null]);
  });
  it.each([
    ['not json', 'invalid-json'],
    ['{"name":"a"}', 'bad-shape'],
    ['{"results":{"bpp":[0.1,0.2]}}', 'bad-shape'],
    ['{"results":{"bpp":[0.1,0.2],"psnr-rgb":[30]}}', 'length-mismatch'],
    ['{"results":{"bpp":[0.1,"x"],"psnr-rgb":[30,31]}}', 'bad-value'],
    ['{"results":{"bpp":[0.1,0.2],"ms-ssim-rgb":[12,14]}}', 'bad-value'],
    ['{"results":{"bpp":[],"psnr-rgb":[]}}', 'empty'],
    ['[]', 'empty'],
  ])('rejects %s as %s', (text, kind) => {
    try {
      parseCompressAiJson(text, 't.json');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RdImportError);
      expect((e as RdImportError).kind).toBe(kind);
    }
  });
  it('refuses oversized files before parsing', () => {
    expect(() => parseCompressAiJson(' '.repeat(3 * 1024 * 1024))).toThrowError(/larger than/);
  });
});
