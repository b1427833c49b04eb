// The shared runner of the browser benchmarks (bench:kernels, bench:learned, bench:sweep): headless Chromium
// with the tests' flags (scripts/chromium.mjs), the machine description every figure carries, command-line
// arguments, and `runBenchPage`, which serves a bench/*.html page with Vite (COOP/COEP on, so onnxruntime's wasm
// EP can use threads), waits for the page's `window.__benchResult` (or `__benchError`) and prints it as JSON.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';

/** The repository root. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const viteConfig = path.join(root, 'vite.config.ts');

/** The command line after `node bench/x.mjs`. */
export const args = process.argv.slice(2);
/** `--name value` → 'value' (or `dflt` when absent). */
export function arg(name, dflt) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
}
export const flag = (name) => args.includes(`--${name}`);

export function launchChromium() {
  return chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true });
}

/** What every figure names: CPU, cores, load (the figures are CPU-bound on SwiftShader), memory, OS, Node, Chromium. */
export function machineInfo(browser) {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    logicalCores: cpus.length,
    loadAverage1m: Number(os.loadavg()[0].toFixed(2)),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    chromium: browser.version(),
    chromiumFlags: CHROMIUM_ARGS.join(' '),
  };
}

/**
 * Serves `html` (e.g. 'bench/kernels.html') from the Vite dev server, opens `html?query` in headless Chromium,
 * waits (up to an hour) for the page's result and prints `{ bench, date, machine, totalSeconds, ...result }`.
 * Exits the process: 0 after printing, 1 when the page reported `__benchError` or anything failed.
 * `pageLog`: forward the page's console to stderr.
 */
export async function runBenchPage({ bench, html, query, port, pageLog = false }) {
  const server = await createServer({
    root,
    configFile: viteConfig,
    logLevel: 'warn',
    clearScreen: false,
    server: {
      host: '127.0.0.1',
      port,
      strictPort: false,
      headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    },
  });
  await server.listen();
  const base = server.resolvedUrls?.local?.[0] ?? `http://127.0.0.1:${port}/`;
  const browser = await launchChromium();
  let code = 0;
  try {
    const page = await browser.newPage();
    if (pageLog) page.on('console', (m) => process.stderr.write(`[page] ${m.text()}\n`));
    const t0 = Date.now();
    await page.goto(`${base}${html}?${query}`);
    await page.waitForFunction(() => window.__benchResult !== undefined || window.__benchError !== undefined, null, { timeout: 60 * 60_000, polling: 1000 });
    const err = await page.evaluate(() => window.__benchError);
    if (err) throw new Error(err);
    const result = await page.evaluate(() => window.__benchResult);
    const out = { bench, date: new Date().toISOString(), machine: machineInfo(browser), totalSeconds: Math.round((Date.now() - t0) / 1000), ...result };
    console.log(JSON.stringify(out, null, 2));
  } catch (e) {
    console.error(`bench:${bench} failed: ${e?.stack ?? e}`);
    code = 1;
  } finally {
    await browser.close();
    await server.close();
  }
  process.exit(code);
}
