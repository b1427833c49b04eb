// `npm run bench:learned [-- --small] [-- --runs N] [-- --models a,b] [-- --backends wgsl,onnx-wasm]`
// Encode/decode time of the learned codecs on a 768×512 photo per backend (wgsl, onnx-webgpu, onnx-wasm) in
// headless Chromium (scripts/chromium.mjs, same flags as the tests), served by Vite with COOP/COEP. Prints JSON
// with the machine, the adapter and ratios against onnx-wasm. A benchmark, not a test: on SwiftShader (no GPU)
// the WebGPU backends take tens of seconds per image; --small uses a 256×192 crop.
import { arg, flag, runBenchPage } from './run-page.mjs';

const query = new URLSearchParams();
if (flag('small')) query.set('small', '1');
for (const k of ['runs', 'models', 'backends', 't']) if (arg(k)) query.set(k, arg(k));

await runBenchPage({ bench: 'learned', html: 'bench/learned.html', query, port: 5191, pageLog: true });
