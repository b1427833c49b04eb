// Browser/worker side: model packages fetched lazily from /models/<name>/ (public/ is served at the site root)
// with the shared packages they use (/models/<shared>/), cached per worker, and the backends that run them,
// created once per (model, backend). Node code (CLI, tests) uses src/cli/node-io.ts instead.
import type * as Ort from 'onnxruntime-web';
import { GpuEngine } from '../../gpu';
import type { BackendKind, LearnedBackend } from './backend';
import { markGpuLost } from './choose';
import { modelsBaseUrl } from './model-info';
import { OrtBackend } from './ort-backend';
import { fetchSharedPackage, ModelPackage, type PackageReference, type SharedPackageData } from './package';
import { WgslBackend } from './wgsl-backend';
import type { RefineEngine } from './refine/engine';

const packages = new Map<string, Promise<ModelPackage>>();
const sharedPackages = new Map<string, Promise<SharedPackageData>>();

/** A shared package (the transforms several codecs use), fetched once per worker; each codec still checks it. */
function loadShared(url: string, ref: PackageReference): Promise<SharedPackageData> {
  const key = `${url}#${ref.sha256}`;
  let p = sharedPackages.get(key);
  if (!p) {
    p = fetchSharedPackage(url, ref);
    p.catch(() => sharedPackages.delete(key));
    sharedPackages.set(key, p);
  }
  return p;
}

/** The package `name` (manifest, weights and the shared packages it uses, SHA-256 checked), fetched once per worker. */
export function loadPackage(name: string, baseUrl = modelsBaseUrl()): Promise<ModelPackage> {
  const key = baseUrl + name;
  let p = packages.get(key);
  if (!p) {
    p = ModelPackage.fetch(`${baseUrl}${name}/`, { shared: loadShared });
    p.catch(() => packages.delete(key));
    packages.set(key, p);
  }
  return p;
}

// ───────────── onnxruntime-web: one module per entry point, configured once ─────────────

type OrtModule = typeof Ort;
let ortWasm: Promise<OrtModule> | null = null;
let ortWebGpu: Promise<OrtModule> | null = null;

function configure(ort: OrtModule): OrtModule {
  // Threads need cross-origin isolation (SharedArrayBuffer); without it onnxruntime would warn and use one.
  const iso = typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated;
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1;
  ort.env.wasm.numThreads = iso ? Math.max(1, Math.min(4, cores)) : 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  return ort;
}

function ortFor(kind: 'onnx-wasm' | 'onnx-webgpu'): Promise<OrtModule> {
  if (kind === 'onnx-wasm') return (ortWasm ??= import('onnxruntime-web/wasm').then((m) => configure(m as unknown as OrtModule)));
  return (ortWebGpu ??= import('onnxruntime-web/webgpu').then((m) => configure(m as unknown as OrtModule)));
}

// ───────────── WebGPU engine: one per worker, dropped when the device is lost ─────────────

let engine: Promise<GpuEngine> | null = null;

export function gpuEngine(): Promise<GpuEngine> {
  if (!engine) {
    const p = GpuEngine.create({
      onLost: (info) => {
        markGpuLost(`${info.reason}: ${info.message}`);
        dropGpu();
      },
    });
    p.catch(() => {
      if (engine === p) engine = null;
    });
    engine = p;
  }
  return engine;
}

const backends = new Map<string, Promise<LearnedBackend>>();

/** Forgets every GPU-side backend and refinement engine (after a device loss); the next encode builds them again
 * or falls back. */
export function dropGpu(): void {
  for (const cache of [refineEngines, backends] as Map<string, Promise<{ dispose(): void }>>[]) {
    for (const [k, e] of cache) {
      if (k.endsWith('|onnx-wasm')) continue;
      cache.delete(k);
      e.then((x) => x.dispose()).catch(() => {});
    }
  }
  engine = null;
}

/** The backend of `kind` for a package (created once; WebGPU ones share the worker's engine / device; the
 * onnxruntime ones build their graphs from the package, onnx-graph.ts). */
export function backendFor(pkg: ModelPackage, kind: BackendKind): Promise<LearnedBackend> {
  const key = `${pkg.hash.join(',')}|${kind}`;
  let b = backends.get(key);
  if (!b) {
    b =
      kind === 'wgsl'
        ? gpuEngine().then((e) => new WgslBackend(e, pkg))
        : ortFor(kind).then((ort) => new OrtBackend(ort, pkg, { ep: kind === 'onnx-webgpu' ? 'webgpu' : 'wasm' }));
    b.catch(() => backends.delete(key));
    backends.set(key, b);
  }
  return b;
}

const refineEngines = new Map<string, Promise<RefineEngine>>();

/** The refinement engine (issue 20) beside a backend, created once per (model, backend) and loaded only when an
 * encode asks for refinement: WGSL on the wgsl backend's engine, onnxruntime on the onnxruntime ones' module and
 * execution provider. */
export function refineEngineFor(pkg: ModelPackage, backend: LearnedBackend): Promise<RefineEngine> {
  const key = `${pkg.hash.join(',')}|${backend.kind}`;
  let e = refineEngines.get(key);
  if (!e) {
    e =
      backend instanceof WgslBackend
        ? import('./refine/wgsl-engine').then((m) => new m.WgslRefineEngine(backend.engine, pkg))
        : Promise.all([import('./refine/onnx-vjp'), ortFor(backend.kind === 'onnx-webgpu' ? 'onnx-webgpu' : 'onnx-wasm')]).then(
            ([m, ort]) => new m.OrtRefineEngine(ort, pkg, backend.kind === 'onnx-webgpu' ? 'webgpu' : 'wasm'),
          );
    e.catch(() => refineEngines.delete(key));
    refineEngines.set(key, e);
  }
  return e;
}
