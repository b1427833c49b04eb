// `node e2e/screenshots.mjs [--no-build]` — regenerates docs/screenshots/*.png from the production build:
// landing page, the workspace after a 4-codec sweep with an equal-bpp comparison, the MS-SSIM view with a
// published curve imported, a 400 % pixel-peep, learned codecs beside JPEG/WebP with the bits map, the Resize step,
// a narrow (phone) window, and the light theme (prefers-color-scheme: light): the landing page and the learned
// codecs' view. The others are taken in the dark theme (Playwright's pages default to light).
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shots = path.join(root, 'docs', 'screenshots');
const outDir = path.join(os.tmpdir(), 'rdlab-screenshots-dist');
if (!process.argv.includes('--no-build')) {
  await build({ root, configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
}
const server = await preview({ root, configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 4198, strictPort: false } });
const base = server.resolvedUrls?.local?.[0] ?? 'http://127.0.0.1:4198/';
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true });
const sweepDone = (page) =>
  page.waitForFunction(() => {
    const s = document.querySelector('[data-testid=sweep-status]');
    return s && s.getAttribute('data-running') === 'false' && s.getAttribute('data-elapsed-ms') !== '';
  }, null, { timeout: 20 * 60_000, polling: 500 });

try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 }, colorScheme: 'dark' });
  await page.goto(base);
  await page.waitForTimeout(800);
  await page.screenshot({ path: path.join(shots, 'landing.png') });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(shots, 'landing-light.png') });
  await page.emulateMedia({ colorScheme: 'dark' });

  await page.goto(`${base}?sample=dandelions&codecs=jpeg,webp,avif,jxl&left=jpeg&right=avif&bpp=0.3`);
  await sweepDone(page);
  await page.getByRole('button', { name: 'Find settings' }).click();
  await page.getByTestId('equal-bpp-table').waitFor({ timeout: 10 * 60_000 });
  await page.getByRole('button', { name: 'Show AVIF on the right' }).click();
  await page.waitForTimeout(1500);
  await page.locator('.rd-panel').evaluate((el) => el.scrollTo(0, 0));
  await page.screenshot({ path: path.join(shots, 'workspace.png') });

  // Pixel-peep: 400 % on the dandelion head.
  const view = page.getByTestId('compare-view');
  const box = await view.boundingBox();
  await page.mouse.move(box.x + box.width * 0.33, box.y + box.height * 0.38);
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -281); // ≈ ×5.4: about 400 %
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(shots, 'zoom.png') });
  await view.focus();
  await page.keyboard.press('0');

  await page.getByRole('radio', { name: 'MS-SSIM (dB)' }).click();
  await page.getByTestId('import-json').setInputFiles({
    name: 'bmshj2018-factorized-kodak.json',
    mimeType: 'application/json',
    buffer: Buffer.from(
      JSON.stringify({
        name: 'bmshj2018-factorized (Kodak, published)',
        description: 'CompressAI results/image/kodak, MSE model',
        results: {
          bpp: [0.1226, 0.1885, 0.2878, 0.4404, 0.6481, 0.967, 1.3512, 1.8333],
          'psnr-rgb': [26.91, 28.22, 29.62, 31.28, 32.96, 35.38, 37.4, 39.62],
          'ms-ssim-rgb': [0.91, 0.936, 0.9555, 0.9704, 0.9806, 0.9879, 0.9922, 0.9951],
        },
      }),
    ),
  });
  await page.waitForTimeout(7000); // let the "Imported" note fade
  await page.locator('.rd-panel').evaluate((el) => el.scrollTo(0, 0));
  await page.screenshot({ path: path.join(shots, 'msssim-imported.png') });

  // Learned codecs beside the classical ones: mean-scale on the right with its bit-allocation map.
  await page.goto(`${base}?sample=dandelions&codecs=jpeg,webp,hyperprior,mean-scale&left=jpeg~quality_30&right=mean-scale`);
  await sweepDone(page);
  await page.locator('.side-panel-right').getByTestId('download-compressed').waitFor({ state: 'visible' });
  await page.waitForFunction(() => !document.querySelector('.side-panel-right [data-testid=download-compressed]')?.hasAttribute('disabled'), null, { timeout: 5 * 60_000 });
  await page.getByTestId('bits-toggle-right').click();
  await page.waitForTimeout(1500);
  await page.locator('.rd-panel').evaluate((el) => el.scrollTo(0, 0));
  await page.screenshot({ path: path.join(shots, 'learned.png') });
  // The same view in the light theme (the page follows the system setting while open).
  await page.emulateMedia({ colorScheme: 'light' });
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(shots, 'light.png') });
  await page.emulateMedia({ colorScheme: 'dark' });

  // The Resize step: a sample at 50 %, the panel open.
  await page.goto(`${base}?sample=rocket&codecs=jpeg,webp&left=original&right=webp&resize=50%25`);
  await sweepDone(page);
  await page.getByTestId('resize-toggle').click();
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(shots, 'resize.png') });

  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
  await phone.goto(`${base}?sample=coffee&codecs=jpeg,webp&right=webp`);
  await sweepDone(phone);
  await phone.waitForTimeout(500);
  await phone.screenshot({ path: path.join(shots, 'narrow.png'), fullPage: true });
  console.log(`screenshots written to ${path.relative(root, shots)}/`);
} finally {
  await browser.close();
  await new Promise((r) => server.httpServer.close(r));
}
