// Runs in headless Chromium (bench/refine.mjs serves it). For each engine: one warm-up refinement step
// (pipelines, sessions, weight upload), then `steps` timed steps of refineLatents (the whole step: means head,
// synthesis forward + VJP, integer hyper-synthesis and rate terms in TypeScript, Adam), and the synthesis
// forward + VJP alone (engine.synthesisGrad, best of `steps`). Publishes JSON on window.__benchResult.
import * as ortWasm from 'onnxruntime-web/wasm';
import { describeAdapter, formatAdapter } from '../src/gpu/device';
import { backendFor, loadPackage } from '../src/codecs/learned/loader';
import { imageToPaddedChw } from '../src/codecs/learned/image';
import type { RefineEngine } from '../src/codecs/learned/refine/engine';
import { OrtRefineEngine } from '../src/codecs/learned/refine/onnx-vjp';
import { evaluate, makeProblem, refineLatents } from '../src/codecs/learned/refine/refine';
import { WgslRefineEngine } from '../src/codecs/learned/refine/wgsl-engine';
import type { WgslBackend } from '../src/codecs/learned/wgsl-backend';
import type { RgbaImage } from '../src/codecs/types';
import { mulberry32 } from '../src/testing/random';

const params = new URLSearchParams(location.search);
const size = Number(params.get('size') ?? 128);
const steps = Math.max(1, Number(params.get('steps') ?? 3));
const modelName = params.get('model') ?? 'mean-scale';
const engines = (params.get('engines') ?? 'wgsl,onnx-wasm').split(',');
const rate = Math.fround(Number(params.get('t') ?? 0.5));

const logEl = document.getElementById('log')!;
function log(s: string) {
  logEl.textContent += '\n' + s;
  console.log(s);
}
const r1 = (v: number) => Math.round(v * 10) / 10;

async function loadImage(): Promise<RgbaImage> {
  const bmp = await createImageBitmap(await (await fetch('/samples/dandelions.jpg')).blob());
  const c = new OffscreenCanvas(size, size);
  const g = c.getContext('2d')!;
  const x0 = Math.floor((bmp.width - size) / 2);
  const y0 = Math.floor((bmp.height - size) / 2);
  g.drawImage(bmp, x0, y0, size, size, 0, 0, size, size);
  return { width: size, height: size, data: g.getImageData(0, 0, size, size).data };
}

async function main() {
  if (size % 64 !== 0) throw new Error('size must be a multiple of 64 (no padding: the figure is per real pixel)');
  const image = await loadImage();
  const a = navigator.gpu ? await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' }) : null;
  const adapter = a ? describeAdapter(a) : null;
  const ort = ortWasm as unknown as typeof import('onnxruntime-web');
  ort.env.wasm.numThreads = crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  const pkg = await loadPackage(modelName);
  const wasm = await backendFor(pkg, 'onnx-wasm');
  const x = imageToPaddedChw(image, 64);
  const y = (await wasm.analyze(x.data, size, size, pkg.gain(rate))).data;
  const z = (await wasm.hyperAnalyze(y, [pkg.manifest.channels.M, size / 16, size / 16])).data;
  const mp = (size * size) / 1e6;
  const out: Record<string, unknown> = {
    image: { file: 'dandelions.jpg (centre crop)', width: size, height: size },
    model: modelName,
    rate,
    steps,
    adapter: adapter ? { ...adapter, text: formatAdapter(adapter) } : 'no WebGPU adapter',
    crossOriginIsolated,
    onnxWasmThreads: ort.env.wasm.numThreads,
    hardwareConcurrency: navigator.hardwareConcurrency,
  };
  const per: Record<string, Record<string, unknown>> = {};
  const firstLoss: Record<string, number> = {};
  for (const kind of engines) {
    let engine: RefineEngine;
    if (kind === 'wgsl') engine = new WgslRefineEngine(((await backendFor(pkg, 'wgsl')) as WgslBackend).engine, pkg);
    else if (kind === 'onnx-wasm') engine = new OrtRefineEngine(ort, pkg, 'wasm');
    else throw new Error(`unknown engine ${kind}`);
    const w0 = performance.now();
    const p = makeProblem(pkg, engine, x.data, size, size, rate);
    firstLoss[kind] = (await evaluate(p, y, z, 0.5, mulberry32(1))).info.loss; // warm-up and agreement
    const warmMs = performance.now() - w0;
    const r = await refineLatents(pkg, x.data, size, size, y, z, rate, { steps, engine });
    const syn: number[] = [];
    const yHat = Float32Array.from(y, (v) => Math.round(v));
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      await engine.synthesisGrad(yHat, [pkg.manifest.channels.M, size / 16, size / 16], pkg.gain(rate, true), p.target, p.wt);
      syn.push(performance.now() - t0);
    }
    const synMs = Math.min(...syn);
    per[kind] = {
      label: engine.label,
      msPerStep: r1(r.msPerStep),
      secondsPerMegapixelPerStep: r1(r.msPerStep / 1000 / mp),
      synthesisGradMs: r1(synMs),
      synthesisGradSecondsPerMegapixel: r1(synMs / 1000 / mp),
      synthesisShareOfStep: Math.round((synMs / r.msPerStep) * 100) / 100,
      firstStepMs: r1(warmMs),
      lossAfterSteps: r.history.at(-1)?.loss,
    };
    log(`${kind}: ${r1(r.msPerStep)} ms/step (${r1(r.msPerStep / 1000 / mp)} s/MP), synthesis forward + VJP ${r1(synMs)} ms`);
    engine.dispose();
  }
  out.engines = per;
  if (per.wgsl && per['onnx-wasm']) {
    out['wgsl / onnx-wasm (per step)'] = Math.round(((per.wgsl.msPerStep as number) / (per['onnx-wasm'].msPerStep as number)) * 100) / 100;
    out['first-step loss, relative difference'] = Math.abs(firstLoss.wgsl - firstLoss['onnx-wasm']) / firstLoss['onnx-wasm'];
  }
  (window as unknown as { __benchResult: unknown }).__benchResult = out;
}

main().catch((e) => {
  (window as unknown as { __benchError: string }).__benchError = String(e?.stack ?? e);
});
