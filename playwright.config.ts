import { defineConfig } from '@playwright/test';
// @ts-expect-error plain .mjs helper shared with scripts/test.mjs
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium.mjs';

// E2E_PORT / E2E_OUT_DIR let two people run the suite at once in one checkout without sharing a server or dist/.
const PORT = Number(process.env.E2E_PORT) || 4179;
const OUT_DIR = process.env.E2E_OUT_DIR || 'dist';
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1280, height: 720 },
    launchOptions: { executablePath: process.env.CHROMIUM_PATH || findChromium(), args: CHROMIUM_ARGS },
    trace: 'off',
  },
  webServer: {
    // The e2e suite runs against the production build, so `vite build` is tested too.
    command: `npx vite build --logLevel warn --outDir ${OUT_DIR} && npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort --outDir ${OUT_DIR}`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: false,
    timeout: 240_000,
  },
});
