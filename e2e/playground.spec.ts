// The playground's contract, end to end, on the production build (vite build + vite preview).
import { expect, test } from '@playwright/test';
import { downloadBytes, fileInput, guardNetwork, openCompare, openSample, pointsOf } from './helpers';

test('sample → RD points for two codecs → BD-rate → downloads → a non-image is refused; nothing leaves the machine', async ({ page }) => {
  const external = await guardNetwork(page);
  await openSample(page, 'chelsea');

  // The default codecs (MozJPEG, WebP) are swept as soon as the image opens: ≥ 8 points each, no clicks.
  await expect(page.getByTestId('rd-chart')).toBeVisible();
  await expect.poll(() => pointsOf(page, 'jpeg').count(), { timeout: 120_000 }).toBeGreaterThanOrEqual(8);
  await expect.poll(() => pointsOf(page, 'webp').count(), { timeout: 120_000 }).toBeGreaterThanOrEqual(8);
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-running', 'false', { timeout: 120_000 });

  // BD-rate of WebP against the MozJPEG anchor is a number.
  const table = page.getByTestId('bd-rate-table');
  await expect(table).toBeVisible();
  await expect(table.getByTestId('bd-value').first()).toHaveText(/^[+−±]\d+\.\d %$/);
  // Hovering a point shows its numbers.
  await pointsOf(page, 'jpeg').nth(4).hover();
  await expect(page.locator('.chart-tooltip')).toContainText(/MozJPEG q\d+/);
  await expect(page.locator('.chart-tooltip')).toContainText(/\d\.\d+ bpp/);
  await expect(page.locator('.chart-tooltip')).toContainText(/PSNR \d+\.\d+ dB/);
  await page.screenshot({ path: test.info().outputPath('workspace-1280x720.png') });

  // Downloads: the encoded file is a JPEG of the size the panel shows; the decoded PNG is a PNG.
  const jpg = await downloadBytes(page, () => page.getByTestId('download-compressed').click());
  expect(jpg.name).toMatch(/^chelsea-jpeg-q75.*\.jpg$/);
  expect([...jpg.bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
  expect(jpg.bytes.length).toBeGreaterThan(1000);
  const png = await downloadBytes(page, () => page.getByTestId('download-decoded-right').click());
  expect(png.name).toMatch(/\.decoded\.png$/);
  expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  // RD data: CSV with a row per point, CompressAI JSON per curve.
  const csv = await downloadBytes(page, () => page.getByTestId('export-csv').click());
  const rows = csv.bytes.toString('utf8').trim().split('\n');
  expect(rows[0]).toContain('bpp,psnr_rgb_db,ms_ssim_rgb');
  expect(rows.length - 1).toBeGreaterThanOrEqual(16);
  const json = await downloadBytes(page, () => page.getByRole('button', { name: 'Export WebP as CompressAI JSON' }).click());
  const o = JSON.parse(json.bytes.toString('utf8'));
  expect(o.name).toBe('WebP');
  expect(o.results.bpp.length).toBeGreaterThanOrEqual(8);
  expect(o.results['psnr-rgb'].length).toBe(o.results.bpp.length);
  expect(o.results['ms-ssim-rgb'].every((v: number) => v > 0 && v <= 1)).toBe(true);

  // A non-image: a clear error, and the page keeps working.
  await fileInput(page).setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello, this is not an image\n') });
  const err = page.getByTestId('toast-error');
  await expect(err).toContainText('Cannot open this file');
  await expect(err).toContainText('“notes.txt” is not an image');
  await expect(page.getByTestId('compare-view')).toBeVisible();
  await expect(page.locator('.tagline')).toContainText('chelsea.png');
  // …still works: a click on an RD point loads that encode into the right side.
  await pointsOf(page, 'webp').first().click();
  await expect(page.locator('.side-tag-right')).toContainText('WebP q10');
  await expect(page.getByTestId('side-codec-right')).toHaveValue('webp');

  expect(external, `requests that left the machine: ${external.join(', ')}`).toEqual([]);
});

test('bad inputs get clear messages: corrupt, oversized, empty; the page keeps working', async ({ page }) => {
  await openSample(page, 'chelsea', '?codecs=');
  const png = (w: number, h: number, tail: number[]) => {
    const be = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
    return Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...be(13), 0x49, 0x48, 0x44, 0x52, ...be(w), ...be(h), 8, 2, 0, 0, 0, ...tail]);
  };
  const err = page.getByTestId('toast-error');

  await fileInput(page).setInputFiles({ name: 'broken.png', mimeType: 'image/png', buffer: png(64, 64, [1, 2, 3, 4, 5]) });
  await expect(err).toContainText('looks like a PNG file but could not be decoded');

  await fileInput(page).setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: png(20000, 20000, [0, 0, 0, 0]) });
  await expect(err.filter({ hasText: 'Image too large' })).toContainText('20000×20000 (400.0 MP)');
  await expect(err.filter({ hasText: 'Image too large' })).toContainText('up to 16.8 MP');

  await fileInput(page).setInputFiles({ name: 'empty.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(0) });
  await expect(err.filter({ hasText: 'empty' })).toBeVisible();

  // Still the same image, and encoding still works: lower the quality, the right side re-encodes smaller.
  await expect(page.locator('.tagline')).toContainText('chelsea.png');
  const size = page.locator('.side-panel-right .stat').first().locator('dd');
  await expect(size).toContainText('KiB');
  const before = await size.textContent();
  await page.locator('.side-panel-right input[type=number]').first().fill('20');
  await expect(page.locator('.side-tag-right')).toContainText('MozJPEG q20');
  await expect(size).not.toHaveText(before!);
  await expect(page.locator('.side-panel-right .side-error')).toHaveCount(0);

  // A real image replaces the current one.
  await page.getByTestId('drop-zone').locator('select').selectOption('coffee');
  await expect(page.locator('.tagline')).toContainText('coffee.png');
});

test('a codec that fails to load says so, and the other codecs keep working', async ({ page }) => {
  // The MozJPEG encoder's wasm cannot be fetched (as if the file were missing on the server).
  await page.context().route(/mozjpeg_enc.*\.wasm/, (r) => r.abort());
  await openSample(page, 'chelsea', '?codecs=webp&right=jpeg');
  const err = page.getByTestId('toast-error');
  await expect(err).toContainText('MozJPEG failed', { timeout: 60_000 });
  await expect(err).toContainText('could not be loaded');
  await expect(page.locator('.side-panel-right .side-error')).toBeVisible();
  await expect(page.locator('.side-tag-right')).toContainText('failed');
  // WebP still sweeps and encodes.
  await expect.poll(() => pointsOf(page, 'webp').count(), { timeout: 120_000 }).toBeGreaterThanOrEqual(8);
  await page.getByTestId('side-codec-right').selectOption('webp');
  await expect(page.locator('.side-panel-right .stat').first()).toContainText('KiB');
  await expect(page.locator('.side-panel-right .side-error')).toHaveCount(0);
});

test('a running sweep can be cancelled, and started again with one click on "Sweep"', async ({ page }) => {
  await openSample(page, 'chelsea', '?codecs=avif,jxl&right=original');
  const status = page.getByTestId('sweep-status');
  await expect(status).toHaveAttribute('data-running', 'true');
  await page.getByRole('button', { name: 'Cancel' }).first().click();
  await expect(status).toHaveAttribute('data-running', 'false');
  await expect(status).toContainText(/cancelled at \d+\/20/);
  const after = await page.getByTestId('rd-point').count();
  await page.waitForTimeout(1500);
  expect(await page.getByTestId('rd-point').count()).toBe(after); // nothing more arrives
  await page.getByRole('button', { name: 'Sweep' }).click();
  await expect(status).toHaveAttribute('data-running', 'true');
  await expect(status).toHaveAttribute('data-running', 'false', { timeout: 120_000 });
  await expect(status).toContainText(/\d+ encodes? in .*\d+ from cache|20 encodes in/);
  await expect.poll(() => pointsOf(page, 'avif').count()).toBeGreaterThanOrEqual(8);
  await expect.poll(() => pointsOf(page, 'jxl').count()).toBeGreaterThanOrEqual(8);
});

test('compare view: synced zoom and pan, pixelated above 100 %, split by drag and keys', async ({ page }) => {
  const { view, canvases, pct, transforms } = await openCompare(page);
  const rendering = async () => canvases.evaluateAll((els) => els.map((e) => (e as HTMLElement).style.imageRendering));

  await view.getByRole('button', { name: 'Zoom in' }).click();
  await expect(pct).toHaveText('125%');
  let [a, b] = await transforms();
  expect(a).toBe(b);
  expect(a).toContain('scale(1.25)');
  expect(await rendering()).toEqual(['pixelated', 'pixelated']);

  // Keyboard: focus the view, + zooms, arrows pan (both layers), 0 fits, 1/2/3 move the split.
  await view.focus();
  await page.keyboard.press('+');
  await expect(pct).toHaveText('156%');
  const before = (await transforms())[0];
  await page.keyboard.press('ArrowLeft');
  [a, b] = await transforms();
  expect(a).toBe(b);
  expect(a).not.toBe(before);
  await page.keyboard.press('0');
  await expect(pct).toHaveText('100%');
  expect(await rendering()).toEqual(['auto', 'auto']);
  const split = view.getByRole('slider', { name: 'Split position' });
  await page.keyboard.press('1');
  await expect(split).toHaveAttribute('aria-valuenow', '0');
  await page.keyboard.press('3');
  await expect(split).toHaveAttribute('aria-valuenow', '100');
  await page.keyboard.press('2');
  await expect(split).toHaveAttribute('aria-valuenow', '50');

  // Wheel zooms about the cursor; dragging pans; both layers move together.
  const box = (await view.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.4);
  await page.mouse.wheel(0, -400);
  await expect(pct).not.toHaveText('100%');
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.3 + 60, box.y + box.height * 0.4 + 30, { steps: 4 });
  await page.mouse.up();
  [a, b] = await transforms();
  expect(a).toBe(b);

  // Dragging the split handle moves it.
  const handle = (await split.boundingBox())!;
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.25, handle.y + handle.height / 2, { steps: 5 });
  await page.mouse.up();
  const now = Number(await split.getAttribute('aria-valuenow'));
  expect(now).toBeGreaterThan(20);
  expect(now).toBeLessThan(30);
});

test.describe('touch', () => {
  test.use({ hasTouch: true });

  test('two-finger pinch zooms both sides about the fingers; one finger pans them together', async ({ page }) => {
    const { view, pct, transforms } = await openCompare(page);
    const box = (await view.boundingBox())!;
    const cx = box.x + box.width * 0.6; // off the split handle, which sits in the middle
    const cy = box.y + box.height * 0.5;
    const cdp = await page.context().newCDPSession(page);
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', pts: { x: number; y: number }[]) =>
      cdp.send('Input.dispatchTouchEvent', { type, touchPoints: pts.map((p, id) => ({ ...p, id })) });
    // Fingers 40 px apart spread to 120 px: ×3.
    await touch('touchStart', [{ x: cx - 20, y: cy }, { x: cx + 20, y: cy }]);
    for (let i = 1; i <= 8; i++) await touch('touchMove', [{ x: cx - 20 - 5 * i, y: cy }, { x: cx + 20 + 5 * i, y: cy }]);
    await touch('touchEnd', []);
    await expect(pct).toHaveText('300%');
    let [a, b] = await transforms();
    expect(a).toBe(b);
    expect(a).toContain('scale(3)');
    // One finger drags: both layers move by the same amount, the zoom stays.
    const before = a;
    await touch('touchStart', [{ x: cx, y: cy }]);
    for (let i = 1; i <= 4; i++) await touch('touchMove', [{ x: cx - 10 * i, y: cy + 5 * i }]);
    await touch('touchEnd', []);
    [a, b] = await transforms();
    expect(a).toBe(b);
    expect(a).not.toBe(before);
    await expect(pct).toHaveText('300%');
  });
});

test('URL state restores a session; curves import; equal-bpp picks settings for both sides', async ({ page }) => {
  await page.goto('/?sample=chelsea&left=jpeg~quality_40&right=webp~quality_30&codecs=jpeg,webp&metric=msssim&bpp=1');
  await expect(page.getByTestId('compare-view')).toBeVisible();
  await expect(page.getByTestId('side-codec-left')).toHaveValue('jpeg');
  await expect(page.getByTestId('side-codec-right')).toHaveValue('webp');
  await expect(page.locator('.side-panel-right input[type=number]').first()).toHaveValue('30');
  await expect(page.getByRole('radio', { name: 'MS-SSIM (dB)' })).toHaveAttribute('aria-checked', 'true');
  // Changing a setting updates the URL.
  await page.locator('.side-panel-right input[type=number]').first().fill('55');
  await expect.poll(() => page.url()).toContain('right=webp~quality_55');

  // Import a published CompressAI curve (bmshj2018-factorized on Kodak): 8 overlay points and a BD-rate row.
  const published = {
    name: 'bmshj2018-factorized',
    description: 'Inference (ans)',
    results: {
      bpp: [0.1226, 0.1885, 0.2878, 0.4404, 0.6481, 0.967, 1.3512, 1.8333],
      'psnr-rgb': [26.91, 28.22, 29.62, 31.28, 32.96, 35.38, 37.4, 39.62],
      'ms-ssim-rgb': [0.91, 0.936, 0.9555, 0.9704, 0.9806, 0.9879, 0.9922, 0.9951],
    },
  };
  await page.getByTestId('import-json').setInputFiles({ name: 'kodak.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(published)) });
  await expect(page.getByTestId('rd-overlay-point')).toHaveCount(8);
  await expect(page.getByTestId('bd-rate-table')).toContainText('bmshj2018-factorized');
  // A malformed import is refused with the reason.
  await page.getByTestId('import-json').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"results":{"bpp":[1,2]}}') });
  await expect(page.getByTestId('toast-error')).toContainText('needs "psnr-rgb" or "ms-ssim-rgb"');

  // Equal bpp: both codecs bisect to ≤ 1 bpp; the sides show the two results.
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-running', 'false', { timeout: 120_000 });
  await page.getByRole('button', { name: 'Find settings' }).click();
  const eq = page.getByTestId('equal-bpp-table');
  await expect(eq.locator('tbody tr')).toHaveCount(2, { timeout: 120_000 });
  for (const cell of await eq.locator('tbody tr td:nth-child(3)').allTextContents()) {
    expect(Number(cell.replace(/[^\d.]/g, ''))).toBeLessThanOrEqual(1);
    expect(Number(cell.replace(/[^\d.]/g, ''))).toBeGreaterThan(0.6);
  }
  await expect(page.getByTestId('side-codec-left')).toHaveValue('jpeg');
  await expect(page.getByTestId('side-codec-right')).toHaveValue('webp');
  await page.screenshot({ path: test.info().outputPath('equal-bpp.png') });
});

test('narrow window: everything stacks, nothing overflows sideways; keyboard opens a sample', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/?codecs=');
  await page.screenshot({ path: test.info().outputPath('landing-narrow.png') });
  // Keyboard only: Tab to the first sample and press Enter.
  const first = page.getByTestId('sample-dandelions');
  for (let i = 0; i < 12 && !(await first.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(first).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('compare-view')).toBeVisible();
  await expect(page.locator('.side-panel-right .stat').first()).toContainText('KiB');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: test.info().outputPath('workspace-narrow.png'), fullPage: true });
});
