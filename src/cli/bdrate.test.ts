// The BD-rate CLI against known answers: a curve that needs exactly k× the anchor's bits at every quality has a
// BD-rate of (k − 1)·100 % whatever the interpolation; and the command's exit codes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bands, compare, formatLine, parseBdArgs, perImage, readCurve } from './bdrate';
import { CliError } from './node-io';

const ROOT = join(__dirname, '../..');

function curveFile(dir: string, name: string, bpp: number[], psnr: number[], msssim: number[]) {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, description: 'test', results: { bpp, 'psnr-rgb': psnr, 'ms-ssim-rgb': msssim } }));
  return file;
}

describe('bdrate CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rdlab-bd-'));
  const bpp = [0.1, 0.2, 0.4, 0.8, 1.6];
  const psnr = [27.1, 29.8, 32.6, 35.9, 39.0];
  const ms = [0.91, 0.945, 0.97, 0.985, 0.993];
  const anchor = curveFile(dir, 'anchor', bpp, psnr, ms);
  const cheaper = curveFile(dir, 'cheaper', bpp.map((b) => b * 0.75), psnr, ms);

  it('a curve at 0.75× the bits at equal quality is −25 % (PSNR and MS-SSIM), and BD-PSNR is positive', () => {
    const a = readCurve(anchor);
    const t = readCurve(cheaper);
    const p = compare(a, t, 'psnr');
    expect(p.rate).toBeCloseTo(-25, 9);
    expect(p.interval).toEqual([27.1, 39.0]);
    expect(p.quality!).toBeGreaterThan(0);
    expect(compare(a, t, 'ms-ssim').rate).toBeCloseTo(-25, 9);
    expect(compare(t, a, 'psnr').rate).toBeCloseTo((1 / 0.75 - 1) * 100, 9);
    expect(formatLine(p)).toMatch(/^cheaper vs anchor \(psnr\): BD-rate -25\.00 %, BD-PSNR \+/);
  });

  it('--bands: a uniform 0.75× is −25 % in every band; a gap at the top only shows in the top band', () => {
    const b = bands(readCurve(anchor), readCurve(cheaper), 'psnr', 3);
    expect(b.map((x) => x.rate)).toEqual([expect.closeTo(-25, 9), expect.closeTo(-25, 9), expect.closeTo(-25, 9)]);
    expect(b[0].lo).toBe(27.1);
    expect(b[2].hi).toBe(39.0);
    expect(b[1].lo).toBeCloseTo(b[0].hi, 12);
    // 1.5× the bits at the two highest points only: the low band is almost unchanged (PCHIP's slope at the third
    // point sees the fourth: −0.22 %), the high band carries it
    const top = readCurve(curveFile(dir, 'top', bpp.map((v, i) => (i >= 3 ? v * 1.5 : v)), psnr, ms));
    const t = bands(readCurve(anchor), top, 'psnr', 3);
    expect(Math.abs(t[0].rate!)).toBeLessThan(0.5);
    expect(t[2].rate!).toBeGreaterThan(30);
    expect(t[1].rate!).toBeGreaterThan(0);
    expect(t[1].rate!).toBeLessThan(t[2].rate!);
  });

  it('--per-image: the BD-rate of each image the two eval files share, sorted', () => {
    const evalFile = (name: string, scale: Record<string, number>) => {
      const file = join(dir, `${name}-images.json`);
      const images = Object.entries(scale).map(([f, k]) => ({ file: `/x/${f}`, points: bpp.map((v, i) => ({ bpp: v * k, psnr: psnr[i], msssim: ms[i] })) }));
      writeFileSync(file, JSON.stringify({ name, description: 'test', results: { bpp, 'psnr-rgb': psnr, 'ms-ssim-rgb': ms }, images }));
      return file;
    };
    const a = evalFile('a', { 'one.png': 1, 'two.png': 1, 'only-a.png': 1 });
    const t = evalFile('t', { 'one.png': 1.1, 'two.png': 0.75 });
    const rows = perImage(a, t, 'psnr');
    expect(rows.map((r) => r.image)).toEqual(['two.png', 'one.png']);
    expect(rows[0].rate).toBeCloseTo(-25, 9);
    expect(rows[1].rate).toBeCloseTo(10, 9);
    expect(() => perImage(anchor, t, 'psnr')).toThrow(/no per-image results/);
  });

  it('curves that do not overlap say so instead of a number', () => {
    const far = readCurve(curveFile(dir, 'far', bpp, psnr.map((q) => q + 20), ms));
    const l = compare(readCurve(anchor), far, 'psnr');
    expect(l.rate).toBeNull();
    expect(formatLine(l)).toMatch(/not comparable/);
  });

  it('checks its arguments, and runs as `npm run bdrate`', () => {
    expect(() => parseBdArgs(['a.json'])).toThrow(CliError);
    expect(() => parseBdArgs(['a.json', 'b.json', '--metric', 'ssim'])).toThrow(CliError);
    expect(parseBdArgs(['a.json', 'b.json', '--metric', 'ms-ssim'])).toEqual({ files: ['a.json', 'b.json'], metric: 'ms-ssim', bands: 0, perImage: false });
    expect(parseBdArgs(['a.json', 'b.json', '--bands', '3', '--per-image'])).toMatchObject({ bands: 3, perImage: true });
    expect(() => parseBdArgs(['a.json', 'b.json', '--bands', '0'])).toThrow(CliError);
    const r = spawnSync('npx', ['tsx', 'src/cli/bdrate.ts', anchor, cheaper, '--metric', 'ms-ssim'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^cheaper vs anchor \(ms-ssim\): BD-rate -25\.00 %/);
    const bad = spawnSync('npx', ['tsx', 'src/cli/bdrate.ts', anchor, join(dir, 'missing.json')], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/cannot read/);
  });
});
