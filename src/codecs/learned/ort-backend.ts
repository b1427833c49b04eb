// The 'onnx-wasm' and 'onnx-webgpu' backends: onnxruntime-web sessions on ONNX graphs built from the model
// package's op lists and weights when first needed (onnx-graph.ts; docs/model-package.md "ONNX graphs"). The
// caller passes the ort module, because the right entry point differs: the browser imports
// 'onnxruntime-web/wasm' or 'onnxruntime-web/webgpu', Node imports 'onnxruntime-web'.
// The hyper_synthesis and context graphs (integer ops) always run on the wasm EP: ConvInteger has no WebGPU
// kernel anyway, and the table index must be exact.
import { isOutOfMemory, messageOf } from '../../errors';
import type * as Ort from 'onnxruntime-web';
import type { Shape } from '../../gpu/tensor';
import { BackendError, type BackendKind, type ContextOutput, type FloatTensor, type HyperSynthesisOutput, type LearnedBackend } from './backend';
import { buildGraph, graphNames, integerInputRanges, type GraphName, type IntRange } from './onnx-graph';
import type { ModelPackage } from './package';

type OrtModule = typeof Ort;
export type { GraphName };

export interface OrtBackendOptions {
  /** 'wasm' → kind 'onnx-wasm'; 'webgpu' → 'onnx-webgpu'. */
  ep: 'wasm' | 'webgpu';
  /** The serialized ONNX model of one graph (built lazily: a decoder never needs the analysis). Default:
   * buildGraph(pkg, name), from the package's op lists and weights. */
  graph?: (name: GraphName) => Promise<Uint8Array>;
}

/**
 * Session creation is serialised per onnxruntime module. onnxruntime-web registers one wasm backend under
 * several EP names ('webgpu', 'wasm', …) and initialises it once per name; two sessions on different EPs
 * created at once (our WebGPU backend's transforms and its wasm hyper-synthesis) both start that
 * initialisation, and the second fails with "multiple calls to 'initWasm()' detected" (issue 19, bug 2).
 */
const creating = new WeakMap<object, Promise<unknown>>();
function serialised<T>(ort: OrtModule, f: () => Promise<T>): Promise<T> {
  const prev = creating.get(ort) ?? Promise.resolve();
  const next = prev.then(f, f);
  creating.set(
    ort,
    next.catch(() => {}),
  );
  return next;
}

function mapError(e: unknown, kind: BackendKind, what: string): BackendError {
  if (e instanceof BackendError) return e;
  const msg = messageOf(e);
  const k = isOutOfMemory(e)
    ? 'out-of-memory'
    : /device (was )?lost|DeviceLost/i.test(msg)
      ? 'device-lost'
      : 'failed';
  return new BackendError(k, kind, `onnxruntime (${kind}) ${what}: ${msg}`);
}

function dims3(d: readonly number[], what: string, kind: BackendKind): Shape {
  if (d.length !== 4 || d[0] !== 1) throw new BackendError('failed', kind, `${what} has dims [${d.join(', ')}], expected [1, C, H, W].`);
  return [d[1], d[2], d[3]];
}

export class OrtBackend implements LearnedBackend {
  readonly kind: BackendKind;
  readonly label: string;
  private readonly sessions = new Map<GraphName, Promise<Ort.InferenceSession>>();

  constructor(
    private readonly ort: OrtModule,
    private readonly pkg: ModelPackage,
    private readonly o: OrtBackendOptions,
  ) {
    this.kind = o.ep === 'webgpu' ? 'onnx-webgpu' : 'onnx-wasm';
    this.label = `onnxruntime-web ${ort.env.versions?.web ?? ''} (${o.ep} EP)`.replace('  ', ' ');
  }

  private session(name: GraphName): Promise<Ort.InferenceSession> {
    let s = this.sessions.get(name);
    if (!s) {
      const ep = name === 'hyper_synthesis' || name === 'context' ? 'wasm' : this.o.ep;
      const graph = this.o.graph ? this.o.graph(name) : Promise.resolve().then(() => buildGraph(this.pkg, name));
      s = graph
        .then((bytes) => serialised(this.ort, () => this.ort.InferenceSession.create(bytes, { executionProviders: [ep], graphOptimizationLevel: 'all' })))
        .catch((e: unknown) => {
          this.sessions.delete(name);
          const err = mapError(e, this.kind, `could not load the ${name} graph`);
          throw new BackendError(err.kind === 'failed' ? 'unavailable' : err.kind, this.kind, err.message);
        });
      this.sessions.set(name, s);
    }
    return s;
  }

  private async run(name: GraphName, feeds: Record<string, Ort.Tensor>): Promise<Ort.InferenceSession.OnnxValueMapType> {
    const s = await this.session(name);
    try {
      return await s.run(feeds);
    } catch (e) {
      throw mapError(e, this.kind, `failed running ${name}`);
    }
  }

  /** The graphs' integer layers are exact for inputs within their documented ranges (onnx-graph.ts
   * integerInputRanges); anything else is refused rather than computed inexactly. */
  private checkRange(v: Int32Array, r: IntRange | undefined, what: string): void {
    if (!r) return;
    for (let i = 0; i < v.length; i++) {
      if (!(v[i] >= r.lo && v[i] <= r.hi)) throw new BackendError('failed', this.kind, `${what}[${i}] = ${v[i]} is outside [${r.lo}, ${r.hi}], the integer graph's input range.`);
    }
  }

  private f32(t: Ort.Tensor, what: string): FloatTensor {
    return { data: t.data as Float32Array, shape: dims3(t.dims, what, this.kind) };
  }

  async analyze(x: Float32Array, height: number, width: number, gain: Float32Array): Promise<FloatTensor> {
    const T = this.ort.Tensor;
    const r = await this.run('analysis', { x: new T('float32', x, [1, 3, height, width]), gain: new T('float32', gain, [gain.length]) });
    return this.f32(r.y as Ort.Tensor, 'y');
  }

  async hyperAnalyze(y: Float32Array, shape: Shape): Promise<FloatTensor> {
    const r = await this.run('hyper_analysis', { y: new this.ort.Tensor('float32', y, [1, ...shape]) });
    return this.f32(r.z as Ort.Tensor, 'z');
  }

  async hyperSynthesis(zHat: Int32Array, shape: Shape): Promise<HyperSynthesisOutput> {
    this.checkRange(zHat, integerInputRanges(this.pkg.manifest).z_hat, 'z_hat');
    const r = await this.run('hyper_synthesis', { z_hat: new this.ort.Tensor('int32', zHat, [1, ...shape]) });
    const index = r.index as Ort.Tensor;
    if (index.type !== 'int32') throw new BackendError('failed', this.kind, `hyper_synthesis index is ${index.type}, expected int32.`);
    const means = r.means as Ort.Tensor | undefined;
    const features = r.features as Ort.Tensor | undefined;
    return { index: index.data as Int32Array, means: means ? (means.data as Float32Array) : null, features: features ? (features.data as Int32Array) : null };
  }

  async context(features: Int32Array, featureShape: Shape, symbols: Int32Array, yShape: Shape): Promise<ContextOutput> {
    const T = this.ort.Tensor;
    this.checkRange(features, integerInputRanges(this.pkg.manifest).features, 'features');
    const r = await this.run('context', { features: new T('int32', features, [1, ...featureShape]), symbols: new T('int32', symbols, [1, ...yShape]) });
    const index = r.index as Ort.Tensor;
    if (index.type !== 'int32') throw new BackendError('failed', this.kind, `context index is ${index.type}, expected int32.`);
    return { index: index.data as Int32Array, means: (r.means as Ort.Tensor).data as Float32Array }; // the non-anchors, pass layout
  }

  async synthesize(yHat: Float32Array, shape: Shape, invGain: Float32Array): Promise<FloatTensor> {
    const T = this.ort.Tensor;
    const r = await this.run('synthesis', { y_hat: new T('float32', yHat, [1, ...shape]), inv_gain: new T('float32', invGain, [invGain.length]) });
    return this.f32(r.x_hat as Ort.Tensor, 'x_hat');
  }

  async prepare(): Promise<void> {
    await Promise.all(graphNames(this.pkg.manifest).map((n) => this.session(n)));
  }

  dispose(): void {
    for (const s of this.sessions.values()) s.then((x) => x.release()).catch(() => {});
    this.sessions.clear();
  }
}
