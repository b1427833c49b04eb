// The learned codecs' Effort option (issue 20: encode-time refinement) in the built app, on a tiny image so that
// it runs in seconds on onnxruntime's wasm EP (what 'auto' picks on SwiftShader): chelsea resized to 64×43 by the
// URL's Resize step, mean-scale at effort 0 on the left and effort 50 on the right. The refined file decodes (the
// side shows its size and PSNR, measured on the decoded file) and differs from the unrefined one; a long effort
// shows its step, running loss, estimated bits and time left, and Stop cancels it.
import { expect, test, type Locator } from '@playwright/test';

/** A side's file size, bpp and PSNR as shown (the values alone, not the comparisons with the other side). */
const numbers = async (side: Locator) => {
  const value = async (label: string) => {
    const dd = side.locator('.stat').filter({ has: side.page().locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');
    return dd.evaluate((e) => e.firstChild?.textContent?.trim() ?? '');
  };
  return { file: await value('File'), bpp: await value('bpp'), psnr: await value('PSNR') };
};

test('mean-scale with Effort 50 refines a 64×43 image: progress, a decodable file unlike effort 0, cancel', async ({ page }) => {
  await page.goto('/?codecs=&left=mean-scale&right=mean-scale~effort_50&sample=chelsea&resize=64x43');
  const left = page.locator('.side-panel-left');
  const right = page.locator('.side-panel-right');
  await expect(page.getByTestId('compare-view')).toBeVisible({ timeout: 60_000 });
  await expect(right.getByLabel('Effort')).toHaveValue('50');
  await expect(left.getByLabel('Effort')).toHaveValue('0');
  // The one-line explanation is on screen (not only a tooltip), with the cost on a CPU.
  await expect(right.locator('.field-help', { hasText: 'the file and the decoder do not change' })).toBeVisible();
  await expect(right.locator('.field-help', { hasText: 'per megapixel per step' })).toBeVisible();

  // Both sides finish on the resized image; the right one says it refined.
  await expect(right.getByTestId('download-compressed')).toBeEnabled({ timeout: 150_000 });
  await expect(left.getByTestId('download-compressed')).toBeEnabled({ timeout: 150_000 });
  await expect(right).toContainText(/Effort: 50 refinement steps on onnxruntime-web .*wasm EP|Effort: 50 refinement steps on wgsl/);
  await expect(left).not.toContainText('refinement steps');
  const l = await numbers(left);
  const r = await numbers(right);
  expect(r.file).toMatch(/^\d+ B$/);
  expect(r.bpp).toMatch(/^\d\.\d+$/);
  expect(r.psnr).toMatch(/^\d+\.\d+ dB$/);
  expect(Number.parseFloat(r.psnr)).toBeGreaterThan(15);
  console.log(`effort 0: ${JSON.stringify(l)}, effort 50: ${JSON.stringify(r)}`);
  expect(r).not.toEqual(l); // a refined file is another file (its size or its decoding differs)

  // Effort 1000: the side shows the steps as they run, then Stop goes back to the effort-50 result.
  await right.getByLabel('Effort').selectOption('1000');
  await expect(page).toHaveURL(/right=mean-scale~effort_1000/);
  // In full on the compare view's side label (the side panel's pill is cut to its width; its tooltip has it all).
  const pill = right.locator('.progress-pill');
  const tag = page.locator('.side-tag-right .spinner-line');
  await expect(tag).toContainText(/refining \d+\/1000 · loss \d+\.\d{4} · ~\d+\.\d{3} bpp/, { timeout: 120_000 });
  await expect(tag).toContainText(/about .* left/, { timeout: 60_000 });
  await expect(tag).toBeVisible();
  await expect(pill).toHaveAttribute('title', /^refining \d+\/1000 · loss/);
  await expect(right.getByTestId('cancel-right')).toBeInViewport();
  await right.getByTestId('cancel-right').click();
  await expect(pill).toHaveCount(0);
  await expect(right.getByLabel('Effort')).toHaveValue('50');
  await expect(page).toHaveURL(/right=mean-scale~effort_50/);
  expect(await numbers(right)).toEqual(r);
  await expect(right).toContainText('Effort: 50 refinement steps');
  await expect(page.getByTestId('toast-error')).toHaveCount(0);
});

test('a sweep at Effort 50 is a curve of its own beside the effort-0 curve, dotted, named with its effort', async ({ page }) => {
  // The right side shows mean-scale at effort 50, so the sweep of the toggled codec runs at effort 50.
  await page.goto('/?codecs=mean-scale&left=original&right=mean-scale~effort_50&sample=chelsea&resize=64x43');
  const status = page.getByTestId('sweep-status');
  const curve = (id: string) => page.locator(`[data-testid="rd-point"][data-curve="${id}"]`);
  // 8 rate points (and the side's own encode at rate 0.5, which is a point of the curve of its setting).
  await expect.poll(() => curve('mean-scale~effort_50').count(), { timeout: 170_000 }).toBeGreaterThanOrEqual(8);
  await expect(status).toHaveAttribute('data-running', 'false', { timeout: 60_000 });
  const n50 = await curve('mean-scale~effort_50').count();
  await expect(curve('mean-scale')).toHaveCount(0);
  // Back to effort 0 and Sweep again: the effort-0 curve joins it; the effort-50 one stays.
  await page.locator('.side-panel-right').getByLabel('Effort').selectOption('0');
  await page.getByRole('button', { name: 'Sweep' }).click();
  await expect.poll(() => curve('mean-scale').count(), { timeout: 120_000 }).toBeGreaterThanOrEqual(8);
  await expect(status).toHaveAttribute('data-running', 'false', { timeout: 60_000 });
  await expect(curve('mean-scale~effort_50')).toHaveCount(n50);
  const legend = page.locator('.legend');
  await expect(legend.locator('li[data-curve="mean-scale"]')).toContainText(/^Mean-scale \(Minnen 2018\) \(\d+\)/);
  await expect(legend.locator('li[data-curve="mean-scale~effort_50"]')).toContainText(`Mean-scale (Minnen 2018), effort 50 (${n50})`);
  await expect(legend.locator('li[data-curve="mean-scale~effort_50"]')).toHaveAttribute('title', /dotted line/);
  // The BD-rate table has both curves; with effort 0 as the anchor, effort 50's BD-rate is its gain (fewer bits:
  // negative), and its JSON export is that curve's
  const table = page.getByTestId('bd-rate-table');
  await page.getByTestId('bd-anchor').selectOption('mean-scale');
  const row50 = table.locator('tbody tr', { hasText: 'Mean-scale (Minnen 2018), effort 50' });
  await expect(row50).toHaveCount(1);
  const bd = await row50.getByTestId('bd-value').first().textContent();
  console.log(`BD-rate of effort 50 vs effort 0 on the 64×43 crop: ${bd}`);
  expect(Number(bd!.replace('−', '-').replace(/[^\d.+-]/g, ''))).toBeLessThan(0);
  const download = page.waitForEvent('download');
  await row50.getByRole('button', { name: /Export .* as CompressAI JSON/ }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/-mean-scale-effort_50\.json$/);
  const json = JSON.parse(await (await import('node:fs/promises')).readFile((await file.path())!, 'utf8'));
  expect(json.name).toBe('Mean-scale (Minnen 2018), effort 50');
  expect(json.results.bpp).toHaveLength(n50);
  // A point of the effort-50 curve loads that setting into the side chosen by "Click shows on" (right).
  await curve('mean-scale~effort_50').nth(2).click({ force: true });
  await expect(page.locator('.side-panel-right').getByLabel('Effort')).toHaveValue('50');
  await expect(page).toHaveURL(/right=mean-scale~rate_[\d.]+~effort_50/);
  await expect(page.getByTestId('toast-error')).toHaveCount(0);
});
