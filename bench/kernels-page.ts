// Runs in headless Chromium (bench/kernels.mjs serves it with Vite). For each layer it times
//   - our WGSL kernels (GPU time from timestamp queries where the adapter has them, and wall time),
//   - the same layer as an ONNX model in onnxruntime-web's WebGPU EP and wasm EP (wall time of session.run),
// checks the three outputs agree, and publishes the JSON on window.__benchResult.
// Wall times cover the same work for all three: upload the input, run, read the output back.
import * as ort from 'onnxruntime-web/webgpu';
import { GpuEngine } from '../src/gpu/engine';
import { conv2d, uploadConv2d } from '../src/gpu/ops/conv2d';
import { depthToSpace } from '../src/gpu/ops/depth_to_space';
import { convModel } from './kernels-onnx';

interface Case {
  name: string;
  cin: number;
  cout: number;
  k: number;
  stride: number;
  h: number;
  w: number;
  depthToSpace?: number;
}

interface Timing {
  /** Best of the timed runs. */
  wallMs: number;
  gpuMs?: number;
  gflops: number;
  gflopsGpu?: number;
  runs: number[];
}

const params = new URLSearchParams(location.search);
const small = params.get('small') === '1';
const runs = Math.max(1, Number(params.get('runs') ?? (small ? 3 : 1)));
const only = params.get('only'); // "wgsl" to skip onnxruntime (debugging)

const cases: Case[] = small
  ? [
      { name: 'conv2d 128→128 5×5 s2', cin: 128, cout: 128, k: 5, stride: 2, h: 192, w: 128 },
      { name: 'conv2d 3×3 128→512 + depth-to-space ×2', cin: 128, cout: 512, k: 3, stride: 1, h: 48, w: 32, depthToSpace: 2 },
    ]
  : [
      { name: 'conv2d 128→128 5×5 s2', cin: 128, cout: 128, k: 5, stride: 2, h: 768, w: 512 },
      { name: 'conv2d 3×3 128→512 + depth-to-space ×2', cin: 128, cout: 512, k: 3, stride: 1, h: 192, w: 128, depthToSpace: 2 },
    ];

const logEl = document.getElementById('log')!;
function log(s: string) {
  logEl.textContent += '\n' + s;
  console.log(s);
}

function rand(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a * 1664525 + 1013904223) >>> 0;
    return a / 4294967296 - 0.5;
  };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = d;
  }
  return m;
}

const round = (v: number, d = 3) => Number(v.toFixed(d));

async function timeIt(n: number, f: () => Promise<{ gpuMs?: number }>): Promise<{ wall: number[]; gpu: number[] }> {
  const wall: number[] = [];
  const gpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await f();
    wall.push(performance.now() - t0);
    if (r.gpuMs !== undefined) gpu.push(r.gpuMs);
  }
  return { wall, gpu };
}

async function main() {
  const engine = await GpuEngine.create();
  const threads = crossOriginIsolated ? Math.min(navigator.hardwareConcurrency || 1, 16) : 1;
  ort.env.wasm.numThreads = threads;
  const out: Record<string, unknown> = {
    adapter: engine.gpu.info,
    features: [...engine.gpu.features],
    timestamps: engine.gpu.hasTimestamps,
    maxStorageBindingMiB: Math.round(engine.maxBindingBytes / 2 ** 20),
    crossOriginIsolated,
    ortVersion: ort.env.versions?.web ?? 'unknown',
    ortWasmThreads: threads,
    small,
    timedRuns: runs,
    timing:
      'wgsl.gpuMs: GPU time of the dispatches from timestamp queries; *.wallMs: upload input + run + read output back ' +
      '(performance.now around the whole call), best of timedRuns after one warm-up run; GFLOP/s = 2·K²·Cin·Cout·Hout·Wout / t. ' +
      'ratios = other wall time / WGSL wall time (> 1: WGSL is faster).',
    cases: [] as unknown[],
  };
  for (const c of cases) {
    const r = rand(c.cin * 31 + c.k);
    const pad = (c.k - 1) >> 1;
    const ho = Math.floor((c.h + 2 * pad - c.k) / c.stride) + 1;
    const wo = Math.floor((c.w + 2 * pad - c.k) / c.stride) + 1;
    const flop = 2 * c.k * c.k * c.cin * c.cout * ho * wo;
    const x = new Float32Array(c.cin * c.h * c.w);
    for (let i = 0; i < x.length; i++) x[i] = r();
    const a = 2 / Math.sqrt(c.cin * c.k * c.k);
    const weight = new Float32Array(c.cout * c.cin * c.k * c.k);
    for (let i = 0; i < weight.length; i++) weight[i] = a * r();
    const bias = new Float32Array(c.cout);
    for (let i = 0; i < bias.length; i++) bias[i] = r();
    const outShape = c.depthToSpace ? [c.cout / 4, ho * 2, wo * 2] : [c.cout, ho, wo];
    log(`${c.name}: input ${c.cin}×${c.h}×${c.w} → ${outShape.join('×')}, ${(flop / 1e9).toFixed(2)} GFLOP`);
    const entry: Record<string, unknown> = { name: c.name, input: [c.cin, c.h, c.w], output: outShape, gflop: round(flop / 1e9, 3) };

    // --- WGSL
    const layer = uploadConv2d(engine, { cin: c.cin, cout: c.cout, k: c.k, stride: c.stride, pad, weight, bias });
    let wgslOut: Float32Array | null = null;
    const wgslRun = async () => {
      const xt = engine.upload(x, [c.cin, c.h, c.w]);
      const rec = engine.record({ profile: true });
      let y = conv2d(rec, xt, layer);
      rec.release(xt);
      if (c.depthToSpace) {
        const z = depthToSpace(rec, y, c.depthToSpace);
        rec.release(y);
        y = z;
      }
      const [data] = await rec.run([y]);
      engine.release(y);
      wgslOut = data as Float32Array;
      return { gpuMs: rec.timings.length ? rec.timings.reduce((s, t) => s + t.ms, 0) : undefined };
    };
    await wgslRun();
    const tw = await timeIt(runs, wgslRun);
    const wg: Timing = { wallMs: round(Math.min(...tw.wall)), gflops: 0, runs: tw.wall.map((v) => round(v)) };
    wg.gflops = round(flop / 1e6 / wg.wallMs);
    if (tw.gpu.length) {
      wg.gpuMs = round(Math.min(...tw.gpu));
      wg.gflopsGpu = round(flop / 1e6 / wg.gpuMs);
    }
    entry.wgsl = wg;
    log(`  wgsl: ${JSON.stringify(wg)}`);

    // --- onnxruntime-web
    if (only !== 'wgsl') {
      const model = convModel({ cin: c.cin, cout: c.cout, k: c.k, stride: c.stride, pad, h: c.h, w: c.w, weight, bias, depthToSpace: c.depthToSpace });
      const check: Record<string, number> = {};
      for (const ep of ['webgpu', 'wasm'] as const) {
        const key = ep === 'webgpu' ? 'ortWebgpu' : 'ortWasm';
        try {
          const sess = await ort.InferenceSession.create(model, { executionProviders: [ep], graphOptimizationLevel: 'all' });
          let y: Float32Array | null = null;
          const run = async () => {
            const res = await sess.run({ x: new ort.Tensor('float32', x, [1, c.cin, c.h, c.w]) });
            y = (await res.y.getData()) as Float32Array;
            res.y.dispose();
            return {};
          };
          await run();
          const t = await timeIt(runs, run);
          const tm: Timing = { wallMs: round(Math.min(...t.wall)), gflops: 0, runs: t.wall.map((v) => round(v)) };
          tm.gflops = round(flop / 1e6 / tm.wallMs);
          entry[key] = tm;
          if (y && wgslOut) check[`maxAbsDiffWgslVs${ep === 'webgpu' ? 'OrtWebgpu' : 'OrtWasm'}`] = maxAbsDiff(wgslOut, y);
          await sess.release();
          log(`  ${key}: ${JSON.stringify(tm)}`);
        } catch (e) {
          entry[key] = { error: String((e as Error)?.message ?? e) };
          log(`  ${key}: error ${String(e)}`);
        }
      }
      entry.check = check;
      const ratio = (k: string) => {
        const t = entry[k] as Timing | { error: string };
        return 'wallMs' in t ? round(t.wallMs / wg.wallMs, 3) : null;
      };
      entry.ratios = { ortWebgpuWallOverWgslWall: ratio('ortWebgpu'), ortWasmWallOverWgslWall: ratio('ortWasm') };
    }
    (out.cases as unknown[]).push(entry);
    layer.weight.destroy();
    layer.bias?.destroy();
    layer.taps.destroy();
    engine.pool.trim();
  }
  engine.destroy();
  return out;
}

declare global {
  interface Window {
    __benchResult?: unknown;
    __benchError?: string;
  }
}

main().then(
  (r) => {
    window.__benchResult = r;
    log('done');
  },
  (e) => {
    window.__benchError = String((e as Error)?.stack ?? e);
    log('failed: ' + window.__benchError);
  },
);
