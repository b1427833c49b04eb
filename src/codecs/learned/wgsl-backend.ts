// The 'wgsl' backend: the model package's op lists (docs/model-package.md "Op lists") run on our WebGPU engine
// (src/gpu). Weights come straight from the package (f16 widened to f32 on upload; GDN β/γ are the effective
// values the engine expects); a conv2d followed by leaky_relu is fused into one dispatch. The integer
// hyper-synthesis runs as the engine's bit-exact conv2d_int ("iconv"), which must equal the CPU path in
// int-hyper.ts (tested).
import {
  abs,
  conv2d,
  depthToSpace,
  gdn,
  GpuEngineError,
  iconv,
  leakyRelu,
  mulChannel,
  toFloat,
  uploadChannelVector,
  uploadConv2d,
  uploadGdn,
  uploadIConv,
  formatAdapter,
  type Conv2dLayer,
  type GdnLayer,
  type GpuEngine,
  type IConvLayer,
  type Recorder,
  type Shape,
  type Tensor,
} from '../../gpu';
import { BackendError, type FloatTensor, type HyperSynthesisOutput, type LearnedBackend } from './backend';
import { iconvParams } from './int-hyper';
import { PackageError, type ModelPackage, type Op } from './package';

type GpuOp =
  | { kind: 'conv'; l: Conv2dLayer }
  | { kind: 'gdn'; l: GdnLayer }
  | { kind: 'iconv'; l: IConvLayer }
  | { kind: 'd2s'; r: number }
  | { kind: 'abs' }
  | { kind: 'leaky'; slope: number }
  | { kind: 'toFloat'; scale: number };

/** Uploads an op list's weights; conv2d + leaky_relu become one fused conv. */
export function uploadOps(engine: GpuEngine, pkg: ModelPackage, ops: readonly Op[]): GpuOp[] {
  const out: GpuOp[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    switch (op.op) {
      case 'conv2d': {
        const next = ops[i + 1];
        const fuse = next?.op === 'leaky_relu';
        out.push({
          kind: 'conv',
          l: uploadConv2d(engine, {
            cin: op.cin,
            cout: op.cout,
            k: op.kernel,
            stride: op.stride,
            pad: op.padding,
            weight: pkg.f32(op.weight),
            bias: pkg.f32(op.bias),
            act: fuse ? { leakyRelu: next.slope } : 'none',
          }),
        });
        if (fuse) i++;
        break;
      }
      case 'gdn':
      case 'igdn':
        out.push({ kind: 'gdn', l: uploadGdn(engine, { channels: op.channels, beta: pkg.f32(op.beta), gamma: pkg.f32(op.gamma), inverse: op.op === 'igdn' }) });
        break;
      case 'iconv2d':
        out.push({ kind: 'iconv', l: uploadIConv(engine, iconvParams(pkg, op)) });
        break;
      case 'depth_to_space':
        out.push({ kind: 'd2s', r: op.block });
        break;
      case 'abs':
        out.push({ kind: 'abs' });
        break;
      case 'leaky_relu':
        out.push({ kind: 'leaky', slope: op.slope });
        break;
      case 'int_to_float':
        out.push({ kind: 'toFloat', scale: op.scale });
        break;
      default:
        throw new PackageError('manifest', `op ${(op as { op: string }).op} is not supported by the WGSL backend.`);
    }
  }
  return out;
}

function recordOp(rec: Recorder, x: Tensor, op: GpuOp): Tensor {
  switch (op.kind) {
    case 'conv':
      return conv2d(rec, x, op.l);
    case 'gdn':
      return gdn(rec, x, op.l);
    case 'iconv':
      return iconv(rec, x, op.l);
    case 'd2s':
      return depthToSpace(rec, x, op.r);
    case 'abs':
      return abs(rec, x);
    case 'leaky':
      return leakyRelu(rec, x, op.slope);
    case 'toFloat':
      return toFloat(rec, x, op.scale);
  }
}

/** Records a whole op list; intermediates are released as soon as they are consumed, the input is kept. */
export function recordOps(rec: Recorder, x: Tensor, ops: readonly GpuOp[]): Tensor {
  let cur = x;
  for (const op of ops) {
    const next = recordOp(rec, cur, op);
    if (cur !== x) rec.release(cur);
    cur = next;
  }
  return cur;
}

function destroyOps(ops: readonly GpuOp[]): void {
  for (const op of ops) {
    if (op.kind === 'conv') {
      op.l.weight.destroy();
      op.l.bias?.destroy();
      op.l.taps.destroy();
    } else if (op.kind === 'gdn') {
      op.l.beta.destroy();
      op.l.gamma.destroy();
    } else if (op.kind === 'iconv') {
      op.l.weight.destroy();
      op.l.quant.destroy();
    }
  }
}

export class WgslBackend implements LearnedBackend {
  readonly kind = 'wgsl' as const;
  readonly label: string;
  private readonly nets: Partial<Record<'analysis' | 'synthesis' | 'hyper_analysis' | 'hyper_int' | 'index_int' | 'means', GpuOp[]>> = {};

  constructor(
    readonly engine: GpuEngine,
    private readonly pkg: ModelPackage,
  ) {
    this.label = `wgsl on ${formatAdapter(engine.gpu.info)}`;
  }

  private net(name: keyof WgslBackend['nets']): GpuOp[] {
    let n = this.nets[name];
    if (!n) {
      const t = this.pkg.manifest.transforms;
      const ops = { analysis: t.analysis, synthesis: t.synthesis, hyper_analysis: t.hyper_analysis, hyper_int: t.hyper_synthesis_int, index_int: t.scale_index_int, means: t.means }[name];
      if (!ops) throw new BackendError('failed', 'wgsl', `${this.pkg.name} has no ${name} transform.`);
      n = this.guard(() => uploadOps(this.engine, this.pkg, ops));
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
        const y0 = recordOps(rec, input, net);
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
      const z = recordOps(rec, input, net);
      rec.release(input);
      zShape = z.shape;
      return [z] as const;
    });
    return { data: z as Float32Array, shape: zShape };
  }

  async hyperSynthesis(zHat: Int32Array, shape: Shape): Promise<HyperSynthesisOutput> {
    const ms = !!this.pkg.manifest.transforms.means;
    const nets = this.guard(() => ({ f: this.net('hyper_int'), i: this.net('index_int'), m: ms ? this.net('means') : null }));
    const z = this.guard(() => this.engine.upload(zHat, shape));
    const outs = await this.exec((rec) => {
      const feats = recordOps(rec, z, nets.f);
      rec.release(z);
      const index = recordOps(rec, feats, nets.i);
      if (!nets.m) {
        rec.release(feats);
        return [index] as const;
      }
      const means = recordOps(rec, feats, nets.m);
      rec.release(feats);
      return [index, means] as const;
    });
    return { index: outs[0] as Int32Array, means: nets.m ? (outs[1] as Float32Array) : null };
  }

  /** The integer trunk alone (features 0 … 127 and index): what the tests compare with the CPU path. */
  async intHyper(zHat: Int32Array, shape: Shape): Promise<{ features: Int32Array; index: Int32Array }> {
    const nets = this.guard(() => ({ f: this.net('hyper_int'), i: this.net('index_int') }));
    const z = this.guard(() => this.engine.upload(zHat, shape));
    const [features, index] = await this.exec((rec) => {
      const feats = recordOps(rec, z, nets.f);
      rec.release(z);
      return [feats, recordOps(rec, feats, nets.i)] as const;
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
        const xh = recordOps(rec, yg, net);
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
    });
  }

  dispose(): void {
    for (const n of Object.values(this.nets)) if (n) destroyOps(n);
    for (const k of Object.keys(this.nets)) delete this.nets[k as keyof WgslBackend['nets']];
    this.engine.pool.trim();
  }
}
