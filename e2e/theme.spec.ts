// Issue 19, "Light mode": the page follows prefers-color-scheme, the stylesheet and the RD chart's SVG alike, and
// switches while it is open when the system setting changes. Colours are those of src/app/palette.ts.
import { expect, test, type Page } from '@playwright/test';
import { CURVE_COLORS, PALETTES } from '../src/app/palette';
import { openSample, pointsOf } from './helpers';

/** '#rrggbb' → 'rgb(r, g, b)', as getComputedStyle writes an opaque colour. */
const rgb = (hex: string) => {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
};

/** WCAG relative luminance of a computed 'rgb(r, g, b)'. */
function luminance(css: string): number {
  const [r, g, b] = css.match(/\d+(\.\d+)?/g)!.slice(0, 3).map(Number);
  const lin = (v: number) => (v / 255 <= 0.04045 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

const bodyColours = (page: Page) =>
  page.evaluate(() => {
    const s = getComputedStyle(document.body);
    return { bg: s.backgroundColor, text: s.color, scheme: getComputedStyle(document.documentElement).colorScheme };
  });

test('the landing page is dark or light as the system asks, and switches while open', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/');
  await expect(page.getByTestId('drop-zone')).toBeVisible();
  const dark = await bodyColours(page);
  expect(dark).toEqual({ bg: rgb(PALETTES.dark.bg), text: rgb(PALETTES.dark.text), scheme: 'dark' });
  expect(luminance(dark.bg)).toBeLessThan(0.05);

  await page.emulateMedia({ colorScheme: 'light' });
  const light = await bodyColours(page);
  expect(light).toEqual({ bg: rgb(PALETTES.light.bg), text: rgb(PALETTES.light.text), scheme: 'light' });
  expect(luminance(light.bg)).toBeGreaterThan(0.8);
  expect(luminance(light.text)).toBeLessThan(0.05);
  // A sample card (panel) and its caption (muted) follow too.
  const card = page.getByTestId('sample-chelsea');
  await expect(card).toHaveCSS('background-color', rgb(PALETTES.light.panel));
  await expect(card.locator('.sample-meta')).toHaveCSS('color', rgb(PALETTES.light.muted));
});

test('the RD chart, the codec chips and the compare view take the light palette', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openSample(page, 'chelsea', '?codecs=jpeg&left=original&right=webp');
  await expect.poll(() => pointsOf(page, 'jpeg').count(), { timeout: 120_000 }).toBeGreaterThanOrEqual(8);
  const chart = page.getByTestId('rd-chart');
  await expect(chart).toHaveCSS('background-color', rgb(PALETTES.light.panel));
  // The chart draws with SVG attributes: curve, dot outline, grid and axes come from the light tables.
  await expect(pointsOf(page, 'jpeg').first()).toHaveAttribute('fill', CURVE_COLORS.light.fixed.jpeg);
  await expect(pointsOf(page, 'jpeg').first()).toHaveAttribute('stroke', PALETTES.light.panel);
  await expect(chart.locator('.recharts-cartesian-grid line').first()).toHaveAttribute('stroke', PALETTES.light.line);
  await expect(chart.locator('.recharts-xAxis .recharts-cartesian-axis-line')).toHaveAttribute('stroke', PALETTES.light.muted);
  await expect(page.getByTestId('codec-toggle-jpeg')).toHaveCSS('--chip', CURVE_COLORS.light.fixed.jpeg);
  // The compare view's checkerboard and the side labels over the image.
  await expect(page.getByTestId('compare-view')).toHaveCSS('background-color', rgb(PALETTES.light.checkBase));
  await expect(page.locator('.side-tag-left')).toHaveCSS('color', rgb(PALETTES.light.text));

  // Back to dark without reloading: the chart re-renders with the dark tables.
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(pointsOf(page, 'jpeg').first()).toHaveAttribute('fill', CURVE_COLORS.dark.fixed.jpeg);
  await expect(chart.locator('.recharts-cartesian-grid line').first()).toHaveAttribute('stroke', PALETTES.dark.line);
  await expect(chart).toHaveCSS('background-color', rgb(PALETTES.dark.panel));
});
