// Where the refinement's heavy computations run: the synthesis forward + its VJP (≈ 97 % of an iteration's
// arithmetic) and the means head forward + VJP. Two implementations: the float64 reference (this file: the
// VJPs of vjp.ts, slow, the tests' oracle) and onnxruntime graphs (onnx-vjp.ts, the CLI's path).
// The integer hyper-synthesis (straight-through VJP) and the rate terms stay in TypeScript (refine.ts): they are
// 1/256 of the pixels or less.
import * as ref from '../../../gpu/reference/ops';
import type { Shape } from '../../../gpu/tensor';
import type { ModelPackage } from '../package';
import { mulChannelVjp, runOpsVjp } from './vjp';

export interface SynthesisGrad {
  /** D = Σ_p wt[p] · Σ_c (x̂[c, p] − x[c, p])², x̂ = synthesis(ŷ · invGain). */
  d: number;
  /** dD/dŷ. */
  grad: Float32Array;
}

export interface RefineEngine {
  readonly label: string;
  /** yHat: M×h×w; target: 3×16h×16w in [0, 1]; wt: 1×16h×16w per-pixel weights (0 in the padding). */
  synthesisGrad(yHat: Float32Array, yShape: Shape, invGain: Float32Array, target: Float32Array, wt: Float32Array): Promise<SynthesisGrad>;
  /** The means head on the integer features (N×h×w) → M×h×w. */
  means(features: Int32Array, fShape: Shape): Promise<Float32Array>;
  /** d⟨g, means(features)⟩ / d features (the features read as floats). */
  meansGrad(features: Int32Array, fShape: Shape, g: Float32Array): Promise<Float32Array>;
  dispose(): void;
}

/** The float64 reference engine (direct loops): the oracle of the onnxruntime one. Keep images tiny. */
export class ReferenceRefineEngine implements RefineEngine {
  readonly label = 'float64 reference (TypeScript)';
  constructor(private readonly pkg: ModelPackage) {}

  async synthesisGrad(yHat: Float32Array, yShape: Shape, invGain: Float32Array, target: Float32Array, wt: Float32Array): Promise<SynthesisGrad> {
    const g = mulChannelVjp(ref.refTensor(yShape, yHat), invGain);
    const s = runOpsVjp(this.pkg.manifest.transforms.synthesis, this.pkg, g.out);
    const x = s.out.data;
    const plane = wt.length;
    const gx = new Float64Array(x.length);
    let d = 0;
    for (let i = 0; i < x.length; i++) {
      const e = x[i] - target[i];
      const w = wt[i % plane];
      d += w * e * e;
      gx[i] = 2 * w * e;
    }
    return { d, grad: Float32Array.from(g.back(s.back(gx))) };
  }

  private head(features: Int32Array, fShape: Shape) {
    const m = this.pkg.manifest.transforms.means;
    if (!m) throw new Error(`${this.pkg.name} has no means head.`);
    return runOpsVjp(m, this.pkg, ref.refTensor(fShape, features));
  }

  async means(features: Int32Array, fShape: Shape): Promise<Float32Array> {
    return Float32Array.from(this.head(features, fShape).out.data);
  }

  async meansGrad(features: Int32Array, fShape: Shape, g: Float32Array): Promise<Float32Array> {
    return Float32Array.from(this.head(features, fShape).back(g));
  }

  dispose(): void {}
}
