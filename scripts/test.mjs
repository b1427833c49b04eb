// `npm test`: every test layer, in order of cost.
//  1. typecheck (tsc)
//  2. unit tests in Node (vitest project "unit"), and the training pipeline's Python tests (tools/train/tests) where
//     Debian's python3 has torch, numpy and Pillow (skipped with a message where not)
//  3. GPU/browser tests in headless Chromium with WebGPU (vitest project "gpu")
//  4. end-to-end tests of the built app (Playwright)
// Chromium is found (or installed as root via apt-get) by scripts/chromium.mjs.
import { spawnSync } from 'node:child_process';
import { findChromium } from './chromium.mjs';

const only = process.argv.slice(2);
const PYTHON = '/usr/bin/python3';
/** The Python tests need Debian's torch, numpy and Pillow (tools/train/README.md); CI machines may lack them. */
function pythonReady() {
  return spawnSync(PYTHON, ['-c', 'import torch, numpy, PIL'], { stdio: 'ignore' }).status === 0;
}
const steps = [
  ['typecheck', 'npx', ['tsc', '--noEmit']],
  ['unit', 'npx', ['vitest', 'run', '--project', 'unit']],
  ['python', PYTHON, ['-m', 'unittest', 'discover', '-s', 'tools/train/tests']],
  ['gpu', 'npx', ['vitest', 'run', '--project', 'gpu']],
  ['e2e', 'npx', ['playwright', 'test']],
].filter(([name]) => only.length === 0 || only.includes(name));

if (steps.some(([n]) => n === 'gpu' || n === 'e2e')) {
  try {
    process.env.CHROMIUM_PATH = findChromium();
  } catch (e) {
    console.error(String(e.message ?? e));
    process.exit(1);
  }
  console.log(`[test] Chromium: ${process.env.CHROMIUM_PATH}`);
}

const t0 = Date.now();
for (const [name, cmd, args] of steps) {
  const t = Date.now();
  if (name === 'python' && !pythonReady()) {
    console.log(`\n[test] ── python ── skipped: ${PYTHON} lacks torch/numpy/Pillow (apt-get install python3-torch python3-numpy python3-pil)`);
    continue;
  }
  console.log(`\n[test] ── ${name} ──`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  console.log(`[test] ${name}: ${r.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  if (r.status !== 0) process.exit(r.status ?? 1);
}
console.log(`\n[test] all passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
