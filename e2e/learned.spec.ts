// The learned codecs in the built app: toggling one sweeps it (on SwiftShader 'auto' runs onnxruntime's wasm EP),
// a compare side encodes with it and shows bpp / PSNR and the backend, the .rdlb download is an RDLB file of
// the size shown, and nothing but the page, the models and the runtimes is fetched.
import { expect, test } from '@playwright/test';
import { downloadBytes, guardNetwork, openSample, pointsOf } from './helpers';

test('mean-scale: RD sweep points, a compare side with bpp/PSNR, an .rdlb download; no request leaves the machine', async ({ page }) => {
  const external = await guardNetwork(page);
  await openSample(page, 'chelsea', '?codecs=&left=original&right=original');

  await page.getByTestId('codec-toggle-mean-scale').click();
  await expect(page.getByTestId('codec-toggle-mean-scale')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => pointsOf(page, 'mean-scale').count(), { timeout: 150_000 }).toBeGreaterThanOrEqual(8);
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-running', 'false', { timeout: 60_000 });
  await pointsOf(page, 'mean-scale').nth(3).hover();
  await expect(page.locator('.chart-tooltip')).toContainText(/Mean-scale/);
  await expect(page.locator('.chart-tooltip')).toContainText(/\d\.\d+ bpp/);

  await page.getByTestId('side-codec-right').selectOption('mean-scale');
  const right = page.locator('.side-panel-right');
  await expect(right.getByTestId('download-compressed')).toHaveText('Download .rdlb');
  await expect(right.getByTestId('download-compressed')).toBeEnabled({ timeout: 60_000 });
  const bppText = await right.locator('.stat', { hasText: 'bpp' }).locator('dd').innerText();
  const bpp = Number(bppText.replace(/[^\d.]/g, ''));
  expect(bpp).toBeGreaterThan(0.01);
  expect(bpp).toBeLessThan(8);
  await expect(right.locator('.stat', { hasText: 'PSNR' }).locator('dd')).toHaveText(/^\d+\.\d+ dB/);
  await expect(right).toContainText(/Backend: onnxruntime-web .*wasm EP|Backend: wgsl/);

  const f = await downloadBytes(page, () => right.getByTestId('download-compressed').click());
  expect(f.name).toMatch(/^chelsea-mean-scale-.*\.rdlb$/);
  expect(f.bytes.subarray(0, 4).toString('latin1')).toBe('RDLB');
  expect(Math.abs((f.bytes.length * 8) / (451 * 300) - bpp)).toBeLessThan(0.01);

  await expect(page.getByTestId('toast-error')).toHaveCount(0);
  expect(external, `requests that left the machine: ${external.join(', ')}`).toEqual([]);
});
