// BD-rate between CompressAI-format result files with the app's own code (its importer and its PCHIP BD-rate):
//
//   npm run bdrate -- ANCHOR.json TEST.json [MORE.json …] [--metric psnr|ms-ssim]
//
// Prints one line per test curve: BD-rate (percent, negative = fewer bits at equal quality) and BD-quality, with
// the quality interval the average was taken over. MS-SSIM is compared in dB (−10·log10(1 − MS-SSIM)), as the
// app's BD table does.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCompressAiJson, type ImportedCurve } from '../app/state/rdData';
import { bdQuality, bdRate, tryBd, type RatePoint } from '../metrics/bdrate';
import { msssimDb } from '../metrics/msssim';
import { CliError } from './node-io';

export type Metric = 'psnr' | 'ms-ssim';

/** A curve's (bpp, quality) points for a metric; MS-SSIM in dB. */
export function ratePoints(c: ImportedCurve, metric: Metric): RatePoint[] {
  return c.bpp.flatMap((b, i) => {
    const q = metric === 'psnr' ? c.psnr[i] : c.msssim[i] == null ? null : msssimDb(c.msssim[i]!);
    return q == null || !Number.isFinite(q) ? [] : [{ rate: b, quality: q }];
  });
}

export interface BdLine {
  test: string;
  anchor: string;
  metric: Metric;
  /** BD-rate in percent, or null with `why`. */
  rate: number | null;
  /** BD-quality in dB. */
  quality: number | null;
  /** The quality interval (dB) of the BD-rate average. */
  interval?: [number, number];
  why?: string;
}

/** BD-rate and BD-quality of `test` against `anchor` for one metric. */
export function compare(anchor: ImportedCurve, test: ImportedCurve, metric: Metric): BdLine {
  const a = ratePoints(anchor, metric);
  const t = ratePoints(test, metric);
  const r = tryBd(bdRate, a, t);
  const q = tryBd(bdQuality, a, t);
  return {
    test: test.name,
    anchor: anchor.name,
    metric,
    rate: r.ok ? r.result.value : null,
    quality: q.ok ? q.result.value : null,
    ...(r.ok ? { interval: r.result.interval } : { why: r.message }),
  };
}

/** Reads one CompressAI-format file (the first curve in it). */
export function readCurve(path: string): ImportedCurve {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError('input', `cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return parseCompressAiJson(text, path)[0];
  } catch (e) {
    throw new CliError('input', (e as Error).message);
  }
}

export function formatLine(l: BdLine): string {
  if (l.rate == null) return `${l.test} vs ${l.anchor} (${l.metric}): not comparable: ${l.why}`;
  const iv = l.interval ? ` over ${l.interval[0].toFixed(2)}–${l.interval[1].toFixed(2)} dB` : '';
  const dq = l.quality == null ? '' : `, BD-${l.metric === 'psnr' ? 'PSNR' : 'MS-SSIM'} ${l.quality >= 0 ? '+' : ''}${l.quality.toFixed(3)} dB`;
  return `${l.test} vs ${l.anchor} (${l.metric}): BD-rate ${l.rate >= 0 ? '+' : ''}${l.rate.toFixed(2)} %${dq}${iv}`;
}

export function parseBdArgs(argv: readonly string[]): { files: string[]; metric: Metric } {
  const files: string[] = [];
  let metric: Metric = 'psnr';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--metric') {
      const m = argv[++i];
      if (m !== 'psnr' && m !== 'ms-ssim') throw new CliError('usage', `--metric must be psnr or ms-ssim, got ${JSON.stringify(m)}.`);
      metric = m;
    } else if (argv[i].startsWith('--')) throw new CliError('usage', `unknown argument ${JSON.stringify(argv[i])}.`);
    else files.push(argv[i]);
  }
  if (files.length < 2) throw new CliError('usage', 'usage: npm run bdrate -- ANCHOR.json TEST.json [MORE.json …] [--metric psnr|ms-ssim]');
  return { files, metric };
}

function main() {
  try {
    const { files, metric } = parseBdArgs(process.argv.slice(2));
    const [anchor, ...tests] = files.map(readCurve);
    for (const t of tests) process.stdout.write(formatLine(compare(anchor, t, metric)) + '\n');
  } catch (e) {
    process.stderr.write(`bdrate: ${(e as Error)?.message ?? e}\n`);
    process.exit(e instanceof CliError && e.kind === 'usage' ? 2 : 1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) main();
