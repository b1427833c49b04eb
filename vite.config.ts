import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** Packages whose glue finds its .wasm with `new URL('x.wasm', import.meta.url)`: the dev server's pre-bundler
 * must leave them where they are (vitest.config.ts's browser project uses the same list). */
export const WASM_PACKAGES = ['onnxruntime-web', '@jsquash/avif', '@jsquash/jpeg', '@jsquash/jxl', '@jsquash/png', '@jsquash/webp'] as const;

export default defineConfig({
  plugins: [react()],
  // WGSL sources are imported with `?raw`.
  optimizeDeps: { exclude: [...WASM_PACKAGES] },
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  server: { strictPort: false },
});
