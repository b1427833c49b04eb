import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
// @ts-expect-error plain .mjs helper shared with scripts/test.mjs
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium.mjs';
// @ts-expect-error plain .mjs helper (tested in scripts/vitest-projects.test.ts)
import { runsBrowserProject } from './scripts/vitest-projects.mjs';
import { shippedModels, WASM_PACKAGES } from './vite.config.js';

// Two layers: "unit" runs in Node; "gpu" runs in headless Chromium with WebGPU (SwiftShader without a GPU).
// A Chromium is looked for (and, as root, installed) only when the "gpu" project can run.
const wantsBrowser: boolean = runsBrowserProject(process.argv.slice(2));

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/*.gpu.test.ts', 'node_modules/**'],
          testTimeout: 60_000,
        },
      },
      {
        // As in vite.config.ts: wasm packages must not be pre-bundled (their .wasm is found relative to the module);
        // the codec registry's list of shipped models.
        optimizeDeps: { exclude: [...WASM_PACKAGES] },
        define: { __RDLAB_SHIPPED_MODELS__: JSON.stringify(shippedModels()) },
        test: {
          name: 'gpu',
          include: ['src/**/*.gpu.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                executablePath: wantsBrowser ? findChromium() : process.env.CHROMIUM_PATH,
                args: CHROMIUM_ARGS,
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
