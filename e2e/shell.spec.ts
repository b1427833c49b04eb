import { expect, test } from '@playwright/test';

test('page loads and reports the WebGPU backend', async ({ page }) => {
  await page.goto('/');
  const status = page.getByTestId('status-backend');
  await expect(status).toHaveText(/^(WebGPU: .+|WebGPU not available — CPU fallback)$/);
  // This harness starts Chromium with --enable-unsafe-webgpu, so an adapter (SwiftShader at least) must be found.
  await expect(status).toHaveText(/^WebGPU: /);
  await page.screenshot({ path: test.info().outputPath('shell.png') });
});

test('without WebGPU the page says so and keeps working', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
  });
  await page.goto('/');
  await expect(page.getByTestId('status-backend')).toHaveText('WebGPU not available — CPU fallback');
});
