import { expect, type Download, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';

/** Opens the app (optionally with URL state) and a bundled sample; waits for the compare view. */
export async function openSample(page: Page, id = 'chelsea', query = ''): Promise<void> {
  await page.goto('/' + query);
  await page.getByTestId(`sample-${id}`).click();
  await expect(page.getByTestId('compare-view')).toBeVisible();
}

export const pointsOf = (page: Page, codec: string) => page.locator(`[data-testid="rd-point"][data-codec="${codec}"]`);

/** Records every request; anything not addressed to the local preview server is aborted and remembered. */
export async function guardNetwork(page: Page): Promise<string[]> {
  const external: string[] = [];
  await page.context().route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1' || url.hostname === 'localhost') {
      return route.continue();
    }
    external.push(url.href);
    return route.abort();
  });
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['data:', 'blob:'].includes(u.protocol) && u.hostname !== '127.0.0.1' && u.hostname !== 'localhost') external.push(u.href);
  });
  return external;
}

export async function downloadBytes(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer; download: Download }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: await readFile(path), download };
}

export function fileInput(page: Page) {
  return page.getByTestId('drop-zone').locator('input[type=file]');
}
