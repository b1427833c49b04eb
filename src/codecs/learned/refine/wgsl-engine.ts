// The refinement's engine on our WebGPU kernels (src/gpu): the synthesis forward + VJP and the distortion in one
// submission per step (oplist-vjp.ts uploadOpsVjp on the VJP kernels of ops/vjp.ts), the means head forward and
// forward + VJP likewise. Same interface and same arithmetic as the onnxruntime engine (onnx-vjp.ts); the
// integer hyper-synthesis and the rate terms stay in TypeScript (refine.ts).
//
// One step reads back only dD/dŷ (M·h·w floats, 1/2 float per pixel for M = 128) and the distortion's partial sums
// (1 float per 256 elements); the target image and its weights are uploaded once per problem (kept while the same
// arrays are passed).
import {
  distortionGrad,
  formatAdapter,
  mulChannel,
  uploadChannelVector,
  uploadOpsVjp,
  type GpuEngine,
  type OpNetworkVjp,
  type Recorder,
  type Shape,
  type Tensor,
} from '../../../gpu';
import type { ModelPackage } from '../package';
import type { RefineEngine, SynthesisGrad } from './engine';

type ChannelVector = ReturnType<typeof uploadChannelVector>;

export class WgslRefineEngine implements RefineEngine {
  readonly label: string;
  private synthesis: OpNetworkVjp | null = null;
  private meansNet: OpNetworkVjp | null = null;
  private gain: { src: Float32Array; copy: Float32Array; v: ChannelVector } | null = null;
  private image: { target: Float32Array; wt: Float32Array; x: Tensor<'f32'>; w: Tensor<'f32'> } | null = null;

  constructor(
    readonly engine: GpuEngine,
    private readonly pkg: ModelPackage,
  ) {
    this.label = `wgsl on ${formatAdapter(engine.gpu.info)}`;
  }

  private syn(): OpNetworkVjp {
    return (this.synthesis ??= uploadOpsVjp(this.engine, this.pkg.manifest.transforms.synthesis, this.pkg));
  }

  private head(): OpNetworkVjp {
    const m = this.pkg.manifest.transforms.means;
    if (!m) throw new Error(`${this.pkg.name} has no means head.`);
    return (this.meansNet ??= uploadOpsVjp(this.engine, m, this.pkg));
  }

  /** The inverse gain as a GPU vector, uploaded again only when its values change. */
  private invGain(v: Float32Array): ChannelVector {
    const g = this.gain;
    if (g && (g.src === v || (g.copy.length === v.length && g.copy.every((a, i) => a === v[i])))) return g.v;
    if (g) g.v.buffer.destroy();
    this.gain = { src: v, copy: Float32Array.from(v), v: uploadChannelVector(this.engine, v) };
    return this.gain.v;
  }

  /** The target and its weights, uploaded once per problem (the refinement passes the same arrays every step). */
  private targetTensors(target: Float32Array, wt: Float32Array, H: number, W: number) {
    const im = this.image;
    if (im && im.target === target && im.wt === wt && im.x.h === H && im.x.w === W) return im;
    if (im) {
      this.engine.release(im.x);
      this.engine.release(im.w);
    }
    this.image = { target, wt, x: this.engine.upload(target, [3, H, W]), w: this.engine.upload(wt, [1, H, W]) };
    return this.image;
  }

  private async exec<T extends readonly Tensor[]>(build: (rec: Recorder) => T) {
    const rec = this.engine.record();
    let outs: T;
    try {
      outs = build(rec);
    } catch (e) {
      rec.discard();
      throw e;
    }
    const data = await rec.run(outs);
    for (const t of outs) this.engine.release(t);
    return data;
  }

  async synthesisGrad(yHat: Float32Array, yShape: Shape, invGain: Float32Array, target: Float32Array, wt: Float32Array): Promise<SynthesisGrad> {
    const net = this.syn();
    const gain = this.invGain(invGain);
    const im = this.targetTensors(target, wt, yShape[1] * 16, yShape[2] * 16);
    const y = this.engine.upload(yHat, yShape);
    try {
      const [grad, partial] = await this.exec((rec) => {
        const yg = mulChannel(rec, y, gain);
        const tape = net.forward(rec, yg);
        const d = distortionGrad(rec, tape.out, im.x, im.w);
        const gYg = net.backward(rec, tape, d.grad);
        rec.release(d.grad);
        rec.release(yg);
        const gY = mulChannel(rec, gYg, gain); // the gain's VJP: the same per-channel product
        rec.release(gYg);
        return [gY, d.partial] as const;
      });
      let sum = 0;
      for (let i = 0; i < partial.length; i++) sum += partial[i];
      return { d: sum, grad };
    } finally {
      this.engine.release(y);
    }
  }

  async means(features: Int32Array, fShape: Shape): Promise<Float32Array> {
    const net = this.head();
    const f = this.engine.upload(features, fShape);
    try {
      const [mu] = await this.exec((rec) => [net.forward(rec, f, false).out as Tensor<'f32'>] as const);
      return mu;
    } finally {
      this.engine.release(f);
    }
  }

  async meansGrad(features: Int32Array, fShape: Shape, g: Float32Array): Promise<Float32Array> {
    const net = this.head();
    const f = this.engine.upload(features, fShape);
    const gt = this.engine.upload(g, [this.pkg.manifest.channels.M, fShape[1], fShape[2]]);
    try {
      const [gf] = await this.exec((rec) => [net.backward(rec, net.forward(rec, f), gt)] as const);
      return gf;
    } finally {
      this.engine.release(f);
      this.engine.release(gt);
    }
  }

  dispose(): void {
    this.synthesis?.destroy();
    this.meansNet?.destroy();
    this.gain?.v.buffer.destroy();
    if (this.image) {
      this.engine.release(this.image.x);
      this.engine.release(this.image.w);
    }
    this.synthesis = this.meansNet = null;
    this.gain = null;
    this.image = null;
  }
}
