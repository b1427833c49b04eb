// `npx tsx bench/learned-node.ts [--models mean-scale,checkerboard] [--models-dir DIR] [--runs 5] [--t 0.5] [--threads 1]`
// The learned codecs side by side in Node, onnxruntime-web's wasm EP (the app's onnx-wasm backend): each model
// encodes the 768×512 sample (dandelions.jpg) once, then its file is decoded `runs` times, the models interleaved
// run by run so a changing machine load hits them alike; prints JSON with the medians (and minima) of decode (and
// encode) wall time, the decode stages (medians), and each model's decode time over the first model's (issue 17's
// target: checkerboard ≤ 1.3× mean-scale on onnx-wasm). `--models-dir`: a folder
// of candidate packages (export.py --models-dir), looked up before public/models. Session creation is outside the
// timed runs (a warm-up encode + decode first), as in the app's workers.
import { existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadNodeModel, readImageFile } from '../src/cli/node-io';
import { decodeFile, encodeImage } from '../src/codecs/learned/pipeline';
import { psnrRgb } from '../src/metrics/psnr';

const argv = process.argv.slice(2);
const arg = (k: string) => {
  const i = argv.indexOf(`--${k}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const root = join(fileURLToPath(import.meta.url), '../..');
const names = (arg('models') ?? 'mean-scale,checkerboard').split(',');
const dirs = [arg('models-dir'), join(root, 'public/models')].filter((d): d is string => !!d);
const runs = Math.max(1, Number(arg('runs') ?? 5));
const rate = Number(arg('t') ?? 0.5);
const threads = Number(arg('threads') ?? 1);

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r1 = (v: number) => Math.round(v * 10) / 10;

async function main() {
  const image = await readImageFile(join(root, 'public/samples/dandelions.jpg'));
  const loadBefore = loadavg()[0];
  const models = [];
  for (const name of names) {
    const dir = dirs.map((d) => join(d, name)).find((d) => existsSync(join(d, 'manifest.json')));
    if (!dir) {
      console.error(`${name}: no package in ${dirs.join(' or ')}, skipped`);
      continue;
    }
    const { pkg, backend } = await loadNodeModel(dir, threads);
    const enc = await encodeImage(pkg, backend, image, rate);
    const dec = await decodeFile(pkg, backend, enc.bytes); // warm-up: sessions created
    models.push({ name, dir, pkg, backend, bytes: enc.bytes, psnr: psnrRgb(image, dec.image), enc: [] as number[], dec: [] as number[], stages: [] as Record<string, number>[] });
  }
  for (let i = 0; i < runs; i++) {
    for (const m of models) {
      const t0 = performance.now();
      await encodeImage(m.pkg, m.backend, image, rate);
      const t1 = performance.now();
      const d = await decodeFile(m.pkg, m.backend, m.bytes);
      const t2 = performance.now();
      m.enc.push(t1 - t0);
      m.dec.push(t2 - t1);
      m.stages.push(d.stageMs);
      console.error(`${m.name} run ${i + 1}: encode ${r1(t1 - t0)} ms, decode ${r1(t2 - t1)} ms`);
    }
  }
  const first = models[0];
  const out = {
    benchmark: 'learned codecs side by side, onnxruntime-web wasm EP in Node',
    image: { file: 'dandelions.jpg', width: image.width, height: image.height },
    rate,
    runs,
    threads,
    node: process.version,
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), loadAverage1mBefore: r1(loadBefore), loadAverage1mAfter: r1(loadavg()[0]) },
    date: new Date().toISOString().slice(0, 10),
    models: Object.fromEntries(
      models.map((m) => [
        m.name,
        {
          package: m.dir,
          bytes: m.bytes.length,
          bpp: Math.round(((8 * m.bytes.length) / (image.width * image.height)) * 1e4) / 1e4,
          psnr: Math.round(m.psnr * 100) / 100,
          encodeMedianMs: r1(median(m.enc)),
          decodeMedianMs: r1(median(m.dec)),
          decodeMinMs: r1(Math.min(...m.dec)),
          decodeRunsMs: m.dec.map(r1),
          decodeStagesMedianMs: Object.fromEntries(Object.keys(m.stages[0]).map((k) => [k, r1(median(m.stages.map((s) => s[k] ?? 0)))])),
          [`decode / ${first.name}`]: Math.round((median(m.dec) / median(first.dec)) * 1000) / 1000,
          [`decode / ${first.name}, fastest runs`]: Math.round((Math.min(...m.dec) / Math.min(...first.dec)) * 1000) / 1000,
          [`encode / ${first.name}`]: Math.round((median(m.enc) / median(first.enc)) * 1000) / 1000,
        },
      ]),
    ),
  };
  console.log(JSON.stringify(out, null, 2));
  for (const m of models) m.backend.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
