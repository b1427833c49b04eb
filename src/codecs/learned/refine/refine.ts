// Encode-time latent refinement (issue 20): starting from the encoder's y = analysis(x)·gain(t) and
// z = hyper_analysis(y), Adam moves y and z to lower training's loss for THIS image and the fixed decoder,
//
//   L(y, z) = λ(t) · 255² · MSE(synthesis(ŷ · inv_gain(t)), x) + (bits(ỹ) + bits(z̃)) / pixels
//
// (tools/train/train.py: λ(t) log-spaced between the manifest's λ min and max, MSE over the image's own pixels —
// the padding is not part of the image —, bits per pixel of the original image). Quantisation is relaxed with
// SGA (rate.ts; Yang, Bamler, Mandt 2020) at an annealed temperature: ṽ = SGA(y − μ), ŷ = μ + ṽ (mean-scale;
// μ = 0 for the hyperprior), z̃ = SGA(z). The hyper-synthesis is the model's integer network on ẑ = round(z), as in
// training and in the decoder; its index (the Gaussian scales) and features are exact, and z gets their
// straight-through gradient (training's IntConv2d: vjp.ts iconvVjp), through the scales and, for mean-scale, the
// float means head. Then the pipeline quantises and codes the refined y and z exactly as it codes unrefined ones,
// so the file format and the decoder do not change.
//
// Checkerboard context (packages with transforms.context_int): the anchors' rate uses the hyper-prior's index and
// means as above; the non-anchors' index and means come from the context model over the anchors' hard-rounded
// symbols (the backend's exact context call, `RefineOptions.context`), computed again only when those symbols
// change, and are held fixed within a step: the anchors get no gradient through the context (their effect on the
// non-anchors' rate is straight-through zero), and with z moving (zLr > 0) the non-anchors' parameters pass no
// gradient to z. The hard-rounded loss that picks refined vs unrefined latents uses the same context call as the
// encoder, so it is the coded file's estimate.
//
// Schedule (documented in docs/learned-codecs.md "Encode-time refinement"): τ = τmax for the first `hold` of the
// steps, then geometric decay to τmin at the last step; Adam (β = 0.9, 0.999) with step size `lr` in the latents'
// own units (one quantisation bin = 1). At the end the hard-rounded loss (Gaussian/factorized estimate of the
// bits, real rounding) of the refined latents is compared with the unrefined ones' and the better pair is kept, so
// refinement never returns latents its own estimate says are worse.
import type { Shape } from '../../../gpu/tensor';
import { mulberry32 } from '../../../testing/random';
import { roundHalfEven } from '../image';
import { Z_CLAMP } from '../latents';
import { passElements, setPassElements } from '../checkerboard';
import type { ModelPackage } from '../package';
import type { RefineEngine } from './engine';
import { FactorizedPrior, gaussianBits, gumbel, scaleTableLogStep, sga } from './rate';
import { runOpsVjp, type OpVjp } from './vjp';

export interface RefineSchedule {
  /** Adam step size (latent units). */
  lr: number;
  /** SGA temperature at the start and at the last step. */
  tauMax: number;
  tauMin: number;
  /** Fraction of the steps at τmax before the decay starts. */
  hold: number;
  /** z's step size as a fraction of y's (0: z stays the encoder's). */
  zLr: number;
}

export const DEFAULT_SCHEDULE: RefineSchedule = { lr: 0.02, tauMax: 0.5, tauMin: 0.05, hold: 0.3, zLr: 0 };

/** A checkerboard model's context on the CPU or the GPU (LearnedBackend.context): the non-anchors' exact index and
 * float means (M × h × w/2, pass layout) from the hyper-prior's features and y's symbols (only the anchors are read). */
export type ContextFn = (features: Int32Array, featureShape: Shape, symbols: Int32Array, yShape: Shape) => Promise<{ index: Int32Array; means: Float32Array }>;

export interface RefineOptions extends Partial<RefineSchedule> {
  steps: number;
  engine: RefineEngine;
  /** Required for a checkerboard model (transforms.context_int), unused otherwise. */
  context?: ContextFn;
  /** Seed of the Gumbel noise (the result is deterministic for a seed). */
  seed?: number;
  onStep?: (step: number, s: RefineStepInfo) => void;
  signal?: AbortSignal;
}

export interface RefineStepInfo {
  /** The relaxed loss, its bpp and its MSE term (λ·255²·MSE). */
  loss: number;
  bpp: number;
  distortion: number;
  tau: number;
}

export interface RefineResult {
  y: Float32Array;
  z: Float32Array;
  /** Hard-rounded loss estimate of the unrefined and the refined latents, and which were kept. */
  initialLoss: number;
  refinedLoss: number;
  kept: 'refined' | 'initial';
  history: RefineStepInfo[];
  msPerStep: number;
}

/** λ(t) of training (models.py GainUnits.lam: geometric between the anchors, which are log-spaced). */
export function lambdaOf(pkg: ModelPackage, t: number): number {
  const l = pkg.manifest.rate.lambda;
  if (!l || (l as { spacing?: string }).spacing !== 'log') throw new Error(`${pkg.name}: the manifest gives no log-spaced λ range.`);
  return Math.exp(Math.log(l.min) + t * (Math.log(l.max) - Math.log(l.min)));
}

export function temperature(s: RefineSchedule, step: number, steps: number): number {
  const start = Math.floor(s.hold * steps);
  if (step < start || steps - 1 <= start) return s.tauMax;
  return s.tauMax * (s.tauMin / s.tauMax) ** ((step - start) / (steps - 1 - start));
}

/** The hyper-synthesis on ẑ with its straight-through VJPs: features, index, and the tapes to go back. */
function hyperForward(pkg: ModelPackage, zHat: Float64Array, zShape: Shape): { features: Int32Array; fShape: Shape; index: Int32Array; trunk: OpVjp; head: OpVjp } {
  const t = pkg.manifest.transforms;
  const trunk = runOpsVjp(t.hyper_synthesis_int!, pkg, { shape: zShape, data: zHat });
  const head = runOpsVjp(t.scale_index_int!, pkg, trunk.out);
  return { features: Int32Array.from(trunk.out.data), fShape: trunk.out.shape, index: Int32Array.from(head.out.data), trunk, head };
}

export interface Problem {
  pkg: ModelPackage;
  engine: RefineEngine;
  target: Float32Array;
  wt: Float32Array;
  yShape: Shape;
  zShape: Shape;
  invGain: Float32Array;
  pixels: number;
  lambdaTerm: number;
  prior: FactorizedPrior;
  scales: readonly number[];
  logStep: number;
  withMeans: boolean;
  /** The hyper-synthesis and means of the last ẑ (while z does not move, every step has the same ẑ). */
  hyper?: { zHat: Float64Array; h: ReturnType<typeof hyperForward>; mu: Float32Array | null };
  /** Checkerboard models: the context call, and its last result (for which ẑ and anchor symbols). */
  context?: ContextFn;
  ctx?: { hyper: NonNullable<Problem['hyper']>; anchors: Int32Array; index: Int32Array; mu: Float32Array };
}

/** The integer hyper-synthesis (with its tapes) and the means for ẑ, computed again only when ẑ changed. */
async function hyperFor(p: Problem, zHat: Float64Array) {
  const c = p.hyper;
  if (c && c.zHat.length === zHat.length && c.zHat.every((v, i) => v === zHat[i])) return c;
  const h = hyperForward(p.pkg, zHat, p.zShape);
  const mu = p.withMeans ? await p.engine.means(h.features, h.fShape) : null;
  return (p.hyper = { zHat, h, mu });
}

/**
 * Every element's table index and mean for y at ẑ: the hyper-prior's, and with a checkerboard context the
 * non-anchors' from the context over the anchors' symbols round(y − μ) (as the encoder quantises them), called
 * again only when ẑ or those symbols changed.
 */
async function paramsFor(p: Problem, y: Float32Array, hyper: NonNullable<Problem['hyper']>): Promise<{ index: Int32Array; mu: Float32Array | null }> {
  const { h, mu } = hyper;
  if (!p.context) return { index: h.index, mu };
  const shape = p.yShape;
  const anchors = passElements(y, shape, 0);
  const anchorMu = passElements(mu!, shape, 0);
  const q = new Int32Array(anchors.length);
  for (let i = 0; i < q.length; i++) q[i] = roundHalfEven(Math.fround(anchors[i] - anchorMu[i])) || 0;
  const c = p.ctx;
  if (c && c.hyper === hyper && c.anchors.every((v, i) => v === q[i])) return c;
  const symbols = new Int32Array(y.length);
  setPassElements(symbols, shape, 0, q);
  const r = await p.context(h.features, h.fShape, symbols, shape);
  if (r.index.length !== y.length / 2 || r.means.length !== y.length / 2) throw new Error(`refineLatents: the context gave ${r.index.length} indexes for ${y.length / 2} non-anchors.`);
  const index = Int32Array.from(h.index);
  const m = Float32Array.from(mu!);
  setPassElements(index, shape, 1, r.index);
  setPassElements(m, shape, 1, r.means);
  p.ctx = { hyper, anchors: q, index, mu: m };
  return p.ctx;
}

/** Every element's table index and mean for (y, ẑ = clamp(round(z))), as the encoder will code them. */
export async function latentParams(p: Problem, y: Float32Array, z: Float32Array): Promise<{ index: Int32Array; mu: Float32Array | null }> {
  const zHat = Float64Array.from(z, (v) => Math.min(Z_CLAMP, Math.max(-Z_CLAMP, roundHalfEven(v) || 0)));
  return paramsFor(p, y, await hyperFor(p, zHat));
}

/** The hard-rounded loss of (y, z): what the coded file costs, by the model's own bit estimate. */
async function hardLoss(p: Problem, y: Float32Array, z: Float32Array): Promise<number> {
  const zHat = Float64Array.from(z, (v) => Math.min(Z_CLAMP, Math.max(-Z_CLAMP, roundHalfEven(v) || 0)));
  const { index, mu } = await paramsFor(p, y, await hyperFor(p, zHat));
  const yHat = new Float32Array(y.length);
  let bits = 0;
  for (let i = 0; i < y.length; i++) {
    const m = mu ? mu[i] : 0;
    const q = roundHalfEven(Math.fround(y[i] - m)) || 0;
    yHat[i] = q + m;
    bits += gaussianBits(q, p.scales[index[i]]).bits;
  }
  const plane = p.zShape[1] * p.zShape[2];
  for (let i = 0; i < zHat.length; i++) bits += p.prior.bits(Math.floor(i / plane), zHat[i]).bits;
  const s = await p.engine.synthesisGrad(yHat, p.yShape, p.invGain, p.target, p.wt);
  return s.d + bits / p.pixels;
}

/** The loss' fixed parts for one image at rate t. */
export function makeProblem(pkg: ModelPackage, engine: RefineEngine, target: Float32Array, width: number, height: number, t: number, context?: ContextFn): Problem {
  const m = pkg.manifest;
  if (!m.transforms.hyper_synthesis_int || !m.transforms.scale_index_int || !m.entropy.z || m.entropy.y.family !== 'gaussian') {
    throw new Error(`${pkg.name}: refinement needs a hyper-prior model (Gaussian y, factorized z).`);
  }
  if (m.transforms.context_int && (!context || !m.transforms.means)) throw new Error(`${pkg.name}: refining a checkerboard model needs its context call (RefineOptions.context) and means head.`);
  const M = m.channels.M;
  const Nz = m.channels.Nz!;
  const padH = Math.ceil(height / m.downsampling) * m.downsampling;
  const padW = Math.ceil(width / m.downsampling) * m.downsampling;
  if (padH * padW * 3 !== target.length) throw new Error('refineLatents: the target is not the padded image.');
  const pixels = width * height;
  const lambdaTerm = lambdaOf(pkg, t) * 255 * 255;
  // per-pixel weight of Σ_c (x̂ − x)²: λ·255²/(3·pixels) inside the image, 0 in the padding
  const wt = new Float32Array(padH * padW);
  for (let r = 0; r < height; r++) wt.fill(lambdaTerm / (3 * pixels), r * padW, r * padW + width);
  const scales = m.entropy.y.scales!;
  return {
    pkg,
    engine,
    target,
    wt,
    yShape: [M, padH / 16, padW / 16],
    zShape: [Nz, padH / 64, padW / 64],
    invGain: pkg.gain(t, true),
    pixels,
    lambdaTerm,
    prior: new FactorizedPrior(pkg, Nz),
    scales,
    logStep: scaleTableLogStep(scales),
    withMeans: !!m.transforms.means,
    context: m.transforms.context_int ? context : undefined,
  };
}

/**
 * The relaxed loss at (y, z) with SGA at temperature τ (Gumbel noise drawn from `rand`, y's first, then z's) and
 * its gradient in y and z.
 */
export async function evaluate(p: Problem, y: Float32Array, z: Float32Array, tau: number, rand: () => number, gradZ = true): Promise<{ info: RefineStepInfo; gy: Float64Array; gz: Float64Array }> {
  const { engine, scales, pixels } = p;
  const zPlane = p.zShape[1] * p.zShape[2];
  // hyper-synthesis on ẑ = clamp(round(z)): exact index and features, straight-through tapes (kept while ẑ is)
  const zHat = Float64Array.from(z, (v) => Math.min(Z_CLAMP, Math.max(-Z_CLAMP, roundHalfEven(v) || 0)));
  const hyper = await hyperFor(p, zHat);
  const { h } = hyper;
  const { index, mu } = await paramsFor(p, y, hyper);
  // y: soft rounding around the means
  const yHat = new Float32Array(y.length);
  const dSoft = new Float64Array(y.length);
  const vSoft = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const mi = mu ? mu[i] : 0;
    const s = sga(y[i] - mi, gumbel(rand), gumbel(rand), tau);
    vSoft[i] = s.v;
    dSoft[i] = s.d;
    yHat[i] = mi + s.v;
  }
  const syn = await engine.synthesisGrad(yHat, p.yShape, p.invGain, p.target, p.wt);
  let bits = 0;
  const gy = new Float64Array(y.length);
  const gz = new Float64Array(z.length);
  const gMu = mu ? new Float32Array(y.length) : null;
  const gIdx = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const sigma = scales[index[i]];
    const gb = gaussianBits(vSoft[i], sigma);
    bits += gb.bits;
    const gv = (syn.grad[i] + gb.dv / pixels) * dSoft[i]; // dL/dv through ṽ
    gy[i] = gv;
    if (gMu) gMu[i] = syn.grad[i] - gv; // ŷ = μ + ṽ(y − μ)
    gIdx[i] = (gb.dsigma / pixels) * sigma * p.logStep;
  }
  // z: its own rate through z̃, and the hyper-synthesis' straight-through gradient through ẑ
  for (let i = 0; i < z.length; i++) {
    const s = sga(z[i], gumbel(rand), gumbel(rand), tau);
    const b = p.prior.bits(Math.floor(i / zPlane), s.v);
    bits += b.bits;
    gz[i] = (b.dx / pixels) * s.d;
  }
  // without z's gradient (z fixed: the default) the straight-through path through ẑ is skipped; gz is then z's rate
  // term only. The integer hyper-synthesis' VJP in float64 TypeScript costs as much as the synthesis on onnx-wasm
  // at 128×128 (measured: 135 of 645 ms per step in Node), for a gradient the default schedule throws away.
  if (!gradZ) return { info: { loss: syn.d + bits / pixels, bpp: bits / pixels, distortion: syn.d, tau }, gy, gz };
  if (p.context) {
    // the non-anchors' index and means are the context's, held fixed: nothing flows back through the hyper-prior's
    const ones = new Float32Array(y.length / 2).fill(1);
    const anchor = new Float32Array(y.length);
    setPassElements(anchor, p.yShape, 0, ones);
    for (let i = 0; i < y.length; i++) {
      if (anchor[i]) continue;
      gIdx[i] = 0;
      if (gMu) gMu[i] = 0;
    }
  }
  const gFeat = h.head.back(gIdx);
  if (gMu) {
    const gm = await engine.meansGrad(h.features, h.fShape, gMu);
    for (let i = 0; i < gFeat.length; i++) gFeat[i] += gm[i];
  }
  const gZHat = h.trunk.back(gFeat);
  for (let i = 0; i < z.length; i++) if (Math.abs(roundHalfEven(z[i])) <= Z_CLAMP) gz[i] += gZHat[i];
  return { info: { loss: syn.d + bits / pixels, bpp: bits / pixels, distortion: syn.d, tau }, gy, gz };
}

/**
 * Refines (y, z) for the padded image `target` (3×H×W in [0, 1]) of which the top-left width × height pixels are
 * the image. y: M×H/16×W/16, z: Nz×H/64×W/64, both float32 as the encoder computed them.
 */
export async function refineLatents(pkg: ModelPackage, target: Float32Array, width: number, height: number, y0: Float32Array, z0: Float32Array, t: number, o: RefineOptions): Promise<RefineResult> {
  const sched: RefineSchedule = { ...DEFAULT_SCHEDULE, ...Object.fromEntries(Object.entries(o).filter(([k, v]) => k in DEFAULT_SCHEDULE && v !== undefined)) };
  const p = makeProblem(pkg, o.engine, target, width, height, t, o.context);
  if (y0.length !== p.yShape[0] * p.yShape[1] * p.yShape[2] || z0.length !== p.zShape[0] * p.zShape[1] * p.zShape[2]) throw new Error('refineLatents: y or z does not match the image.');
  const y = Float32Array.from(y0);
  const z = Float32Array.from(z0);
  const adam = [y, z].map((v) => ({ m: new Float64Array(v.length), v: new Float64Array(v.length) }));
  const rand = mulberry32(o.seed ?? 1);
  const history: RefineStepInfo[] = [];
  const t0 = performance.now();
  for (let step = 0; step < o.steps; step++) {
    if (o.signal?.aborted) throw o.signal.reason ?? new Error('aborted');
    const { info, gy, gz } = await evaluate(p, y, z, temperature(sched, step, o.steps), rand, sched.zLr !== 0);
    history.push(info);
    o.onStep?.(step, info);
    adamStep([y, z], [gy, gz], adam, step + 1, [sched.lr, sched.lr * sched.zLr]);
  }
  const msPerStep = o.steps ? (performance.now() - t0) / o.steps : 0;
  const initialLoss = await hardLoss(p, y0, z0);
  const refinedLoss = o.steps ? await hardLoss(p, y, z) : initialLoss;
  const better = refinedLoss < initialLoss;
  return { y: better ? y : Float32Array.from(y0), z: better ? z : Float32Array.from(z0), initialLoss, refinedLoss, kept: better ? 'refined' : 'initial', history, msPerStep };
}

function adamStep(params: Float32Array[], grads: Float64Array[], st: { m: Float64Array; v: Float64Array }[], k: number, lrs: number[]): void {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  const c1 = 1 - b1 ** k;
  const c2 = 1 - b2 ** k;
  params.forEach((p, j) => {
    const lr = lrs[j];
    if (lr === 0) return;
    const g = grads[j];
    const { m, v } = st[j];
    for (let i = 0; i < p.length; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      p[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
    }
  });
}
