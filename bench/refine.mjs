// `npm run bench:refine [-- --size 128] [-- --steps 3] [-- --model mean-scale] [-- --engines wgsl,onnx-wasm]`
// Encode-time refinement (issue 20): the cost of one refinement step per engine, side by side in one headless
// Chromium page (scripts/chromium.mjs flags, Vite with COOP/COEP so onnxruntime's wasm EP may use threads): the
// WGSL engine (src/gpu's VJP kernels; SwiftShader on a machine without a GPU) and onnxruntime-web's wasm EP, on a
// size×size crop of the 768×512 sample at t = 0.5, after a warm-up step. Prints JSON: ms per step, seconds per
// megapixel per step, the synthesis forward + VJP alone, the engines' agreement on the first step's loss, the
// machine (with load average) and the adapter. A benchmark, not a test.
import { arg, runBenchPage } from './run-page.mjs';

const query = new URLSearchParams();
for (const k of ['size', 'steps', 'model', 'engines', 't']) if (arg(k)) query.set(k, arg(k));

await runBenchPage({ bench: 'refine', html: 'bench/refine.html', query, port: 5193, pageLog: true });
