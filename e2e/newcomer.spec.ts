// Issue 19: the playground as a newcomer finds it. One test per bug the walk-through found; each failed before
// its fix (run against the commit before it).
import { expect, test, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { downloadBytes, fileInput, openSample, pointsOf } from './helpers';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The x axis' tick labels as numbers. */
async function xTicks(page: Page): Promise<number[]> {
  const texts = await page.locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value').allTextContents();
  return texts.map((t) => Number(t.trim())).filter(Number.isFinite);
}

/** A valid 8-bit RGB PNG of w × h (one colour). */
function png(w: number, h: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 255] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = Buffer.alloc(h * (1 + 3 * w));
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set([200, 120, 40], y * (1 + 3 * w) + 1 + 3 * x);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Whether el's box lies inside the box of `within` (1 px of slack). */
async function inside(el: Locator, within: Locator): Promise<boolean> {
  const a = (await el.boundingBox())!;
  const b = (await within.boundingBox())!;
  return a.x >= b.x - 1 && a.y >= b.y - 1 && a.x + a.width <= b.x + b.width + 1 && a.y + a.height <= b.y + b.height + 1;
}

/** Opens Chelsea and waits for the default sweep (MozJPEG, WebP) to finish. */
async function sweptChelsea(page: Page): Promise<Locator> {
  await openSample(page, 'chelsea');
  const status = page.getByTestId('sweep-status');
  await expect.poll(() => pointsOf(page, 'jpeg').count(), { timeout: 120_000 }).toBeGreaterThanOrEqual(8);
  await expect(status).toHaveAttribute('data-running', 'false', { timeout: 120_000 });
  return status;
}

test('bug 1: log-bpp ticks span the data', async ({ page }) => {
  await sweptChelsea(page);
  const linear = await xTicks(page);
  const top = Math.max(...linear); // ≥ the largest bpp (the linear axis ends on a round tick above it)
  expect(top).toBeGreaterThan(2);

  await page.getByLabel('log bpp').check();
  await expect.poll(async () => (await xTicks(page)).length).toBeGreaterThanOrEqual(4);
  const log = await xTicks(page);
  // Ticks reach the largest points (within a factor 2) and the smallest, and are evenly spaced in log.
  expect(Math.max(...log)).toBeGreaterThanOrEqual(top / 2);
  const ratios = log.slice(1).map((v, i) => v / log[i]);
  for (const r of ratios) expect(r).toBeCloseTo(ratios[0], 1);
});

test('bug 5: a second "Sweep" of cached results says "from cache"', async ({ page }) => {
  const status = await sweptChelsea(page);
  await page.getByRole('button', { name: 'Sweep', exact: true }).click();
  await expect(status).toHaveAttribute('data-running', 'false');
  await expect(status).toContainText('from cache');
  await expect(status).not.toContainText(/encodes in/);
});

test('bug 6: the compare view refits when the panel below grows', async ({ page }) => {
  await openSample(page, 'chelsea', '?codecs=&left=original&right=jpeg');
  const view = page.getByTestId('compare-view');
  const canvas = view.locator('canvas').first();
  await expect(page.locator('.side-panel-right .stat').first()).toContainText('KiB');
  expect(await inside(canvas, view)).toBe(true);
  // A learned codec's panel (model note, latent statistics) is taller: the view gets shorter.
  const before = (await view.boundingBox())!.height;
  await page.getByTestId('side-codec-right').selectOption('mean-scale');
  await expect(page.locator('.side-panel-right').getByTestId('download-compressed')).toBeEnabled({ timeout: 120_000 });
  await expect.poll(async () => (await view.boundingBox())!.height).toBeLessThan(before);
  await expect.poll(() => inside(canvas, view)).toBe(true);
});

test('bug 3: a 1×1 PNG is refused at open with a message; no codec is blamed', async ({ page }) => {
  await page.goto('/');
  await fileInput(page).setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: png(1, 1) });
  const err = page.getByTestId('toast-error');
  await expect(err).toHaveCount(1);
  await expect(err).toContainText('too small');
  await expect(err).toContainText('1×1');
  await expect(page.getByTestId('compare-view')).toHaveCount(0);
  // 11×11 (MS-SSIM's window) opens and encodes without errors.
  await fileInput(page).setInputFiles({ name: 'small.png', mimeType: 'image/png', buffer: png(11, 11) });
  await expect(page.locator('.tagline')).toContainText('small.png · 11×11');
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-running', 'false', { timeout: 120_000 });
  await expect(page.getByTestId('sweep-status')).not.toContainText('failed');
  await expect(page.getByTestId('toast-error')).toHaveCount(0);
});

test('bug 4: a truncated JPEG is detected, the visitor is told, and can go on with it', async ({ page }) => {
  const full = readFileSync(path.join(root, 'public/samples/rocket.jpg'));
  await page.goto('/?codecs=');
  await fileInput(page).setInputFiles({ name: 'cut.jpg', mimeType: 'image/jpeg', buffer: full.subarray(0, Math.floor(full.length / 3)) });
  await expect(page.getByTestId('compare-view')).toBeVisible();
  const warn = page.getByTestId('source-warning');
  await expect(warn).toContainText('truncated');
  await expect(warn).toContainText('cut.jpg');
  // The whole file opens the same way with no warning.
  await fileInput(page).setInputFiles({ name: 'whole.jpg', mimeType: 'image/jpeg', buffer: full });
  await expect(page.locator('.tagline')).toContainText('whole.jpg');
  await expect(page.getByTestId('source-warning')).toHaveCount(0);
});

/** Width and height from a PNG's IHDR. */
const pngSize = (b: Buffer) => [b.readUInt32BE(16), b.readUInt32BE(20)];

test('Resize: 50 % or a size applies to both sides, the sweep, the metrics and the downloads; the URL carries it', async ({ page }) => {
  await openSample(page, 'chelsea', '?codecs=jpeg&left=original&right=webp');
  const status = page.getByTestId('sweep-status');
  await expect(status).toHaveAttribute('data-running', 'false', { timeout: 120_000 });
  const tagline = page.locator('.tagline');

  await page.getByTestId('resize-toggle').click();
  await page.getByTestId('resize-preset').selectOption('50');
  await expect(page.getByTestId('resize-width')).toHaveValue('226');
  await expect(page.getByTestId('resize-height')).toHaveValue('150');
  await page.getByTestId('resize-apply').click();
  await expect(tagline).toContainText('chelsea.png · 226×150 (resized from 451×300)');
  await expect(page.getByTestId('resize-toggle')).toHaveText('Resized 50 %');
  await expect(page).toHaveURL(/resize=50%25/);
  // Both sides show the resized image; the sweep ran again on it.
  const canvases = page.getByTestId('compare-view').locator('canvas.compare-canvas');
  await expect.poll(() => canvases.evaluateAll((c) => c.map((x) => `${(x as HTMLCanvasElement).width}×${(x as HTMLCanvasElement).height}`))).toEqual(['226×150', '226×150']);
  await expect(status).toHaveAttribute('data-running', 'false', { timeout: 120_000 });
  await expect.poll(() => pointsOf(page, 'jpeg').count()).toBeGreaterThanOrEqual(8);
  const right = page.locator('.side-panel-right');
  await expect(right.getByTestId('download-compressed')).toBeEnabled({ timeout: 60_000 });
  const bpp = Number((await right.locator('.stat', { hasText: 'bpp' }).locator('dd').innerText()).replace(/[^\d.]/g, ''));
  const webp = await downloadBytes(page, () => right.getByTestId('download-compressed').click());
  expect(webp.name).toMatch(/^chelsea-226x150-webp-.*\.webp$/);
  expect(Math.abs((webp.bytes.length * 8) / (226 * 150) - bpp)).toBeLessThan(0.01); // bpp counts the resized pixels
  const png = await downloadBytes(page, () => page.getByTestId('download-decoded-right').click());
  expect(pngSize(png.bytes)).toEqual([226, 150]);
  const orig = await downloadBytes(page, () => page.getByTestId('download-decoded-left').click());
  expect(orig.name).toBe('chelsea-226x150.png');
  expect(pngSize(orig.bytes)).toEqual([226, 150]);

  // A width with the aspect ratio kept.
  await page.getByTestId('resize-toggle').click();
  await page.getByTestId('resize-width').fill('300');
  await expect(page.getByTestId('resize-height')).toHaveValue('200');
  await page.getByTestId('resize-apply').click();
  await expect(tagline).toContainText('300×200 (resized from 451×300)');
  await expect(page).toHaveURL(/resize=300x200/);

  // The URL brings it back; "Original size" undoes it.
  await page.reload();
  await expect(tagline).toContainText('chelsea.png · 300×200 (resized from 451×300)', { timeout: 60_000 });
  await page.getByTestId('resize-toggle').click();
  await page.getByTestId('resize-reset').click();
  await expect(tagline).toContainText('chelsea.png · 451×300');
  await expect(tagline).not.toContainText('resized');
  await expect(page).not.toHaveURL(/resize=/);
  // A size RD Lab cannot work on is refused, and nothing changes.
  await page.getByTestId('resize-toggle').click();
  await page.getByTestId('resize-lock').uncheck();
  await page.getByTestId('resize-width').fill('5');
  await page.getByTestId('resize-apply').click();
  await expect(page.getByTestId('toast-error').filter({ hasText: 'Cannot resize' })).toContainText('too small');
  await expect(tagline).toContainText('chelsea.png · 451×300');
});

test('the chart is one tab stop: arrow keys move between points, Enter shows one; it is labelled', async ({ page }) => {
  await sweptChelsea(page);
  const chart = page.getByTestId('rd-chart');
  await expect(chart).toHaveAttribute('tabindex', '0');
  await expect(chart).toHaveAttribute('aria-label', /Rate–distortion chart.*Arrow keys move between points/);
  // No other tab stop inside it (recharts' own focusable surface and the 20 points were 21+ stops).
  expect(await chart.evaluate((el) => el.querySelectorAll('[tabindex]:not([tabindex="-1"]), button, a[href]').length)).toBe(0);
  await chart.focus();
  const said = page.getByTestId('rd-chart-focus');
  await page.keyboard.press('ArrowRight');
  await expect(said).toContainText(/^MozJPEG q10: /);
  await page.keyboard.press('ArrowRight');
  await expect(said).toContainText(/^MozJPEG q20: /);
  await expect(page.getByTestId('rd-focus-marker')).toHaveCount(1);
  await page.keyboard.press('ArrowDown');
  await expect(said).toContainText(/^WebP q\d+: /);
  await page.keyboard.press('End');
  const last = (await said.textContent())!.split(':')[0];
  await page.keyboard.press('Enter');
  await expect(page.locator('.side-tag-right')).toContainText(last);
  // Tab leaves the chart in one press.
  await page.keyboard.press('Tab');
  expect(await chart.evaluate((el) => el.contains(document.activeElement))).toBe(false);
});

test('"?" lists the keyboard shortcuts', async ({ page }) => {
  await openSample(page, 'chelsea', '?codecs=');
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeVisible();
  for (const k of ['Zoom in', 'Fit the image', 'Split at', 'Paste an image', 'point along a curve']) await expect(dialog).toContainText(k);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  // Also from a button, for pointer and touch users.
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
  // Typing "?" in a text field types it.
  await page.locator('.equal input[type=number]').focus();
  await page.keyboard.press('?');
  await expect(dialog).toHaveCount(0);
});

test.describe('phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('every control is a tap target of at least 24×24 px', async ({ page }) => {
    await openSample(page, 'chelsea', '?codecs=jpeg&left=original&right=mean-scale');
    await expect(page.locator('.side-panel-right').getByTestId('download-compressed')).toBeEnabled({ timeout: 120_000 });
    await page.getByTestId('resize-toggle').click();
    const small = await page.evaluate(() => {
      const out: string[] = [];
      const els = document.querySelectorAll('button, select, input, a[href], label.check, [data-testid="rd-point-hit"]');
      for (const el of els) {
        const r = el.getBoundingClientRect();
        const st = getComputedStyle(el);
        if (r.width === 0 || r.height === 0 || st.visibility === 'hidden' || el.closest('.visually-hidden')) continue;
        if (el.classList.contains('visually-hidden')) continue;
        // A checkbox counts through the label around it (clicking the label toggles it).
        if (el instanceof HTMLInputElement && el.type === 'checkbox' && el.closest('label')) continue;
        if (r.width < 23.5 || r.height < 23.5) out.push(`${el.tagName.toLowerCase()}.${el.className || ''} “${(el.textContent || (el as HTMLInputElement).value || el.getAttribute('aria-label') || '').trim().slice(0, 30)}” ${r.width.toFixed(0)}×${r.height.toFixed(0)}`);
      }
      return out;
    });
    expect(small).toEqual([]);
  });
});

test('the chart legend grows below the plot: with an imported curve it never covers the axis label', async ({ page }) => {
  await openSample(page, 'chelsea', '?codecs=jpeg,webp&left=original&right=webp');
  await expect.poll(() => pointsOf(page, 'webp').count(), { timeout: 120_000 }).toBeGreaterThanOrEqual(8);
  const published = { name: 'bmshj2018-factorized (Kodak, published)', results: { bpp: [0.12, 0.19, 0.29, 0.44], 'psnr-rgb': [26.9, 28.2, 29.6, 31.3] } };
  await page.getByTestId('import-json').setInputFiles({ name: 'kodak.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(published)) });
  await expect(page.getByTestId('rd-overlay-point')).toHaveCount(4);
  const chart = page.getByTestId('rd-chart');
  const legend = chart.locator('.legend');
  const label = chart.locator('.recharts-label', { hasText: 'bits per pixel' });
  const l = (await legend.boundingBox())!;
  const a = (await label.boundingBox())!;
  expect(l.height).toBeGreaterThan(25); // two lines or more at this width
  expect(l.y).toBeGreaterThanOrEqual(a.y + a.height);
  expect(await inside(legend, chart)).toBe(true);
});
