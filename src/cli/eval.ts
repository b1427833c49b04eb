// Batch evaluation of RD Lab's learned codecs in Node (onnxruntime-web's wasm EP + the exact CPU/ONNX integer
// path), writing CompressAI-format JSON averaged per rate point. Every file is decoded again and must give the
// encoder's symbols back. Usage (see docs/learned-codecs.md):
//
//   npm run eval -- --codec mean-scale --images public/samples [--points N] [--out results.json]
// --points: learned codecs default to one point per rate anchor of the model (t = i / (anchors − 1), 8 for a model
// trained at CompressAI's q1 … q8 λs, 9 after widen.py --levels 9), classical codecs to 8 qualities.
//   npm run eval -- --classical webp --images a.png b.jpg --out webp.json
//   npm run eval -- --classical avif --option subsample=444 --images photos/ --out avif.json
//
// Classical codecs: jpeg (MozJPEG), webp, avif, jxl, with the app's defaults for every option but quality;
// --option KEY=VALUE (repeatable) sets another of the app's options (src/codecs/<id>/index.ts), e.g. avif speed.
// Hyper-prior codecs: --refine-steps N refines the latents for N steps before coding (encode-time refinement,
// src/codecs/learned/refine; 0 = today's encoder), with --refine-lr, --refine-z-lr, --refine-tau-max,
// --refine-tau-min, --refine-hold to change its schedule (docs/learned-codecs.md "Encode-time refinement").
// Options: --models DIR (default public/models), --threads N (onnxruntime intra-op threads, default 1),
// --name TEXT (curve name). Progress goes to stderr; without --out the JSON goes to stdout.
import { messageOf } from '../errors';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { decodeFile, encodeImage } from '../codecs/learned/pipeline';
import { OrtRefineEngine } from '../codecs/learned/refine/onnx-vjp';
import { DEFAULT_SCHEDULE, type RefineSchedule } from '../codecs/learned/refine/refine';
import { LEARNED_CODECS } from '../codecs/registry';
import type { RgbaImage } from '../codecs/types';
import { msssimRgb } from '../metrics/msssim';
import { psnrRgb } from '../metrics/psnr';
import { classicalCodec } from './classical';
import { argWalker, CliError, loadNodeModel, nodeOrt, readImageFile } from './node-io';

export interface EvalArgs {
  codec?: string;
  classical?: string;
  images: string[];
  /** Rate points; undefined: a learned model's rate anchors, 8 for a classical codec. */
  points?: number;
  out?: string;
  models: string;
  threads: number;
  name?: string;
  /** Classical codecs: the app's options other than quality (--option KEY=VALUE). */
  options: Record<string, string>;
  /** Learned hyper-prior codecs: encode-time refinement steps (0 = today's encoder) and its schedule. */
  refineSteps?: number;
  refine?: Partial<RefineSchedule>;
}

export function parseArgs(argv: readonly string[]): EvalArgs {
  const a: EvalArgs = { images: [], models: 'public/models', threads: 1, options: {}, refineSteps: 0, refine: {} };
  const args = argWalker(argv);
  const value = () => args.value();
  for (let k = args.next(); k !== undefined; k = args.next()) {
    switch (k) {
      case '--codec':
        a.codec = value();
        break;
      case '--classical':
        a.classical = value();
        break;
      case '--images':
        a.images.push(...args.rest());
        break;
      case '--points':
        a.points = Number(value());
        break;
      case '--out':
        a.out = value();
        break;
      case '--models':
        a.models = value();
        break;
      case '--threads':
        a.threads = Number(value());
        break;
      case '--name':
        a.name = value();
        break;
      case '--refine-steps':
        a.refineSteps = Number(value());
        break;
      case '--refine-lr':
      case '--refine-tau-max':
      case '--refine-tau-min':
      case '--refine-hold':
      case '--refine-z-lr': {
        const key = ({ '--refine-lr': 'lr', '--refine-tau-max': 'tauMax', '--refine-tau-min': 'tauMin', '--refine-hold': 'hold', '--refine-z-lr': 'zLr' } as const)[k];
        const v = Number(value());
        if (!(v >= 0 && Number.isFinite(v))) throw new CliError('usage', `${k} must be a number ≥ 0.`);
        a.refine = { ...a.refine, [key]: v };
        break;
      }
      case '--option': {
        const m = /^([A-Za-z]\w*)=(.*)$/.exec(value());
        if (!m) throw new CliError('usage', '--option needs KEY=VALUE.');
        a.options[m[1]] = m[2];
        break;
      }
      default:
        throw new CliError('usage', `unknown argument ${JSON.stringify(k)}.`);
    }
  }
  if (!a.codec === !a.classical) throw new CliError('usage', 'give exactly one of --codec <factorized|hyperprior|mean-scale> and --classical <jpeg|webp|avif|jxl>.');
  if (a.images.length === 0) throw new CliError('usage', '--images needs at least one file or folder.');
  if (a.points !== undefined && !validPoints(a.points)) throw new CliError('usage', `--points must be an integer in 2 … 101, got ${a.points}.`);
  if (!Number.isInteger(a.threads) || a.threads < 1 || a.threads > 64) throw new CliError('usage', `--threads must be an integer in 1 … 64.`);
  if (!Number.isInteger(a.refineSteps) || a.refineSteps! < 0 || a.refineSteps! > 100_000) throw new CliError('usage', `--refine-steps must be an integer in 0 … 100000.`);
  if ((a.refineSteps! > 0 || Object.keys(a.refine ?? {}).length) && !a.codec) throw new CliError('usage', '--refine-steps is for the learned codecs (--codec).');
  return a;
}

/** Files and folders (their PNG/JPEG files, sorted) → file list. */
export function expandImages(list: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of list) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new CliError('input', `${p} does not exist.`);
    }
    if (st.isDirectory()) {
      const files = readdirSync(p)
        .filter((f) => /\.(png|jpe?g)$/i.test(f))
        .sort()
        .map((f) => join(p, f));
      if (files.length === 0) throw new CliError('input', `${p} holds no .png/.jpg files.`);
      out.push(...files);
    } else out.push(p);
  }
  return out;
}

export const validPoints = (n: number) => Number.isInteger(n) && n >= 2 && n <= 101;

/** N evenly spaced rate points in [0, 1], on the app's 0.01 grid. */
export function ratePoints(n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.round((100 * i) / (n - 1)) / 100);
}

export interface PointResult {
  setting: number;
  bytes: number;
  bpp: number;
  psnr: number;
  msssim: number;
  encodeMs: number;
  decodeMs: number;
}

export interface EvalOutput {
  name: string;
  description: string;
  results: { bpp: number[]; 'psnr-rgb': number[]; 'ms-ssim-rgb': number[]; encoding_time: number[]; decoding_time: number[] };
  settings: { key: string; values: number[] };
  images: { file: string; width: number; height: number; points: PointResult[] }[];
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

export async function runEval(a: EvalArgs, log: (s: string) => void = () => {}): Promise<EvalOutput> {
  const files = expandImages(a.images);
  let codecName: string;
  let settingKey: string;
  let settings: number[];
  let encodeDecode: (im: RgbaImage, s: number) => Promise<{ bytes: number; decoded: RgbaImage; encodeMs: number; decodeMs: number }>;
  let description: string;
  if (a.codec) {
    const learned = LEARNED_CODECS.map((c) => c.id); // also those whose model is not shipped yet (--models DIR)
    if (!learned.includes(a.codec)) throw new CliError('usage', `unknown learned codec ${JSON.stringify(a.codec)} (${learned.join(', ')}).`);
    const { pkg, backend } = await loadNodeModel(resolve(a.models, a.codec), a.threads);
    codecName = `RD Lab ${a.codec}`;
    settingKey = 't';
    settings = ratePoints(a.points ?? pkg.manifest.rate.anchors); // by default the model's anchors: t = i / (anchors − 1)
    const hash = Array.from(pkg.hash.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join('');
    let refine: Parameters<typeof encodeImage>[4] = {};
    let refineNote = '';
    if (a.refineSteps && a.refineSteps > 0) {
      if (!pkg.manifest.entropy.z) throw new CliError('usage', `--refine-steps needs a hyper-prior codec (hyperprior, mean-scale, checkerboard); ${a.codec} has none.`);
      const engine = new OrtRefineEngine(await nodeOrt(a.threads), pkg);
      const sched = { ...DEFAULT_SCHEDULE, ...a.refine };
      refine = { refine: { steps: a.refineSteps, engine, ...sched } };
      refineNote = ` Encode-time refinement: ${a.refineSteps} SGA steps (Adam lr ${sched.lr}, τ ${sched.tauMax} → ${sched.tauMin} after ${sched.hold * 100} %), ${engine.label}.`;
      codecName += ` refined ${a.refineSteps}`;
    }
    description = `${pkg.manifest.paper} Weights ${hash}…, ${backend.label} in Node, real file sizes (RDLB container), ${files.length} image(s).${refineNote}`;
    encodeDecode = async (im, t) => {
      const t0 = performance.now();
      const enc = await encodeImage(pkg, backend, im, t, refine);
      if (enc.refine) log(`  refinement at t = ${t}: loss ${enc.refine.initialLoss.toFixed(4)} → ${enc.refine.refinedLoss.toFixed(4)} (${enc.refine.kept} kept), ${enc.refine.msPerStep.toFixed(0)} ms/step`);
      const t1 = performance.now();
      const dec = await decodeFile(pkg, backend, enc.bytes);
      const t2 = performance.now();
      const same = dec.ySymbols.every((v, i) => v === enc.y.symbols[i]) && (!enc.z || dec.zSymbols!.every((v, i) => v === enc.z!.symbols[i]));
      if (!same) throw new CliError('codec', `round trip failed at t = ${t}: decoded symbols differ from the encoder's.`);
      return { bytes: enc.bytes.length, decoded: dec.image, encodeMs: t1 - t0, decodeMs: t2 - t1 };
    };
  } else {
    const c = await classicalCodec(a.classical!, a.options).catch((e: Error) => {
      throw new CliError('usage', e.message);
    });
    codecName = c.name;
    settingKey = 'quality';
    settings = c.sweep(a.points ?? 8);
    const opts = Object.entries(c.options).filter(([k]) => k !== 'quality').map(([k, v]) => `${k} ${v}`).join(', ');
    description = `${c.name} via @jsquash (wasm) in Node, the app's encoder with ${opts}; quality swept; ${files.length} image(s).`;
    encodeDecode = async (im, q) => {
      const t0 = performance.now();
      const bytes = await c.encode(im, q);
      const t1 = performance.now();
      const decoded = await c.decode(bytes);
      return { bytes: bytes.length, decoded, encodeMs: t1 - t0, decodeMs: performance.now() - t1 };
    };
  }

  const images: EvalOutput['images'] = [];
  for (const f of files) {
    const im = await readImageFile(f);
    const points: PointResult[] = [];
    for (const s of settings) {
      const r = await encodeDecode(im, s);
      if (r.decoded.width !== im.width || r.decoded.height !== im.height) throw new CliError('codec', `${f}: decoded ${r.decoded.width}×${r.decoded.height}.`);
      const p: PointResult = {
        setting: s,
        bytes: r.bytes,
        bpp: (8 * r.bytes) / (im.width * im.height),
        psnr: psnrRgb(im, r.decoded),
        msssim: msssimRgb(im, r.decoded).value,
        encodeMs: r.encodeMs,
        decodeMs: r.decodeMs,
      };
      points.push(p);
      log(`${basename(f)} ${settingKey}=${s}: ${p.bytes} B, ${p.bpp.toFixed(4)} bpp, PSNR ${p.psnr.toFixed(2)} dB, MS-SSIM ${p.msssim.toFixed(4)}`);
    }
    images.push({ file: f, width: im.width, height: im.height, points });
  }
  const col = (k: keyof PointResult) => settings.map((_, i) => mean(images.map((im) => im.points[i][k])));
  return {
    name: a.name ?? codecName,
    description,
    results: {
      bpp: col('bpp'),
      'psnr-rgb': col('psnr'),
      'ms-ssim-rgb': col('msssim'),
      encoding_time: col('encodeMs').map((v) => v / 1000),
      decoding_time: col('decodeMs').map((v) => v / 1000),
    },
    settings: { key: settingKey, values: settings },
    images,
  };
}

async function main() {
  try {
    const args = parseArgs(process.argv.slice(2));
    const out = await runEval(args, (s) => process.stderr.write(s + '\n'));
    const json = JSON.stringify(out, null, 2);
    if (args.out) {
      writeFileSync(args.out, json + '\n');
      process.stderr.write(`wrote ${args.out}\n`);
    } else process.stdout.write(json + '\n');
  } catch (e) {
    process.stderr.write(`eval: ${messageOf(e)}\n`);
    process.exit(e instanceof CliError && e.kind === 'usage' ? 2 : 1);
  }
}

// Run when executed (tsx src/cli/eval.ts), not when imported by the tests.
if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) void main();
