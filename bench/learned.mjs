// `npm run bench:learned [-- --small] [-- --runs N] [-- --models a,b] [-- --backends wgsl,onnx-wasm]`
// Encode/decode time of the learned codecs on a 768×512 photo per backend (wgsl, onnx-webgpu, onnx-wasm) in
// headless Chromium (scripts/chromium.mjs, same flags as the tests), served by Vite with COOP/COEP. Prints JSON
// with the machine, the adapter and ratios against onnx-wasm. A benchmark, not a test: on SwiftShader (no GPU)
// the WebGPU backends take tens of seconds per image; --small uses a 256×192 crop.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (k) => {
  const i = args.indexOf(k);
  return i >= 0 ? args[i + 1] : undefined;
};
const q = new URLSearchParams();
if (args.includes('--small')) q.set('small', '1');
for (const k of ['runs', 'models', 'backends', 't']) if (arg(`--${k}`)) q.set(k, arg(`--${k}`));

const server = await createServer({
  root,
  configFile: path.join(root, 'vite.config.ts'),
  logLevel: 'warn',
  clearScreen: false,
  server: {
    host: '127.0.0.1',
    port: 5191,
    strictPort: false,
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
  },
});
await server.listen();
const base = server.resolvedUrls?.local?.[0] ?? 'http://127.0.0.1:5191/';
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true });
let code = 0;
try {
  const page = await browser.newPage();
  page.on('console', (m) => process.stderr.write(`[page] ${m.text()}\n`));
  const t0 = Date.now();
  await page.goto(`${base}bench/learned.html?${q}`);
  await page.waitForFunction(() => window.__benchResult !== undefined || window.__benchError !== undefined, null, { timeout: 60 * 60_000, polling: 1000 });
  const err = await page.evaluate(() => window.__benchError);
  if (err) throw new Error(err);
  const result = await page.evaluate(() => window.__benchResult);
  const cpus = os.cpus();
  const out = {
    bench: 'learned',
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
  console.error(`bench:learned failed: ${e?.stack ?? e}`);
  code = 1;
} finally {
  await browser.close();
  await server.close();
}
process.exit(code);
