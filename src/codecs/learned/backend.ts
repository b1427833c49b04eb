// The float transforms of a learned codec behind one interface, so the pipeline (pipeline.ts) is the same
// whichever runtime computes them: our WGSL engine ('wgsl'), onnxruntime-web's WebGPU EP ('onnx-webgpu') or
// its wasm EP ('onnx-wasm'). Tensors are planar CHW float32 / int32 arrays (batch 1).
//
// Exactness contract: `hyperSynthesis().index` is integer arithmetic and must be bit-identical on every
// backend (WGSL conv2d_int, ONNX ConvInteger/Div, or the CPU path in int-hyper.ts); the float outputs may
// differ by rounding. The tests compare backends; the decoder relies on the index alone to interpret a file.
import { RdLabError } from '../../errors';
import type { Shape } from '../../gpu/tensor';

export type BackendKind = 'wgsl' | 'onnx-webgpu' | 'onnx-wasm';
export const BACKEND_KINDS: readonly BackendKind[] = ['wgsl', 'onnx-webgpu', 'onnx-wasm'];

export interface FloatTensor {
  data: Float32Array;
  shape: Shape;
}

export interface HyperSynthesisOutput {
  /** Scale-table index per y element (M × h × w), values 0 … 63: exact on every backend. */
  index: Int32Array;
  /** Means per y element (mean-scale only), float. */
  means: Float32Array | null;
  /** The integer features (N × h × w, 0 … 127) the heads read: only where the package has a checkerboard
   * context, which reads them too. Exact on every backend. */
  features?: Int32Array | null;
}

/** The checkerboard context's result at the non-anchors only, in pass layout (M × h × w/2: element (c, r, j) is y's
 * (c, r, 2j + ((r + 1) mod 2)), as the container stores pass 1; checkerboard.ts passElements). */
export interface ContextOutput {
  /** The pass-2 head's table index (0 … 63): exact on every backend. */
  index: Int32Array;
  /** The pass-2 means, float. */
  means: Float32Array;
}

export interface LearnedBackend {
  readonly kind: BackendKind;
  /** Human-readable: backend and device, e.g. "wgsl on NVIDIA / ampere". */
  readonly label: string;
  /** x: 3×H×W in [0, 1] (H, W multiples of 16); gain: M per-channel gains. Returns the gained latent y,
   * M × H/16 × W/16. The pipeline calls it on tiles (tiling.ts), so H×W is bounded whatever the image. */
  analyze(x: Float32Array, height: number, width: number, gain: Float32Array): Promise<FloatTensor>;
  /** Hyper-analysis (hyperprior models): y, M × h × w (h, w multiples of 4) → z, Nz × h/4 × w/4, before rounding. */
  hyperAnalyze(y: Float32Array, shape: Shape): Promise<FloatTensor>;
  /** zHat: Nz × h × w integers in [−127, 127]. */
  hyperSynthesis(zHat: Int32Array, shape: Shape): Promise<HyperSynthesisOutput>;
  /** Checkerboard context (packages with transforms.context_int): features N × h × w (0 … 127, from
   * hyperSynthesis) and y's symbols M × h × w (only the anchors', (row + column) even, are read) → ctx =
   * context_int(symbols), then index = context_index_int(concat(features, ctx)) and means =
   * context_means(concat(features, ctx)), at the non-anchors (M × h × w/2, pass layout: ContextOutput). Whole y
   * (not tiled). */
  context(features: Int32Array, featureShape: Shape, symbols: Int32Array, yShape: Shape): Promise<ContextOutput>;
  /** yHat: M × h × w; invGain: M values. Returns 3 × 16h × 16w. */
  synthesize(yHat: Float32Array, shape: Shape, invGain: Float32Array): Promise<FloatTensor>;
  /** Creates sessions / uploads weights ahead of the first call, so encode timings exclude them. */
  prepare(): Promise<void>;
  /** Frees sessions / GPU buffers. */
  dispose(): void;
}

/** A backend failure: `kind` says whether falling back to another backend can help. */
export type BackendErrorKind = 'unavailable' | 'device-lost' | 'out-of-memory' | 'failed';

export class BackendError extends RdLabError<BackendErrorKind> {
  constructor(
    kind: BackendErrorKind,
    readonly backend: BackendKind,
    message: string,
  ) {
    super(kind, message);
    this.name = 'BackendError';
  }
}
