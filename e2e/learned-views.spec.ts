// The learned codecs' extras in the built app: the bit-allocation overlay ("Bits": map over the image, synced
// zoom, legend in bits/pixel that agrees with the file size) with the latent statistics, and opening an .rdlb
// file the app wrote (decoded by its model, pixels identical to what the compare side showed) — plus damaged and
// foreign .rdlb files, which must end in a clear error toast.
import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { downloadBytes, fileInput, guardNetwork, openSample } from './helpers';

const W = 451;
const H = 300;

/** FNV-1a of a canvas's pixels (the whole image), computed in the page. */
function canvasHash(canvas: Locator): Promise<{ width: number; height: number; hash: number; colours: number }> {
  return canvas.evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let h = 0x811c9dc5;
    const seen = new Set<number>();
    for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d[i], 16777619) >>> 0;
    for (let i = 0; i < d.length && seen.size < 50; i += 4 * 97) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return { width: c.width, height: c.height, hash: h, colours: seen.size };
  });
}
const sideCanvas = (page: Page, side: 0 | 1) => page.getByTestId('compare-view').locator('.compare-layer').nth(side).locator('canvas').first();

async function meanScaleOnRight(page: Page) {
  await openSample(page, 'chelsea', '?codecs=&left=original&right=mean-scale');
  const right = page.locator('.side-panel-right');
  await expect(right.getByTestId('download-compressed')).toBeEnabled({ timeout: 90_000 });
  return right;
}

test('Bits: the bit-allocation map overlays a learned side, zooms with it, and its legend agrees with the file', async ({ page }) => {
  const external = await guardNetwork(page);
  const right = await meanScaleOnRight(page);
  // The model note: the shipped package's training and validation, read from its manifest, and the card link.
  const manifest = JSON.parse(readFileSync(new URL('../public/models/mean-scale/manifest.json', import.meta.url), 'utf8'));
  const note = right.getByTestId('model-note');
  await expect(note).toContainText(`${manifest.provenance.steps.toLocaleString('en-US')} steps`);
  await expect(note).toContainText(`${manifest.validation.set}: `);
  await expect(note).toContainText(`${Math.abs(manifest.validation.bd_rate.jpeg.psnr).toFixed(1)} % vs MozJPEG`);
  // The model card opens in a dialog, rendered from the package's README.md: the validation table (one row per
  // rate point of the manifest), the BD-rate table, the training plot (loaded), the repository link as text.
  await note.getByRole('button', { name: 'Model card' }).click();
  const dialog = page.getByTestId('model-card');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('heading', { level: 2 })).toHaveText('mean-scale — RD Lab model card');
  const rdTable = dialog.locator('table').filter({ has: page.locator('th:first-child', { hasText: /^t$/ }) });
  await expect(rdTable.locator('tbody tr')).toHaveCount(manifest.validation.results.bpp.length);
  const cardBpp = Number(await rdTable.locator('tbody tr').first().locator('td').nth(1).innerText());
  expect(Math.abs(cardBpp - manifest.validation.results.bpp[0])).toBeLessThanOrEqual(0.00006);
  const webpRow = dialog.locator('tr').filter({ has: page.locator('td:first-child', { hasText: /^WebP$/ }) });
  await expect(webpRow).toContainText(`${manifest.validation.bd_rate.webp.psnr.toFixed(1)}%`);
  const plot = dialog.getByRole('img', { name: 'training log' });
  await plot.scrollIntoViewIfNeeded();
  await expect.poll(() => plot.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(100);
  await expect(dialog.locator('span[title*="docs/model-package.md"]')).toHaveText('docs/model-package.md');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  const bpp = Number((await right.locator('.stat', { hasText: 'bpp' }).locator('dd').innerText()).replace(/[^\d.]/g, ''));

  // Latent statistics: y and z, with sizes that add up to about the file, and the mean scale index.
  const stats = right.getByTestId('latent-stats');
  await expect(stats.locator('tbody tr')).toHaveCount(2);
  await expect(stats.locator('tr[data-latent=y] th')).toHaveText('y');
  await expect(stats.locator('tr[data-latent=z] th')).toHaveText('z');
  await expect(stats.locator('thead')).toContainText('mean scale index');
  const latentBpp = await stats.locator('tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.querySelectorAll('td')[2].textContent)));
  expect(latentBpp.every((v) => v > 0)).toBe(true);
  const sum = latentBpp.reduce((a, b) => a + b, 0);
  expect(sum).toBeLessThanOrEqual(bpp + 0.002);
  expect(sum).toBeGreaterThan(bpp - 0.02); // the container header: ~130 bytes = 0.008 bpp here
  // each latent's share of the bits (a checkerboard's passes each a row), from the same bits as the bpp column
  const shares = await stats.locator('td[data-share]').allInnerTexts();
  const shareValues = shares.map((t) => Number(t.replace(/[^\d.]/g, '')));
  shareValues.forEach((v, i) => expect(Math.abs(v - (100 * latentBpp[i]) / sum)).toBeLessThan(1)); // bpp shown to 0.001
  expect(Math.abs(shareValues.reduce((a, b) => a + b, 0) - 100)).toBeLessThanOrEqual(0.1);
  // the codec's stage timings, encode and decode
  const stages = right.getByTestId('stage-timings');
  await stages.locator('summary').click();
  await expect(stages.locator('tr[data-stage="encode: entropy coding"]')).toBeVisible();
  await expect(stages.locator('tr[data-stage="decode: synthesis"]')).toContainText('ms');

  // The toggle is a keyboard-operable button; off at first.
  const toggle = page.getByTestId('bits-toggle-right');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('bitmap-overlay')).toHaveCount(0);
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');

  const overlay = page.getByTestId('bitmap-overlay');
  await expect(overlay).toHaveCount(1);
  await expect(overlay).toHaveAttribute('data-side', 'right');
  const o = await canvasHash(overlay);
  expect([o.width, o.height]).toEqual([W, H]);
  expect(o.colours).toBeGreaterThan(3); // a map, not a flat tint

  // Legend: numbers in bits/pixel, and a mean that is the file's bpp minus its header.
  const legend = page.getByTestId('bitmap-legend-right');
  await expect(legend).toContainText('bits/pixel');
  const ticks = await legend.locator('.bits-legend-ticks span').allInnerTexts();
  expect(ticks.length).toBe(3);
  const values = ticks.map((t) => Number(t.replace('≥ ', '')));
  expect(values[0]).toBe(0);
  expect(values[2]).toBeGreaterThan(0);
  expect(values[1]).toBeCloseTo(values[2] / 2, 6);
  const mean = Number((await legend.locator('.bits-legend-caption').innerText()).match(/mean ([\d.]+)/)![1]);
  expect(mean).toBeLessThanOrEqual(bpp + 0.001);
  expect(mean).toBeGreaterThan(bpp - 0.02);

  // Zoom: the overlay keeps the image's transform; above 100 % both are pixelated.
  const image = sideCanvas(page, 1);
  await page.getByRole('button', { name: 'Zoom to 100 %' }).click();
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await expect(page.locator('.zoom-pct')).toHaveText('125%');
  const styleOf = (l: Locator) => l.evaluate((c: HTMLElement) => ({ transform: c.style.transform, rendering: c.style.imageRendering }));
  const [si, so] = [await styleOf(image), await styleOf(overlay)];
  expect(so).toEqual(si);
  expect(so.rendering).toBe('pixelated');
  await page.getByTestId('compare-view').focus();
  await page.keyboard.press('ArrowLeft');
  expect(await styleOf(overlay)).toEqual(await styleOf(image));

  // Off again; a classical codec has no toggle.
  await toggle.click();
  await expect(page.getByTestId('bitmap-overlay')).toHaveCount(0);
  await page.getByTestId('side-codec-right').selectOption('jpeg');
  await expect(page.getByTestId('bits-toggle-right')).toHaveCount(0);
  await expect(page.getByTestId('toast-error')).toHaveCount(0);
  expect(external, `requests that left the machine: ${external.join(', ')}`).toEqual([]);
});

test('an .rdlb file the app wrote opens again as its decoded image; damaged and foreign ones get clear errors', async ({ page }) => {
  const external = await guardNetwork(page);
  const right = await meanScaleOnRight(page);
  const shown = await canvasHash(sideCanvas(page, 1));
  expect([shown.width, shown.height]).toEqual([W, H]);
  const f = await downloadBytes(page, () => right.getByTestId('download-compressed').click());
  expect(f.name).toMatch(/^chelsea-mean-scale-.*\.rdlb$/);
  // MozJPEG on the chart: swept for the photo, but not for the reopened file.
  await page.getByTestId('codec-toggle-jpeg').click();
  await expect(page.getByTestId('rd-point').first()).toBeVisible({ timeout: 60_000 });

  await fileInput(page).setInputFiles({ name: f.name, mimeType: 'application/octet-stream', buffer: f.bytes });
  await expect(page.locator('.tagline')).toContainText(`${f.name} · ${W}×${H}`, { timeout: 90_000 });
  // Labelled as a decoded file that is now the reference, and not swept automatically (issue 19).
  const note = page.getByTestId('source-note');
  await expect(note).toContainText('Decoded from an RD Lab file (mean-scale, t=0.50)');
  await expect(note).toContainText('now the reference');
  await expect(page.locator('.side-panel-left .stat').first()).toContainText('RD Lab file, decoded');
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-total', '0');
  await expect(page.getByTestId('rd-point')).toHaveCount(0);
  // The original is now the decoded file: the same pixels the compare side showed for it.
  expect(await canvasHash(sideCanvas(page, 0))).toEqual(shown);

  const err = page.getByTestId('toast-error');
  const damaged = Buffer.from(f.bytes);
  damaged[damaged.length - 20] ^= 0x10;
  await fileInput(page).setInputFiles({ name: 'damaged.rdlb', mimeType: 'application/octet-stream', buffer: damaged });
  await expect(err).toContainText('Cannot open this file', { timeout: 60_000 });
  await expect(err).toContainText('“damaged.rdlb” is an RD Lab file (mean-scale) but could not be decoded');
  await expect(err).toContainText('crc');

  const foreign = Buffer.from(f.bytes);
  foreign.write('mystery-mod', 13, 'latin1'); // same length as "mean-scale."; the id now reads mystery-modv1
  await fileInput(page).setInputFiles({ name: 'foreign.rdlb', mimeType: 'application/octet-stream', buffer: foreign });
  await expect(err.filter({ hasText: 'foreign.rdlb' })).toContainText('which this RD Lab does not have');

  // The page still shows the file that opened.
  await expect(page.locator('.tagline')).toContainText(f.name);
  expect(external, `requests that left the machine: ${external.join(', ')}`).toEqual([]);
});
