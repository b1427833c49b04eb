// The benchmark command's pieces that need no photos: its photo list, arguments, and the table / summary it
// builds from result files (synthetic curves with known BD-rates).
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchmarkRows, learnedCodecsIn, markdownTable, parseBenchArgs, PHOTO_SETS, summary } from './benchmark';
import type { EvalOutput } from './eval';
import { CliError } from './node-io';

function result(name: string, bpp: number[], psnr: number[]): EvalOutput {
  const ms = psnr.map((p) => 1 - 10 ** (-(p - 15) / 10));
  return {
    name,
    description: `${name} test curve`,
    results: { bpp, 'psnr-rgb': psnr, 'ms-ssim-rgb': ms, encoding_time: bpp.map(() => 0.5), decoding_time: bpp.map(() => 0.25) },
    settings: { key: 'quality', values: bpp.map((_, i) => i) },
    images: [],
  };
}

describe('benchmark', () => {
  it('reads the 24 benchmark photos (split val) with their SHA-256 from the committed list', () => {
    const rows = benchmarkRows();
    expect(rows.length).toBe(24);
    for (const r of rows) {
      expect(r.file).toMatch(/\.jpg$/);
      expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(new Set(rows.map((r) => r.file)).size).toBe(24);
  });

  it('reads the 11 photos of the hard set (split hard) with the SHA-256 of their originals, none of them a benchmark or training file', () => {
    const hard = PHOTO_SETS.hard;
    const rows = benchmarkRows(hard.list, hard.split);
    expect(rows.length).toBe(11);
    for (const r of rows) expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
    const v2 = benchmarkRows(PHOTO_SETS.standard.list, 'train').concat(benchmarkRows());
    const used = new Set(v2.map((r) => r.sha256));
    expect(rows.filter((r) => used.has(r.sha256))).toEqual([]);
    expect(new Set([hard.photos, hard.results, hard.table]).has(PHOTO_SETS.standard.results)).toBe(false);
    expect(parseBenchArgs(['--set', 'hard']).set).toBe('hard');
    expect(() => parseBenchArgs(['--set', 'kodak'])).toThrow(CliError);
  });

  it('checks its arguments', () => {
    expect(parseBenchArgs(['--only', 'mean-scale,avif', '--points', '4']).only).toEqual(['mean-scale', 'avif']);
    expect(() => parseBenchArgs(['--only', 'png'])).toThrow(CliError);
    expect(() => parseBenchArgs(['--points', '1'])).toThrow(CliError);
    expect(() => parseBenchArgs(['--what'])).toThrow(CliError);
  });

  it('runs every learned codec whose package is in --models, checkerboard included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdlab-models-'));
    expect(learnedCodecsIn(dir)).toEqual([]);
    for (const id of ['checkerboard', 'mean-scale', 'transforms-d8836cb8']) {
      mkdirSync(join(dir, id));
      writeFileSync(join(dir, id, 'manifest.json'), '{}');
    }
    mkdirSync(join(dir, 'hyperprior')); // no manifest: not a package
    expect(learnedCodecsIn(dir)).toEqual(['mean-scale', 'checkerboard']);
    expect(parseBenchArgs(['--only', 'checkerboard']).only).toEqual(['checkerboard']);
  });

  it('tables and summarises BD-rates against MozJPEG, WebP and AVIF', () => {
    const bpp = [0.1, 0.2, 0.4, 0.8, 1.6];
    const q = [27, 30, 33, 36, 39];
    const results = new Map([
      ['mean-scale', result('RD Lab mean-scale', bpp.map((b) => b * 0.6), q)],
      ['jpeg', result('MozJPEG', bpp, q)],
      ['webp', result('WebP', bpp.map((b) => b * 0.8), q)],
      ['avif', result('AVIF', bpp.map((b) => b * 0.5), q)],
    ]);
    const s = summary(results, 24, 'abc');
    const ms = s.codecs['mean-scale'] as { bd_rate: Record<string, { psnr: number; 'ms-ssim': number }> };
    expect(ms.bd_rate.jpeg.psnr).toBeCloseTo(-40, 6);
    expect(ms.bd_rate.webp.psnr).toBeCloseTo(-25, 6);
    expect(ms.bd_rate.avif.psnr).toBeCloseTo(20, 6);
    expect(ms.bd_rate.avif['ms-ssim']).toBeCloseTo(20, 6);
    expect(Object.keys((s.codecs.jpeg as { bd_rate: object }).bd_rate)).toEqual(['webp', 'avif']);
    const md = markdownTable(results, 'test set');
    expect(md).toContain('| RD Lab mean-scale | −40.0 % | −25.0 % | +20.0 % | 0.060 – 0.960 | 27.00 – 39.00 |');
    expect(md).toContain('| MozJPEG | — | +25.0 % | +100.0 % |');
  });
});
