import { expect, type Download, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';

/** Opens the app (optionally with URL state) and a bundled sample; waits for the compare view. */
export async function openSample(page: Page, id = 'chelsea', query = ''): Promise<void> {
  await page.goto('/' + query);
  await page.getByTestId(`sample-${id}`).click();
  await expect(page.getByTestId('compare-view')).toBeVisible();
}

/** Opens chelsea with WebP on the right and waits for it; returns the compare view, its zoom readout and a
 * reader of both layers' CSS transforms (which must always be equal: the sides zoom and pan together). */
export async function openCompare(page: Page) {
  await openSample(page, 'chelsea', '?codecs=&right=webp');
  const view = page.getByTestId('compare-view');
  const canvases = view.locator('canvas');
  await expect(page.locator('.side-panel-right .stat').first()).toContainText('KiB');
  const pct = view.getByRole('button', { name: 'Zoom to 100 %' });
  await expect(pct).toHaveText('100%');
  const transforms = async () => canvases.evaluateAll((els) => els.map((e) => (e as HTMLElement).style.transform));
  return { view, canvases, pct, transforms };
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
