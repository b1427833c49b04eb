// RD Lab's benchmark, one command: every learned codec with a package in --models (checkerboard once
// public/models/checkerboard exists) and MozJPEG, WebP, AVIF and JPEG XL on the 24 benchmark
// photos (the `val` rows of tools/train/lists/photos-v2.tsv, never trained on), framed as the standard test set is:
// whole scenes scaled (Lanczos-3) to cover 768×512 (512×768 for portraits) and centre-cropped to it.
//
//   npm run benchmark [-- --photos DIR] [--only mean-scale,avif] [--models DIR] [--points N] [--force]
//   (learned codecs are sampled at each model's rate anchors unless --points N is given)
//   npm run benchmark -- --prepare      # only the photos (bench/photos), for training's validation
//   npm run benchmark -- --set hard     # the hard set (tools/train/lists/bench-hard.tsv) -> bench/results-hard/,
//                                       # bench/benchmark-hard.md
//
// Writes bench/results/<codec>.json (CompressAI format, per-image points included, the app's "Import" reads them)
// and bench/benchmark.md (BD-rate tables, PCHIP, against MozJPEG, WebP and AVIF), and prints the table. A result
// file is reused while its codec (weights hash, options) and the photos are unchanged; --force encodes again.
// With --models DIR other than public/models (candidate packages, e.g. export.py --models-dir), the learned
// results, the table and summary.json go to bench/results/candidates/ (git-ignored) instead.
// The photos come from tools/train/data/val (fetch_data.py), ../shared/data/photos-v2, or --photos DIR; each is
// checked against the list's SHA-256 and prepared once into bench/photos/ (git-ignored; training's validation
// reads the same PNGs).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { avif } from '../codecs/avif';
import { jpeg } from '../codecs/jpeg';
import { jxl } from '../codecs/jxl';
import { resolveOptions } from '../codecs/options';
import type { Codec } from '../codecs/types';
import { LEARNED_CODECS } from '../codecs/registry';
import { webp } from '../codecs/webp';
import { coverCrop } from '../image/resize';
import { parseCompressAiJson } from '../app/state/rdData';
import { compare, type BdLine, type Metric } from './bdrate';
import { CLASSICAL_IDS, typedOptions } from './classical';
import { runEval, validPoints, type EvalOutput } from './eval';
import { argWalker, CliError, loadPackageDir, readImageFile, writePngFile } from './node-io';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const LIST = join(ROOT, 'tools/train/lists/photos-v2.tsv');

/** A photo set the benchmark runs on: which rows of which list, where its photos are found and prepared, where
 *  its results and table go. `standard` steers training; `hard` holds the kinds of photo the learned codecs find
 *  hardest (grain, foliage, gravel, fabric, night), so that the standard set's numbers are read with them. */
export interface PhotoSet {
  list: string;
  split: string;
  /** Where the listed files are looked for (tools/train/fetch_data.py puts them in the first). */
  sources: string[];
  photos: string;
  results: string;
  table: string;
  about: string;
}

export const PHOTO_SETS: Record<string, PhotoSet> = {
  standard: {
    list: LIST,
    split: 'val',
    sources: [join(ROOT, 'tools/train/data/val'), resolve(ROOT, '../shared/data/photos-v2')],
    photos: join(ROOT, 'bench/photos'),
    results: join(ROOT, 'bench/results'),
    table: join(ROOT, 'bench/benchmark.md'),
    about: 'tools/train/lists/photos-v2.tsv, split `val`, never trained on',
  },
  hard: {
    list: join(ROOT, 'tools/train/lists/bench-hard.tsv'),
    split: 'hard',
    sources: [join(ROOT, 'tools/train/data/hard')],
    photos: join(ROOT, 'bench/photos-hard'),
    results: join(ROOT, 'bench/results-hard'),
    table: join(ROOT, 'bench/benchmark-hard.md'),
    about: 'the hard set, tools/train/lists/bench-hard.tsv: film grain and sensor noise, foliage, gravel, burlap, night cities, crowded streets; from the original files, never trained on',
  },
};
/** Every learned codec of the registry (checkerboard too); the benchmark runs those with a package in --models. */
const LEARNED: readonly string[] = LEARNED_CODECS.map((c) => c.id);
const ANCHORS = ['jpeg', 'webp', 'avif'] as const;
/** Classical sweeps: more points than the learned codecs' 8 anchors, so the anchors' PCHIP curves are tight. */
const CLASSICAL_POINTS = 12;
/** Each anchor at its strongest for RGB PSNR among the app's options, as measured on these photos (2026-12-06;
 *  BD-rate PSNR): AVIF 4:4:4 −13.0 % against the app's 4:2:0 default (MS-SSIM −10.2 %), and speed 4 a further
 *  −7.6 % against speed 6 at 10× the encode time (speeds below 4 not tried: slower still); WebP method 6 + sharp
 *  YUV −3.6 % against the defaults; MozJPEG 4:4:4 +7.5 % (its "auto" chroma stays). JPEG XL keeps effort 7. */
export const ANCHOR_OPTIONS: Record<string, Record<string, string>> = {
  avif: { subsample: '444', speed: '4' },
  webp: { method: '6', sharpYuv: 'true' },
};

interface Args {
  /** Which photo set (PHOTO_SETS): standard (default) or hard. */
  set: string;
  photos?: string;
  only?: string[];
  models: string;
  /** Learned codecs' rate points; undefined: each model's rate anchors. */
  points?: number;
  force: boolean;
  prepare: boolean;
  threads: number;
}

export function parseBenchArgs(argv: readonly string[]): Args {
  const a: Args = { set: 'standard', models: join(ROOT, 'public/models'), force: false, prepare: false, threads: 1 };
  const args = argWalker(argv);
  const value = () => args.value();
  for (let k = args.next(); k !== undefined; k = args.next()) {
    if (k === '--photos') a.photos = value();
    else if (k === '--set') a.set = value();
    else if (k === '--only') a.only = value().split(',');
    else if (k === '--models') a.models = resolve(value());
    else if (k === '--points') a.points = Number(value());
    else if (k === '--threads') a.threads = Number(value());
    else if (k === '--force') a.force = true;
    else if (k === '--prepare') a.prepare = true;
    else throw new CliError('usage', `unknown argument ${JSON.stringify(k)}.`);
  }
  if (!(a.set in PHOTO_SETS)) throw new CliError('usage', `--set: unknown photo set ${JSON.stringify(a.set)} (${Object.keys(PHOTO_SETS).join(', ')}).`);
  const known = [...LEARNED, ...CLASSICAL_IDS] as readonly string[];
  for (const c of a.only ?? []) if (!known.includes(c)) throw new CliError('usage', `--only: unknown codec ${JSON.stringify(c)} (${known.join(', ')}).`);
  if (a.points !== undefined && !validPoints(a.points)) throw new CliError('usage', `--points must be an integer in 2 … 101.`);
  return a;
}

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** The benchmark rows of a photo list: file name and SHA-256 of the stored photo. */
export function benchmarkRows(list = LIST, split = 'val'): { file: string; sha256: string }[] {
  const [head, ...lines] = readFileSync(list, 'utf8').trim().split('\n').map((l) => l.split('\t'));
  const col = (n: string) => {
    const i = head.indexOf(n);
    if (i < 0) throw new CliError('input', `${list} has no ${n} column.`);
    return i;
  };
  const [f, s, h] = [col('file'), col('split'), col('sha256')];
  return lines.filter((l) => l[s] === split).map((l) => ({ file: l[f], sha256: l[h] }));
}

/** Prepares the benchmark PNGs (once) and returns their paths and a fingerprint of the set. */
export async function preparePhotos(
  photos: string | undefined,
  log: (s: string) => void,
  set: PhotoSet = PHOTO_SETS.standard,
): Promise<{ files: string[]; fingerprint: string }> {
  const rows = benchmarkRows(set.list, set.split);
  const dirs = photos ? [resolve(photos)] : set.sources;
  mkdirSync(set.photos, { recursive: true });
  const sourcesFile = join(set.photos, 'SOURCES.tsv');
  const done = new Map(existsSync(sourcesFile) ? readFileSync(sourcesFile, 'utf8').trim().split('\n').map((l) => l.split('\t') as [string, string]) : []);
  const files: string[] = [];
  const lines: string[] = [];
  for (const r of rows) {
    const out = join(set.photos, r.file.replace(/\.[^.]+$/, '.png'));
    if (!(existsSync(out) && done.get(basename(out)) === r.sha256)) {
      const src = dirs.map((d) => join(d, r.file)).find((p) => existsSync(p));
      if (!src)
        throw new CliError('input', `benchmark photo ${r.file} not found in ${dirs.join(' or ')}: run /usr/bin/python3 tools/train/fetch_data.py (see tools/train/README.md) or pass --photos DIR.`);
      const got = sha256(readFileSync(src));
      if (got !== r.sha256) throw new CliError('input', `${src}: SHA-256 ${got.slice(0, 12)}… is not the list's ${r.sha256.slice(0, 12)}….`);
      const im = await readImageFile(src);
      const framed = im.width >= im.height ? coverCrop(im, 768, 512) : coverCrop(im, 512, 768);
      await writePngFile(out, framed);
      log(`prepared ${basename(out)} (${im.width}×${im.height} → ${framed.width}×${framed.height})`);
    }
    files.push(out);
    lines.push(`${basename(out)}\t${r.sha256}`);
  }
  writeFileSync(sourcesFile, lines.join('\n') + '\n');
  return { files, fingerprint: sha256(files.map((f) => sha256(readFileSync(f))).join('\n')) };
}

/** What a result depends on besides the photos: the learned package's weights, or the classical options. */
type Stamp = { photos: string; points: number; codec: string };

interface BenchJson extends EvalOutput {
  benchmark?: Stamp;
}

function readResult(file: string): BenchJson | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BenchJson;
  } catch {
    return null;
  }
}

/** BD-rate table rows: each codec against each anchor, for one metric. */
function tableRows(curves: Map<string, ReturnType<typeof parseCompressAiJson>[number]>, metric: Metric): BdLine[][] {
  const rows: BdLine[][] = [];
  for (const [id, c] of curves) rows.push(ANCHORS.filter((a) => a !== id && curves.has(a)).map((a) => compare(curves.get(a)!, c, metric)));
  return rows;
}

const pct = (l: BdLine | undefined) => (l == null ? '—' : l.rate == null ? 'n/a' : `${l.rate >= 0 ? '+' : '−'}${Math.abs(l.rate).toFixed(1)} %`);

export function markdownTable(results: Map<string, BenchJson>, describe: string): string {
  const curves = new Map([...results].map(([id, r]) => [id, parseCompressAiJson(JSON.stringify(r), `${id}.json`)[0]]));
  const out: string[] = [describe, ''];
  for (const metric of ['psnr', 'ms-ssim'] as const) {
    out.push(`### BD-rate (${metric === 'psnr' ? 'PSNR-RGB' : 'MS-SSIM-RGB in dB'}, PCHIP; negative = fewer bits at equal quality)`, '');
    out.push('| codec | vs MozJPEG | vs WebP | vs AVIF | bpp range | ' + (metric === 'psnr' ? 'PSNR range (dB)' : 'MS-SSIM range') + ' |');
    out.push('|---|---|---|---|---|---|');
    const rows = tableRows(curves, metric);
    [...curves.keys()].forEach((id, i) => {
      const r = results.get(id)!.results;
      const by = (a: string) => rows[i].find((l) => l.anchor === curves.get(a)?.name);
      const q = metric === 'psnr' ? r['psnr-rgb'] : r['ms-ssim-rgb'];
      const digits = metric === 'psnr' ? 2 : 4;
      out.push(
        `| ${curves.get(id)!.name} | ${pct(by('jpeg'))} | ${pct(by('webp'))} | ${pct(by('avif'))} | ${Math.min(...r.bpp).toFixed(3)} – ${Math.max(...r.bpp).toFixed(3)} | ${Math.min(...q).toFixed(digits)} – ${Math.max(...q).toFixed(digits)} |`,
      );
    });
    out.push('');
  }
  out.push('### Time per image (Node, one thread; encode / decode, mean over the sweep)', '', '| codec | encode s | decode s |', '|---|---|---|');
  for (const [, r] of results) {
    const m = (v: number[]) => (v.reduce((a, b) => a + b, 0) / v.length).toFixed(3);
    out.push(`| ${r.name} | ${m(r.results.encoding_time)} | ${m(r.results.decoding_time)} |`);
  }
  return out.join('\n') + '\n';
}

/** The BD-rates of every codec against each anchor (PSNR and MS-SSIM), for the model cards and the app's model
 *  notes (tools/train/eval.py copies a learned codec's row into its package's manifest). */
export function summary(results: Map<string, BenchJson>, photos: number, fingerprint: string) {
  const curves = new Map([...results].map(([id, r]) => [id, parseCompressAiJson(JSON.stringify(r), `${id}.json`)[0]]));
  const codecs: Record<string, unknown> = {};
  for (const [id, r] of results) {
    const bd: Record<string, { psnr: number | null; 'ms-ssim': number | null }> = {};
    for (const a of ANCHORS) {
      if (a === id || !curves.has(a)) continue;
      const round = (v: number | null) => (v == null ? null : Math.round(v * 1e4) / 1e4);
      bd[a] = { psnr: round(compare(curves.get(a)!, curves.get(id)!, 'psnr').rate), 'ms-ssim': round(compare(curves.get(a)!, curves.get(id)!, 'ms-ssim').rate) };
    }
    codecs[id] = { name: r.name, description: r.description, stamp: r.benchmark, bd_rate: bd, results: r.results };
  }
  return { photos, fingerprint, anchors: Object.fromEntries(ANCHORS.filter((a) => results.has(a)).map((a) => [a, results.get(a)!.description])), codecs };
}

/** The learned codecs whose package is in `models` (a folder like public/models), in the registry's order. */
export function learnedCodecsIn(models: string): string[] {
  return LEARNED.filter((c) => existsSync(join(models, c, 'manifest.json')));
}

export async function runBenchmark(a: Args, log: (s: string) => void): Promise<string> {
  const set = PHOTO_SETS[a.set];
  const { files, fingerprint } = await preparePhotos(a.photos, log, set);
  // A candidate --models folder (anything but public/models) gets its own results, table and summary under
  // bench/results/candidates/ (git-ignored), so the shipped benchmark is never overwritten by it; the classical
  // anchors' results are shared.
  const candidate = resolve(a.models) !== resolve(ROOT, 'public/models');
  const learnedDir = candidate ? join(set.results, 'candidates') : set.results;
  mkdirSync(learnedDir, { recursive: true });
  const learned = learnedCodecsIn(a.models);
  const wanted = a.only ?? [...learned, ...CLASSICAL_IDS];
  const results = new Map<string, BenchJson>();
  for (const id of [...learned, ...CLASSICAL_IDS]) {
    const isLearned = LEARNED.includes(id);
    const file = join(isLearned ? learnedDir : set.results, `${id}.json`);
    const model = isLearned ? await modelInfo(join(a.models, id)) : undefined;
    const points = model ? (a.points ?? model.anchors) : CLASSICAL_POINTS;
    const options = ANCHOR_OPTIONS[id] ?? {};
    const codecStamp = model ? model.hash : `${id}: app defaults${Object.entries(options).map(([k, v]) => `, ${k} ${v}`).join('')}`;
    const stamp: Stamp = { photos: fingerprint, points, codec: codecStamp };
    const old = readResult(file);
    const fresh = old?.benchmark && JSON.stringify(old.benchmark) === JSON.stringify(stamp);
    if (wanted.includes(id) && (a.force || !fresh)) {
      log(`${id}: ${files.length} photos × ${points} points …`);
      const t0 = performance.now();
      const out = await runEval(
        { images: files, points, models: a.models, threads: a.threads, options, ...(isLearned ? { codec: id } : { classical: id }) },
        () => {},
      );
      const r: BenchJson = { ...out, images: out.images.map((im) => ({ ...im, file: basename(im.file) })), benchmark: stamp };
      writeFileSync(file, JSON.stringify(r, null, 1) + '\n');
      log(`${id}: done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      results.set(id, r);
    } else if (old) {
      if (!fresh) log(`${id}: ${basename(file)} is from other photos or weights; not in the table (run without --only, or with --force)`);
      else results.set(id, old);
    }
  }
  const describe =
    `RD Lab benchmark: ${files.length} photos (${set.about}), each scaled ` +
    `with Lanczos-3 to cover 768×512 (portraits 512×768) and centre-cropped: whole scenes at the standard test-set scale. ` +
    `Real file sizes, every file decoded again; PSNR and MS-SSIM on RGB, averaged per rate point over the photos. ` +
    `Learned codecs: onnxruntime-web's wasm backend in Node, t at ${a.points ? `${a.points} points 0 … 1` : "each model's rate anchors (t = i / (anchors − 1))"}. Classical: the app's encoders ` +
    `(@jsquash wasm), each at its strongest for RGB PSNR among the app's options as measured on these photos ` +
    `(${classicalSettings()}), quality swept at ${CLASSICAL_POINTS} points. ` +
    `Made by \`npm run benchmark\`; per-image points in bench/results/.`;
  const md = markdownTable(results, describe);
  const title = `# Benchmark${a.set === 'standard' ? '' : ` (${a.set} set)`}${candidate ? ` of the candidate packages in ${a.models}` : ''}`;
  writeFileSync(candidate ? join(learnedDir, 'benchmark.md') : set.table, `${title}\n\n${md}`);
  writeFileSync(join(learnedDir, 'summary.json'), JSON.stringify(summary(results, files.length, fingerprint), null, 1) + '\n');
  return md;
}

/** The classical anchors' settings that matter for speed and size, in words. */
function classicalSettings(): string {
  const o = (c: Codec) => resolveOptions(c, typedOptions(c, ANCHOR_OPTIONS[c.id] ?? {}));
  const j = o(jpeg), w = o(webp), a = o(avif), x = o(jxl); // prettier-ignore
  return (
    `MozJPEG ${j.progressive ? 'progressive' : 'baseline'}, chroma ${j.chroma}; WebP method ${w.method}${w.sharpYuv ? ', sharp YUV' : ''}; ` +
    `AVIF speed ${a.speed}, ${String(a.subsample).replace(/(\d)(\d)(\d)/, '$1:$2:$3')}, tune ${a.tune}; JPEG XL effort ${x.effort}`
  );
}

/** The package's model hash (its weights and the shared transforms it uses; docs/model-package.md), hex. */
async function modelInfo(dir: string): Promise<{ hash: string; anchors: number }> {
  const { pkg } = await loadPackageDir(dir);
  return { hash: Array.from(pkg.hash, (b) => b.toString(16).padStart(2, '0')).join(''), anchors: pkg.manifest.rate.anchors };
}

async function main() {
  try {
    const args = parseBenchArgs(process.argv.slice(2));
    const log = (s: string) => process.stderr.write(s + '\n');
    if (args.prepare) {
      const set = PHOTO_SETS[args.set];
      const { files } = await preparePhotos(args.photos, log, set);
      log(`${files.length} benchmark photos in ${set.photos}`);
    } else process.stdout.write(await runBenchmark(args, log));
  } catch (e) {
    process.stderr.write(`benchmark: ${(e as Error)?.message ?? e}\n`);
    process.exit(e instanceof CliError && e.kind === 'usage' ? 2 : 1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) void main();
