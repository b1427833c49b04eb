// The batch-evaluation CLI: argument checking, and a smoke run on one sample photo whose JSON the app's own
// CompressAI importer accepts (learned codec via onnxruntime wasm, and the MozJPEG anchor).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCompressAiJson } from '../app/state/rdData';
import { parseArgs, ratePoints, runEval } from './eval';
import { CliError } from './node-io';

const ROOT = join(__dirname, '../..');
const SAMPLE = join(ROOT, 'public/samples/chelsea.png');

describe('eval CLI arguments', () => {
  it('parses, and refuses bad input with a usage error', () => {
    const a = parseArgs(['--codec', 'mean-scale', '--images', 'a.png', 'dir', '--points', '4', '--out', 'r.json']);
    expect(a).toMatchObject({ codec: 'mean-scale', images: ['a.png', 'dir'], points: 4, out: 'r.json', threads: 1 });
    for (const bad of [[], ['--codec', 'x'], ['--codec', 'a', '--classical', 'jpeg', '--images', 'a'], ['--codec', 'a', '--images', 'a', '--points', '1'], ['--nope']]) {
      expect(() => parseArgs(bad)).toThrow(CliError);
    }
    expect(parseArgs(['--codec', 'mean-scale', '--images', 'a.png']).points).toBeUndefined(); // the model's anchors
    expect(ratePoints(8)).toEqual([0, 0.14, 0.29, 0.43, 0.57, 0.71, 0.86, 1]);
  });

  it('a missing image folder is an input error', async () => {
    await expect(runEval(parseArgs(['--codec', 'hyperprior', '--images', join(ROOT, 'no-such-dir')]))).rejects.toMatchObject({ kind: 'input' });
  });
});

describe('eval CLI runs', () => {
  it('hyperprior on one photo: CompressAI JSON the app imports, real sizes, decodes round-trip', async () => {
    const out = await runEval(parseArgs(['--codec', 'hyperprior', '--images', SAMPLE, '--points', '2']));
    const [curve] = parseCompressAiJson(JSON.stringify(out), 'r.json');
    expect(curve.name).toBe('RD Lab hyperprior');
    expect(curve.bpp.length).toBe(2);
    expect(out.settings).toEqual({ key: 't', values: [0, 1] });
    const p = out.images[0].points;
    expect(out.images[0]).toMatchObject({ width: 451, height: 300 });
    for (const q of p) expect(q.bpp).toBeCloseTo((8 * q.bytes) / (451 * 300), 12);
    expect(p[1].bytes).toBeGreaterThan(p[0].bytes);
    expect(out.results.bpp).toEqual(p.map((q) => q.bpp)); // one image: the average is the point
    expect(out.results['ms-ssim-rgb'].every((v) => v > 0 && v < 1)).toBe(true);
  });

  it('runs as `npm run eval` (tsx) and writes --out; --classical jpeg gives an anchor curve', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdlab-eval-'));
    const file = join(dir, 'jpeg.json');
    const r = spawnSync('npx', ['tsx', 'src/cli/eval.ts', '--classical', 'jpeg', '--images', SAMPLE, '--points', '3', '--out', file], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(readFileSync(file, 'utf8'));
    expect(o.name).toBe('MozJPEG');
    expect(o.settings.values).toEqual([10, 53, 95]);
    expect(o.results.bpp[0]).toBeLessThan(o.results.bpp[2]);
    expect(o.results['psnr-rgb'][0]).toBeLessThan(o.results['psnr-rgb'][2]);
    const bad = spawnSync('npx', ['tsx', 'src/cli/eval.ts', '--codec', 'mean-scale'], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--images/);
  });

  it('--classical avif and jxl: the app\'s encoders with its defaults, and --option changes one setting', async () => {
    const run = (extra: string[]) => runEval(parseArgs(['--images', SAMPLE, '--points', '2', ...extra]));
    for (const [id, name] of [['avif', 'AVIF'], ['jxl', 'JPEG XL']]) {
      const out = await run(['--classical', id]);
      expect(out.name).toBe(name);
      const [lo, hi] = out.images[0].points;
      expect(hi.bytes).toBeGreaterThan(lo.bytes);
      expect(hi.psnr).toBeGreaterThan(lo.psnr + 5);
      expect(out.description).toMatch(id === 'avif' ? /speed 6, subsample 420/ : /effort 7/);
    }
    const yuv444 = await run(['--classical', 'avif', '--option', 'subsample=444']);
    const yuv420 = await run(['--classical', 'avif']);
    expect(yuv444.description).toMatch(/subsample 444/);
    expect(yuv444.images[0].points[1].bytes).not.toBe(yuv420.images[0].points[1].bytes);
    await expect(run(['--classical', 'avif', '--option', 'speed=11'])).rejects.toThrow(/speed/);
    expect(() => parseArgs(['--classical', 'avif', '--images', SAMPLE, '--option', 'speed'])).toThrow(CliError);
  });
});
