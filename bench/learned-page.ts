// Runs in headless Chromium (bench/learned.mjs serves it with Vite, COOP/COEP on so onnxruntime's wasm EP may use
// threads). For each model and backend: one warm-up encode + decode (sessions, pipelines, weight upload), then
// `runs` timed ones of the 768×512 sample (dandelions.jpg), with the stage breakdown; publishes JSON on
// window.__benchResult. Times are wall clock of the whole pipeline (transforms, entropy coding, transfers).
import { describeAdapter, formatAdapter } from '../src/gpu/device';
import { BACKEND_KINDS, type BackendKind } from '../src/codecs/learned/backend';
import { backendFor, loadPackage } from '../src/codecs/learned/loader';
import { decodeFile, encodeImage } from '../src/codecs/learned/pipeline';
import { psnrRgb } from '../src/metrics/psnr';
import { LEARNED_CODECS, modelShipped } from '../src/codecs/registry';
import type { RgbaImage } from '../src/codecs/types';

const params = new URLSearchParams(location.search);
const small = params.get('small') === '1';
const runs = Math.max(1, Number(params.get('runs') ?? 1));
// default: every learned codec whose package is under public/models (checkerboard once it ships)
const models = (params.get('models') ?? LEARNED_CODECS.map((c) => c.id).filter(modelShipped).join(',')).split(',');
const kinds = (params.get('backends') ?? BACKEND_KINDS.join(',')).split(',') as BackendKind[];
const rate = Number(params.get('t') ?? 0.5);

const logEl = document.getElementById('log')!;
function log(s: string) {
  logEl.textContent += '\n' + s;
  console.log(s);
}

async function loadImage(): Promise<RgbaImage> {
  const bmp = await createImageBitmap(await (await fetch('/samples/dandelions.jpg')).blob());
  const w = small ? 256 : bmp.width;
  const h = small ? 192 : bmp.height;
  const c = new OffscreenCanvas(w, h);
  const g = c.getContext('2d')!;
  g.drawImage(bmp, 0, 0, w, h, 0, 0, w, h);
  return { width: w, height: h, data: g.getImageData(0, 0, w, h).data };
}

const best = (v: number[]) => Math.min(...v);
const r1 = (v: number) => Math.round(v * 10) / 10;

async function main() {
  const image = await loadImage();
  const a = navigator.gpu ? await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' }) : null;
  const adapter = a ? describeAdapter(a) : null;
  const out: Record<string, unknown> = {
    image: { file: 'dandelions.jpg', width: image.width, height: image.height },
    rate,
    runs,
    adapter: adapter ? { ...adapter, text: formatAdapter(adapter) } : 'no WebGPU adapter',
    crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
  };
  const results: Record<string, unknown> = {};
  for (const name of models) {
    const pkg = await loadPackage(name);
    const per: Record<string, unknown> = {};
    const enc: Partial<Record<BackendKind, number>> = {};
    const dec: Partial<Record<BackendKind, number>> = {};
    for (const kind of kinds) {
      try {
        const backend = await backendFor(pkg, kind);
        const w0 = performance.now();
        const warm = await encodeImage(pkg, backend, image, rate);
        await decodeFile(pkg, backend, warm.bytes);
        const warmMs = performance.now() - w0;
        const e: number[] = [];
        const d: number[] = [];
        let last = warm;
        let stages: Record<string, number> = {};
        let psnr = 0;
        for (let i = 0; i < runs; i++) {
          const t0 = performance.now();
          last = await encodeImage(pkg, backend, image, rate);
          const t1 = performance.now();
          const r = await decodeFile(pkg, backend, last.bytes);
          const t2 = performance.now();
          e.push(t1 - t0);
          d.push(t2 - t1);
          psnr = psnrRgb(image, r.image);
          stages = { ...Object.fromEntries(Object.entries(last.stageMs).map(([k, v]) => [`encode: ${k}`, r1(v)])), ...Object.fromEntries(Object.entries(r.stageMs).map(([k, v]) => [`decode: ${k}`, r1(v)])) };
        }
        enc[kind] = best(e);
        dec[kind] = best(d);
        per[kind] = {
          label: backend.label,
          encodeMs: r1(best(e)),
          decodeMs: r1(best(d)),
          firstEncodeDecodeMs: r1(warmMs),
          encodeRunsMs: e.map(r1),
          decodeRunsMs: d.map(r1),
          stagesMs: stages,
          bytes: last.bytes.length,
          bpp: Math.round(((8 * last.bytes.length) / (image.width * image.height)) * 1e4) / 1e4,
          psnr: Math.round(psnr * 100) / 100,
        };
        log(`${name} ${kind}: encode ${r1(best(e))} ms, decode ${r1(best(d))} ms, ${last.bytes.length} B`);
      } catch (err) {
        per[kind] = { error: String((err as Error)?.message ?? err) };
        log(`${name} ${kind}: ${String((err as Error)?.message ?? err)}`);
      }
    }
    const ratios: Record<string, number> = {};
    for (const k of kinds) {
      if (k === 'onnx-wasm' || enc[k] === undefined || enc['onnx-wasm'] === undefined) continue;
      ratios[`encode ${k} / onnx-wasm`] = Math.round((enc[k]! / enc['onnx-wasm']!) * 100) / 100;
      ratios[`decode ${k} / onnx-wasm`] = Math.round((dec[k]! / dec['onnx-wasm']!) * 100) / 100;
    }
    results[name] = { ...per, ratios };
  }
  // each model against mean-scale on the same backend, same run (issue 17's target: checkerboard decode <= 1.3x on onnx-wasm)
  const ms = results['mean-scale'] as Record<string, { encodeMs?: number; decodeMs?: number }> | undefined;
  for (const [name, r] of Object.entries(results) as [string, Record<string, unknown>][]) {
    if (!ms || name === 'mean-scale') continue;
    const vs: Record<string, number> = {};
    for (const k of kinds) {
      const a = r[k] as { encodeMs?: number; decodeMs?: number } | undefined;
      const b = ms[k];
      if (a?.decodeMs && b?.decodeMs) {
        vs[`decode ${k} / mean-scale`] = Math.round((a.decodeMs / b.decodeMs) * 100) / 100;
        vs[`encode ${k} / mean-scale`] = Math.round((a.encodeMs! / b.encodeMs!) * 100) / 100;
      }
    }
    r.vsMeanScale = vs;
  }
  out.models = results;
  (window as unknown as { __benchResult: unknown }).__benchResult = out;
}

main().catch((e) => {
  (window as unknown as { __benchError: string }).__benchError = String(e?.stack ?? e);
});
