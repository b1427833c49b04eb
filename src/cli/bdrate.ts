// BD-rate between CompressAI-format result files with the app's own code (its importer and its PCHIP BD-rate):
//
//   npm run bdrate -- ANCHOR.json TEST.json [MORE.json …] [--metric psnr|ms-ssim] [--bands N] [--per-image]
//
// Prints one line per test curve: BD-rate (percent, negative = fewer bits at equal quality) and BD-quality, with
// the quality interval the average was taken over. MS-SSIM is compared in dB (−10·log10(1 − MS-SSIM)), as the
// app's BD table does. Where the difference lies: --bands N splits that interval into N equal quality bands and
// gives each band's BD-rate; --per-image gives the BD-rate of every image the two files share (`npm run eval`
// files list their images' points), sorted, with the median.
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseCompressAiJson, type ImportedCurve } from '../app/state/rdData';
import { bdQuality, bdRate, tryBd, type RatePoint } from '../metrics/bdrate';
import { msssimDb } from '../metrics/msssim';
import { CliError } from './node-io';

export type Metric = 'psnr' | 'ms-ssim';

/** A curve's (bpp, quality) points for a metric; MS-SSIM in dB. */
export function ratePoints(c: Pick<ImportedCurve, 'bpp' | 'psnr' | 'msssim'>, metric: Metric): RatePoint[] {
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

/** BD-rate in each of n equal quality bands of the curves' overlap (null where a band cannot be computed). */
export function bands(anchor: ImportedCurve, test: ImportedCurve, metric: Metric, n: number): { lo: number; hi: number; rate: number | null }[] {
  const a = ratePoints(anchor, metric);
  const t = ratePoints(test, metric);
  const whole = tryBd(bdRate, a, t);
  if (!whole.ok) return [];
  const [lo, hi] = whole.result.interval;
  return Array.from({ length: n }, (_, i) => {
    const band: [number, number] = [lo + ((hi - lo) * i) / n, lo + ((hi - lo) * (i + 1)) / n];
    const r = tryBd(bdRate, a, t, band);
    return { lo: band[0], hi: band[1], rate: r.ok ? r.result.value : null };
  });
}

/** Per-image curves of an `npm run eval` file ({images: [{file, points: [{bpp, psnr, msssim}]}]}), by file name. */
export function readImages(path: string): Map<string, Pick<ImportedCurve, 'bpp' | 'psnr' | 'msssim'>> {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CliError('input', `cannot read ${path}: ${(e as Error).message}`);
  }
  const images = (doc as { images?: unknown }).images;
  if (!Array.isArray(images)) throw new CliError('input', `${path} has no per-image results ("images"); files from \`npm run eval\` have them.`);
  const out = new Map<string, Pick<ImportedCurve, 'bpp' | 'psnr' | 'msssim'>>();
  for (const im of images as { file?: unknown; points?: unknown }[]) {
    if (typeof im.file !== 'string' || !Array.isArray(im.points)) throw new CliError('input', `${path}: an image entry without file or points.`);
    const pts = im.points as { bpp: number; psnr: number; msssim: number }[];
    out.set(basename(im.file), { bpp: pts.map((p) => p.bpp), psnr: pts.map((p) => p.psnr), msssim: pts.map((p) => p.msssim) });
  }
  return out;
}

/** The BD-rate of every image both files have, sorted (best for the test first; null: not comparable). */
export function perImage(anchorPath: string, testPath: string, metric: Metric): { image: string; rate: number | null }[] {
  const a = readImages(anchorPath);
  const t = readImages(testPath);
  const rows = [...a.keys()].filter((k) => t.has(k)).map((k) => {
    const r = tryBd(bdRate, ratePoints(a.get(k)!, metric), ratePoints(t.get(k)!, metric));
    return { image: k, rate: r.ok ? r.result.value : null };
  });
  return rows.sort((x, y) => (x.rate ?? Infinity) - (y.rate ?? Infinity));
}

const pct = (v: number | null) => (v == null ? 'not comparable' : `${v >= 0 ? '+' : ''}${v.toFixed(2)} %`);

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

export function parseBdArgs(argv: readonly string[]): { files: string[]; metric: Metric; bands: number; perImage: boolean } {
  const files: string[] = [];
  let metric: Metric = 'psnr';
  let nBands = 0;
  let per = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--metric') {
      const m = argv[++i];
      if (m !== 'psnr' && m !== 'ms-ssim') throw new CliError('usage', `--metric must be psnr or ms-ssim, got ${JSON.stringify(m)}.`);
      metric = m;
    } else if (argv[i] === '--bands') {
      nBands = Number(argv[++i]);
      if (!Number.isInteger(nBands) || nBands < 1 || nBands > 20) throw new CliError('usage', '--bands must be an integer in 1 … 20.');
    } else if (argv[i] === '--per-image') per = true;
    else if (argv[i].startsWith('--')) throw new CliError('usage', `unknown argument ${JSON.stringify(argv[i])}.`);
    else files.push(argv[i]);
  }
  if (files.length < 2) throw new CliError('usage', 'usage: npm run bdrate -- ANCHOR.json TEST.json [MORE.json …] [--metric psnr|ms-ssim] [--bands N] [--per-image]');
  return { files, metric, bands: nBands, perImage: per };
}

function main() {
  // `npm run bdrate -- … | head`: a closed pipe ends the output, not with a stack trace
  process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 1));
  try {
    const args = parseBdArgs(process.argv.slice(2));
    const { files, metric } = args;
    const [anchor, ...tests] = files.map(readCurve);
    tests.forEach((t, k) => {
      process.stdout.write(formatLine(compare(anchor, t, metric)) + '\n');
      for (const b of args.bands ? bands(anchor, t, metric, args.bands) : []) process.stdout.write(`  ${b.lo.toFixed(2)}–${b.hi.toFixed(2)} dB: ${pct(b.rate)}\n`);
      if (args.perImage) {
        const rows = perImage(files[0], files[k + 1], metric);
        const ok = rows.flatMap((r) => (r.rate == null ? [] : [r.rate])).sort((a, b) => a - b);
        const median = ok.length ? (ok.length % 2 ? ok[(ok.length - 1) / 2] : (ok[ok.length / 2 - 1] + ok[ok.length / 2]) / 2) : null;
        process.stdout.write(`  per image (${rows.length} in both): median ${pct(median)}, ${ok.filter((v) => v < 0).length} of ${ok.length} below 0\n`);
        for (const r of rows) process.stdout.write(`  ${pct(r.rate).padStart(9)}  ${r.image}\n`);
      }
    });
  } catch (e) {
    process.stderr.write(`bdrate: ${(e as Error)?.message ?? e}\n`);
    process.exit(e instanceof CliError && e.kind === 'usage' ? 2 : 1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) main();
