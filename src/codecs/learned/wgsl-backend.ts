// The 'wgsl' backend: the model package's op lists (docs/model-package.md "Op lists") run on our WebGPU engine
// (src/gpu) through its op-list runner (src/gpu/oplist.ts uploadOps: weights straight from the package, f16
// widened to f32 on upload, a conv2d followed by leaky_relu fused into one dispatch, the integer layers on the
// bit-exact conv2d_int "iconv", which must equal the CPU path in int-hyper.ts — tested). This file only maps
// the backend interface (analyze, hyperAnalyze, hyperSynthesis, synthesize) onto those networks.
import {
  concatChannels,
  GpuEngineError,
  mulChannel,
  uploadChannelVector,
  uploadOps,
  formatAdapter,
  type GpuEngine,
  type OpNetwork,
  type Recorder,
  type Shape,
  type Tensor,
} from '../../gpu';
import { BackendError, type ContextOutput, type FloatTensor, type HyperSynthesisOutput, type LearnedBackend } from './backend';
import type { ModelPackage } from './package';
import { passElements } from './checkerboard';

export class WgslBackend implements LearnedBackend {
  readonly kind = 'wgsl' as const;
  readonly label: string;
  private readonly nets: Partial<Record<'analysis' | 'synthesis' | 'hyper_analysis' | 'hyper_int' | 'index_int' | 'means' | 'context' | 'context_index' | 'context_means', OpNetwork>> = {};

  constructor(
    readonly engine: GpuEngine,
    private readonly pkg: ModelPackage,
  ) {
    this.label = `wgsl on ${formatAdapter(engine.gpu.info)}`;
  }

  private net(name: keyof WgslBackend['nets']): OpNetwork {
    let n = this.nets[name];
    if (!n) {
      const t = this.pkg.manifest.transforms;
      const ops = {
        analysis: t.analysis,
        synthesis: t.synthesis,
        hyper_analysis: t.hyper_analysis,
        hyper_int: t.hyper_synthesis_int,
        index_int: t.scale_index_int,
        means: t.means,
        context: t.context_int,
        context_index: t.context_index_int,
        context_means: t.context_means,
      }[name];
      if (!ops) throw new BackendError('failed', 'wgsl', `${this.pkg.name} has no ${name} transform.`);
      n = this.guard(() => uploadOps(this.engine, ops, this.pkg));
      this.nets[name] = n;
    }
    return n;
  }

  private guard<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      throw this.mapError(e);
    }
  }

  private mapError(e: unknown): unknown {
    if (!(e instanceof GpuEngineError)) return e;
    const kind = e.kind === 'device-lost' ? 'device-lost' : e.kind === 'out-of-memory' || e.kind === 'too-large' ? 'out-of-memory' : 'failed';
    return new BackendError(kind, 'wgsl', `WGSL engine: ${e.message}`);
  }

  private async exec<T extends readonly Tensor[]>(build: (rec: Recorder) => T, cleanup: () => void = () => {}) {
    let rec: Recorder | null = null;
    try {
      rec = this.engine.record();
      const outs = build(rec);
      const r = rec;
      rec = null;
      const data = await r.run(outs);
      for (const t of outs) this.engine.release(t);
      return data;
    } catch (e) {
      rec?.discard();
      throw this.mapError(e);
    } finally {
      cleanup();
    }
  }

  async analyze(x: Float32Array, height: number, width: number, gain: Float32Array): Promise<FloatTensor> {
    const net = this.guard(() => this.net('analysis'));
    const g = this.guard(() => uploadChannelVector(this.engine, gain));
    const input = this.guard(() => this.engine.upload(x, [3, height, width]));
    let shape: Shape = [0, 0, 0];
    const [y] = await this.exec(
      (rec) => {
        const y0 = net.record(rec, input);
        rec.release(input);
        const y = mulChannel(rec, y0, g);
        rec.release(y0);
        shape = y.shape;
        return [y] as const;
      },
      () => g.buffer.destroy(),
    );
    return { data: y as Float32Array, shape };
  }

  async hyperAnalyze(y: Float32Array, shape: Shape): Promise<FloatTensor> {
    const net = this.guard(() => this.net('hyper_analysis'));
    const input = this.guard(() => this.engine.upload(y, shape));
    let zShape: Shape = [0, 0, 0];
    const [z] = await this.exec((rec) => {
      const z = net.record(rec, input);
      rec.release(input);
      zShape = z.shape;
      return [z] as const;
    });
    return { data: z as Float32Array, shape: zShape };
  }

  async hyperSynthesis(zHat: Int32Array, shape: Shape): Promise<HyperSynthesisOutput> {
    const ms = !!this.pkg.manifest.transforms.means;
    const withFeatures = !!this.pkg.manifest.transforms.context_int; // the checkerboard context reads them too
    const nets = this.guard(() => ({ f: this.net('hyper_int'), i: this.net('index_int'), m: ms ? this.net('means') : null }));
    const z = this.guard(() => this.engine.upload(zHat, shape));
    const outs = await this.exec((rec) => {
      const feats = nets.f.record(rec, z);
      rec.release(z);
      const index = nets.i.record(rec, feats);
      const means = nets.m ? nets.m.record(rec, feats) : null;
      if (withFeatures) return means ? ([index, means, feats] as const) : ([index, feats] as const);
      rec.release(feats);
      return means ? ([index, means] as const) : ([index] as const);
    });
    return {
      index: outs[0] as Int32Array,
      means: nets.m ? (outs[1] as Float32Array) : null,
      features: withFeatures ? (outs[outs.length - 1] as Int32Array) : null,
    };
  }

  async context(features: Int32Array, featureShape: Shape, symbols: Int32Array, yShape: Shape): Promise<ContextOutput> {
    const nets = this.guard(() => ({ c: this.net('context'), i: this.net('context_index'), m: this.net('context_means') }));
    const f = this.guard(() => this.engine.upload(features, featureShape));
    const s = this.guard(() => this.engine.upload(symbols, yShape));
    const [index, means] = await this.exec((rec) => {
      const ctx = nets.c.record(rec, s); // our checkerboard kernel: the non-anchors only, over the anchors only
      rec.release(s);
      const cat = concatChannels(rec, [f, ctx]); // buffer copies
      rec.release(f);
      rec.release(ctx);
      const index = nets.i.record(rec, cat);
      const means = nets.m.record(rec, cat);
      rec.release(cat);
      return [index, means] as const;
    });
    // the heads ran at every position; the non-anchors' values in pass layout
    return { index: passElements(index as Int32Array, yShape, 1), means: passElements(means as Float32Array, yShape, 1) };
  }

  /** The integer trunk alone (features 0 … 127 and index): what the tests compare with the CPU path. */
  async intHyper(zHat: Int32Array, shape: Shape): Promise<{ features: Int32Array; index: Int32Array }> {
    const nets = this.guard(() => ({ f: this.net('hyper_int'), i: this.net('index_int') }));
    const z = this.guard(() => this.engine.upload(zHat, shape));
    const [features, index] = await this.exec((rec) => {
      const feats = nets.f.record(rec, z);
      rec.release(z);
      return [feats, nets.i.record(rec, feats)] as const;
    });
    return { features: features as Int32Array, index: index as Int32Array };
  }

  async synthesize(yHat: Float32Array, shape: Shape, invGain: Float32Array): Promise<FloatTensor> {
    const net = this.guard(() => this.net('synthesis'));
    const g = this.guard(() => uploadChannelVector(this.engine, invGain));
    const y = this.guard(() => this.engine.upload(yHat, shape));
    let outShape: Shape = [0, 0, 0];
    const [x] = await this.exec(
      (rec) => {
        const yg = mulChannel(rec, y, g);
        rec.release(y);
        const xh = net.record(rec, yg);
        rec.release(yg);
        outShape = xh.shape;
        return [xh] as const;
      },
      () => g.buffer.destroy(),
    );
    return { data: x as Float32Array, shape: outShape };
  }

  async prepare(): Promise<void> {
    const t = this.pkg.manifest.transforms;
    this.guard(() => {
      this.net('analysis');
      this.net('synthesis');
      if (t.hyper_analysis) this.net('hyper_analysis');
      if (t.hyper_synthesis_int) this.net('hyper_int');
      if (t.scale_index_int) this.net('index_int');
      if (t.means) this.net('means');
      if (t.context_int) {
        this.net('context');
        this.net('context_index');
        this.net('context_means');
      }
    });
  }

  dispose(): void {
    for (const n of Object.values(this.nets)) n?.destroy();
    for (const k of Object.keys(this.nets)) delete this.nets[k as keyof WgslBackend['nets']];
    this.engine.pool.trim();
  }
}
