// `npm run bench:sweep [-- --sample dandelions | --file photo.jpg] [-- --codecs jpeg,webp,avif,jxl] [-- --workers 1,0] [-- --no-build]`
// Times the playground's RD sweep end to end, as a visitor gets it: `vite build` + `vite preview`, headless
// Chromium (same flags as the tests), open a sample (or --file, through the file picker) with every listed codec selected, wait until the sweep has
// finished (10 settings per codec, encode + decode + PSNR + MS-SSIM each, in codec workers), read the app's own
// timer. Runs once per worker count (0 = the app's default, min(4, cores)) in fresh pages, so they compare
// side by side. Prints JSON. A benchmark, not a test: nothing is asserted.
import os from 'node:os';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { build, preview } from 'vite';
import { arg, flag, launchChromium, machineInfo, root, viteConfig } from './run-page.mjs';

const sample = arg('sample', 'dandelions');
const file = arg('file', null);
const codecs = arg('codecs', 'jpeg,webp,avif,jxl');
const workerCounts = arg('workers', '1,0').split(',').map(Number);
const outDir = path.join(os.tmpdir(), 'rdlab-bench-dist');

if (!flag('no-build')) {
  await build({ root, configFile: viteConfig, logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
}
const server = await preview({ root, configFile: viteConfig, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 4199, strictPort: false } });
const base = server.resolvedUrls?.local?.[0] ?? 'http://127.0.0.1:4199/';
const browser = await launchChromium();

async function run(workers) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
  const page = await context.newPage();
  if (workers > 0) {
    // The app sizes its sweep pool from navigator.hardwareConcurrency.
    await page.addInitScript((n) => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => n, configurable: true }), workers);
  }
  if (file) {
    await page.goto(`${base}?codecs=${codecs}&left=original&right=original`);
    await page.getByTestId('drop-zone').locator('input[type=file]').setInputFiles(path.resolve(file));
    await page.getByTestId('compare-view').waitFor({ timeout: 5 * 60_000 });
  } else await page.goto(`${base}?sample=${sample}&codecs=${codecs}&left=original&right=original`);
  await page.waitForFunction(
    () => {
      const s = document.querySelector('[data-testid=sweep-status]');
      return s && s.getAttribute('data-running') === 'false' && s.getAttribute('data-elapsed-ms') !== '';
    },
    null,
    { timeout: 30 * 60_000, polling: 500 },
  );
  const status = await page.getByTestId('sweep-status').evaluate((s) => ({
    elapsedMs: Number(s.getAttribute('data-elapsed-ms')),
    encodes: Number(s.getAttribute('data-total')),
    text: s.textContent,
  }));
  const adapter = await page.getByTestId('status-backend').textContent();
  const size = await page.locator('.tagline').textContent();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const csv = (await readFile(await download.path(), 'utf8')).trim().split('\n');
  const head = csv[0].split(',');
  const col = (n) => head.indexOf(n);
  const perCodec = {};
  for (const line of csv.slice(1)) {
    const c = line.split(',');
    const id = c[col('codec')];
    const p = (perCodec[id] ??= { points: 0, encodeMsTotal: 0, decodeMsTotal: 0, bppRange: [Infinity, 0] });
    p.points++;
    p.encodeMsTotal += Number(c[col('encode_ms')]);
    p.decodeMsTotal += Number(c[col('decode_ms')]);
    p.bppRange = [Math.min(p.bppRange[0], Number(c[col('bpp')])), Math.max(p.bppRange[1], Number(c[col('bpp')]))];
  }
  for (const p of Object.values(perCodec)) {
    p.meanEncodeMs = Math.round(p.encodeMsTotal / p.points);
    p.meanDecodeMs = Math.round(p.decodeMsTotal / p.points);
    p.encodeMsTotal = Math.round(p.encodeMsTotal);
    p.decodeMsTotal = Math.round(p.decodeMsTotal);
    p.bppRange = p.bppRange.map((v) => Number(v.toFixed(3)));
  }
  const actualWorkers = Number((status.text.match(/on (\d+) worker/) ?? [])[1]);
  await context.close();
  return { workers: actualWorkers, elapsedMs: Math.round(status.elapsedMs), encodes: status.encodes, perCodec, adapter, image: size?.trim() };
}

let code = 0;
try {
  const runs = [];
  for (const w of workerCounts) runs.push(await run(w));
  const one = runs.find((r) => r.workers === 1);
  const out = {
    bench: 'sweep',
    date: new Date().toISOString(),
    sample: file ? null : sample,
    file: file ? path.basename(file) : undefined,
    image: runs[0]?.image,
    codecs: codecs.split(','),
    settingsPerCodec: 'each codec\'s quality.sweep: 10 for the classical codecs, 8 for the learned ones',
    whatIsTimed: 'from opening the image to the last RD point: encode + decode + PSNR + MS-SSIM for every setting, codec wasm loading included (fresh page each run)',
    runs: runs.map(({ image, adapter, ...r }) => r),
    speedupVs1Worker: one ? Object.fromEntries(runs.filter((r) => r !== one).map((r) => [`${r.workers} workers`, Number((one.elapsedMs / r.elapsedMs).toFixed(2))])) : undefined,
    machine: { ...machineInfo(browser), webgpuAdapter: runs[0]?.adapter },
  };
  console.log(JSON.stringify(out, null, 2));
} catch (e) {
  console.error(e);
  code = 1;
} finally {
  await browser.close();
  await new Promise((r) => server.httpServer.close(r));
}
process.exit(code);
