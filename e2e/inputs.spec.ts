// Opening images: EXIF orientation, transparency, and every format the app writes (AVIF, WebP via the browser;
// JPEG XL via our wasm decoder, since Chromium cannot decode it).
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { downloadBytes, fileInput, openSample } from './helpers';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** RGBA of one pixel of the left canvas of the compare view (the original when left = original). */
async function leftPixel(page: Page, x: number, y: number): Promise<number[]> {
  return page
    .getByTestId('compare-view')
    .locator('canvas')
    .first()
    .evaluate((c, [px, py]) => Array.from((c as HTMLCanvasElement).getContext('2d')!.getImageData(px, py, 1, 1).data), [x, y]);
}

test('EXIF orientation is applied and transparency is flattened onto white, each with a note', async ({ page }) => {
  await page.goto('/?codecs=&left=original&right=original');
  await fileInput(page).setInputFiles(path.join(fixtures, 'exif-orientation-6.jpg'));
  await expect(page.locator('.tagline')).toContainText('exif-orientation-6.jpg · 24×48');
  await expect(page.getByTestId('toast-info').filter({ hasText: 'EXIF orientation (6)' })).toBeVisible();
  const top = await leftPixel(page, 12, 6);
  const bottom = await leftPixel(page, 12, 42);
  expect(top[0]).toBeGreaterThan(180); // red on top
  expect(top[2]).toBeLessThan(80);
  expect(bottom[2]).toBeGreaterThan(180); // blue below
  expect(bottom[0]).toBeLessThan(80);

  await fileInput(page).setInputFiles(path.join(fixtures, 'transparent-half.png'));
  await expect(page.locator('.tagline')).toContainText('transparent-half.png · 40×30');
  await expect(page.getByTestId('toast-info').filter({ hasText: 'flattened onto white' })).toBeVisible();
  expect(await leftPixel(page, 5, 15)).toEqual([0, 160, 0, 255]);
  expect(await leftPixel(page, 30, 15)).toEqual([255, 255, 255, 255]);
});

test('AVIF, WebP and JPEG XL files made by the app open again', async ({ page }) => {
  await openSample(page, 'chelsea', '?codecs=&left=original&right=avif~speed_10');
  const right = page.locator('.side-panel-right');
  const files = [];
  for (const id of ['avif', 'webp', 'jxl']) {
    if (id !== 'avif') await page.getByTestId('side-codec-right').selectOption(id);
    await expect(right.getByTestId('download-compressed')).toHaveText(`Download .${id}`);
    await expect(right.getByTestId('download-compressed')).toBeEnabled({ timeout: 60_000 });
    const f = await downloadBytes(page, () => right.getByTestId('download-compressed').click());
    expect(f.name).toMatch(new RegExp(`^chelsea-${id}-.*\\.${id}$`));
    files.push(f);
  }
  for (const f of files) {
    await fileInput(page).setInputFiles({ name: f.name, mimeType: 'application/octet-stream', buffer: f.bytes });
    await expect(page.locator('.tagline')).toContainText(`${f.name} · 451×300`);
    const format = f.name.split('.').pop()!.toUpperCase();
    await expect(page.locator('.side-panel-left .stat').first()).toContainText(format);
  }
  await expect(page.getByTestId('toast-error')).toHaveCount(0);
});
