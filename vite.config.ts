import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { themeCss } from './src/app/palette.js';

/** Packages whose glue finds its .wasm with `new URL('x.wasm', import.meta.url)`: the dev server's pre-bundler
 * must leave them where they are (vitest.config.ts's browser project uses the same list). */
export const WASM_PACKAGES = ['onnxruntime-web', '@jsquash/avif', '@jsquash/jpeg', '@jsquash/jxl', '@jsquash/png', '@jsquash/webp'] as const;

/** The colour themes' custom properties (src/app/palette.ts, both themes) as a <style> in index.html's
 * <head>, so the page has its colours before any script runs. */
function themePlugin(): Plugin {
  return {
    name: 'rdlab-theme',
    transformIndexHtml: () => [{ tag: 'style', attrs: { id: 'rdlab-theme' }, children: themeCss(), injectTo: 'head' }],
  };
}

/** The learned codecs' model packages under public/models (kind "codec"): the app lists a codec whose model is
 * still to come only once its package is there (src/codecs/registry.ts). */
export function shippedModels(root = 'public/models'): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((d) => {
    try {
      return JSON.parse(readFileSync(`${root}/${d}/manifest.json`, 'utf8')).kind === 'codec';
    } catch {
      return false;
    }
  });
}

export default defineConfig({
  plugins: [react(), themePlugin()],
  define: { __RDLAB_SHIPPED_MODELS__: JSON.stringify(shippedModels()) },
  // WGSL sources are imported with `?raw`.
  optimizeDeps: { exclude: [...WASM_PACKAGES] },
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  server: { strictPort: false },
});
