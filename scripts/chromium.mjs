// Finds a Chromium for the browser tests (vitest browser mode + Playwright), without downloading one.
// Order: $CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser, /usr/bin/google-chrome(-stable).
// Where none exists and we run as root on a machine with apt-get, installs Debian's `chromium` package.
// Otherwise exits with a message naming what to install.
//
//   node scripts/chromium.mjs           print the path (installing if needed and allowed)
//   node scripts/chromium.mjs --check   same, quiet on success
import { existsSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CANDIDATES = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
].filter(Boolean);

/** Flags every headless run needs: WebGPU on (SwiftShader where no GPU), no background network traffic. */
export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

function firstExisting() {
  return CANDIDATES.find((p) => existsSync(p));
}

export function findChromium({ install = true, quiet = false } = {}) {
  let found = firstExisting();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (install && isRoot && hasApt) {
    if (!quiet) console.error('[chromium] none found; installing Debian package "chromium" with apt-get …');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-q', 'chromium'], { stdio: 'inherit', env });
    found = firstExisting();
    if (found) return found;
  }
  const msg =
    'No Chromium found for the browser tests. Install one, e.g. on Debian/Ubuntu: ' +
    '`sudo apt-get install -y chromium`, or set CHROMIUM_PATH to a Chromium/Chrome binary ' +
    `(looked at: ${CANDIDATES.join(', ')}).`;
  throw new Error(msg);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const p = findChromium({ quiet: process.argv.includes('--check') });
    if (!process.argv.includes('--check')) console.log(p);
  } catch (e) {
    console.error(String(e.message ?? e));
    process.exit(1);
  }
}
