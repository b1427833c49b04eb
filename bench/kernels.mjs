// `npm run bench:kernels [-- --small] [-- --runs N] [-- --wgsl-only]`
// Serves bench/kernels.html with Vite (COOP/COEP on, so onnxruntime's wasm EP can use threads), opens it in
// headless Chromium (scripts/chromium.mjs, same flags as the tests) and prints the page's JSON result, adding
// the machine it ran on. A benchmark, not a test: nothing is asserted, the full shapes take minutes on SwiftShader.
import { arg, flag, runBenchPage } from './run-page.mjs';

const query = new URLSearchParams();
if (flag('small')) query.set('small', '1');
if (Number(arg('runs'))) query.set('runs', String(Number(arg('runs'))));
if (flag('wgsl-only')) query.set('only', 'wgsl');

await runBenchPage({ bench: 'kernels', html: 'bench/kernels.html', query, port: 5190, pageLog: !!process.env.BENCH_VERBOSE });
