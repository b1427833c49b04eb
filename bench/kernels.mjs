// `npm run bench:kernels [-- --small] [-- --runs N] [-- --wgsl-only]`
// Serves bench/kernels.html with Vite (COOP/COEP on, so onnxruntime's wasm EP can use threads), opens it in
// headless Chromium (scripts/chromium.mjs, same flags as the tests) and prints the page's JSON result, adding
// the machine it ran on. A benchmark, not a test: nothing is asserted, the full shapes take minutes on SwiftShader.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const small = args.includes('--small');
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : undefined;
const wgslOnly = args.includes('--wgsl-only');

const server = await createServer({
  root,
  configFile: path.join(root, 'vite.config.ts'),
  logLevel: 'warn',
  clearScreen: false,
  server: {
    host: '127.0.0.1',
    port: 5190,
    strictPort: false,
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
  },
});
await server.listen();
const base = server.resolvedUrls?.local?.[0] ?? 'http://127.0.0.1:5190/';
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true });
let code = 0;
try {
  const page = await browser.newPage();
  if (process.env.BENCH_VERBOSE) page.on('console', (m) => console.error('[page]', m.text()));
  const q = new URLSearchParams();
  if (small) q.set('small', '1');
  if (runs) q.set('runs', String(runs));
  if (wgslOnly) q.set('only', 'wgsl');
  const t0 = Date.now();
  await page.goto(`${base}bench/kernels.html?${q}`);
  await page.waitForFunction(() => window.__benchResult !== undefined || window.__benchError !== undefined, null, { timeout: 60 * 60_000, polling: 1000 });
  const err = await page.evaluate(() => window.__benchError);
  if (err) throw new Error(err);
  const result = await page.evaluate(() => window.__benchResult);
  const cpus = os.cpus();
  const out = {
    bench: 'kernels',
    date: new Date().toISOString(),
    machine: {
      cpu: cpus[0]?.model ?? 'unknown',
      logicalCores: cpus.length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.version,
      chromium: browser.version(),
      chromiumFlags: CHROMIUM_ARGS.join(' '),
    },
    totalSeconds: Math.round((Date.now() - t0) / 1000),
    ...result,
  };
  console.log(JSON.stringify(out, null, 2));
} catch (e) {
  console.error(`bench:kernels failed: ${e?.stack ?? e}`);
  code = 1;
} finally {
  await browser.close();
  await server.close();
}
process.exit(code);
