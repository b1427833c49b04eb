import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  // WGSL sources are imported with `?raw`; wasm-based packages must not be pre-bundled
  // (their .wasm files are resolved relative to the module URL).
  optimizeDeps: { exclude: ['onnxruntime-web', '@jsquash/avif', '@jsquash/jpeg', '@jsquash/jxl', '@jsquash/png', '@jsquash/webp'] },
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  server: { strictPort: false },
});
