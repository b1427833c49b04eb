// `npm run bench:learned-large [-- --tiles 512,1024] [-- --model mean-scale] [-- --size 4000x3000] [-- --threads 1] [-- --t 0.5]`
// Peak memory and time of a learned codec on a phone-size photo (default 4000×3000 = 12 MP) with onnxruntime's
// wasm EP in Node — the same onnxruntime-web wasm build the app's workers run — once per tile size, each in a
// fresh process (peak RSS only grows). The photo is the dandelions sample scaled up to cover the size with the
// app's Lanczos-3 resize (src/image/resize.ts), so the codec sees photo-like content. Prints JSON: per tile
// size the encode and decode wall times (encode includes the tiled analysis, hyper-prior and entropy coding;
// decode the tiled synthesis), the file size, PSNR, and the process' peak RSS (`process.resourceUsage().maxRSS`)
// and the RSS before the codec ran (image and model loaded), with the machine and its load average.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadNodeModel, readImageFile } from '../src/cli/node-io';
import { decodeFile, encodeImage } from '../src/codecs/learned/pipeline';
import { coverCrop } from '../src/image/resize';
import { psnrRgb } from '../src/metrics/psnr';

const argv = process.argv.slice(2);
const arg = (k: string) => {
  const i = argv.indexOf(`--${k}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const root = join(fileURLToPath(import.meta.url), '../..');
const model = arg('model') ?? 'mean-scale';
const [width, height] = (arg('size') ?? '4000x3000').split('x').map(Number);
const threads = Number(arg('threads') ?? 1);
const rate = Number(arg('t') ?? 0.5);
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

async function child(tile: number) {
  const image = coverCrop(await readImageFile(join(root, 'public/samples/dandelions.jpg')), width, height);
  const { pkg, backend } = await loadNodeModel(join(root, 'public/models', model), threads);
  await backend.prepare();
  const before = process.memoryUsage().rss;
  const t0 = performance.now();
  const enc = await encodeImage(pkg, backend, image, rate, { tile });
  const t1 = performance.now();
  const dec = await decodeFile(pkg, backend, enc.bytes, { tile });
  const t2 = performance.now();
  return {
    tile: tile === Infinity ? 'whole' : tile,
    encodeS: Math.round(t1 - t0) / 1000,
    decodeS: Math.round(t2 - t1) / 1000,
    stagesMs: { encode: round(enc.stageMs), decode: round(dec.stageMs) },
    bytes: enc.bytes.length,
    bpp: Math.round(((8 * enc.bytes.length) / (width * height)) * 1e4) / 1e4,
    psnr: Math.round(psnrRgb(image, dec.image) * 100) / 100,
    rssBeforeMiB: mb(before),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

const round = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v)]));

if (arg('child')) {
  const tile = arg('child') === 'whole' ? Infinity : Number(arg('child'));
  child(tile).then(
    (r) => console.log(JSON.stringify(r)),
    (e) => console.log(JSON.stringify({ tile: arg('child'), error: String((e as Error)?.message ?? e) })),
  );
} else {
  const tiles = (arg('tiles') ?? '512').split(',');
  const results = [];
  for (const tile of tiles) {
    const load = loadavg()[0];
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...argv, '--child', tile], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const line = r.stdout.trim().split('\n').at(-1) ?? '';
    let out: Record<string, unknown>;
    try {
      out = JSON.parse(line);
    } catch {
      out = { tile, error: `exit ${r.status} ${r.signal ?? ''}: ${(r.stderr || r.stdout).slice(-500)}` };
    }
    results.push({ ...out, loadAvgBefore: Math.round(load * 100) / 100 });
    console.error(JSON.stringify(results.at(-1)));
  }
  console.log(
    JSON.stringify(
      {
        benchmark: 'learned codec on a large image, onnxruntime-web wasm EP in Node',
        model,
        size: `${width}×${height}`,
        megapixels: Math.round((width * height) / 1e5) / 10,
        rate,
        threads,
        node: process.version,
        machine: { cpu: cpus()[0]?.model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30) },
        date: new Date().toISOString().slice(0, 10),
        results,
      },
      null,
      2,
    ),
  );
}
