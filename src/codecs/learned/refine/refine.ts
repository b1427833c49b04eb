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
// Large images (more than REFINE_WHOLE_PIXELS, or RefineOptions.tile): y is refined tile by tile (refineTiled), each
// tile's core of y moving for all the steps while the rest of y stays at its current hard-rounded value, on a window
// wide enough that the window's loss differs from the whole image's by a constant: its pixel weights cover every
// pixel the core reaches through the synthesis, its rate every element whose table the core reaches through the
// context, and the window reaches far enough for all of those to be computed exactly (tileGeometry). So each tile's
// gradient is the whole loss' gradient in its core (block coordinate descent), each tile's refined-or-not choice is
// made on the exact change of the whole loss, and memory is one window's, not the image's. z does not move there.
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
import { isAnchor, passElements, setPassElements } from '../checkerboard';
import type { ModelPackage, Op } from '../package';
import { cropChw, inputRange, pasteChw } from '../tiling';
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
  /** Tiled refinement with cores of this many y positions a side (even); default: the whole image up to
   * REFINE_WHOLE_PIXELS padded pixels, else REFINE_TILE. */
  tile?: number;
}

/** Largest padded image (pixels) refined whole; larger ones are refined in tiles (bounded memory). */
export const REFINE_WHOLE_PIXELS = 1 << 20;
/** The default tile core, in y positions a side (768 px). */
export const REFINE_TILE = 48;

export interface RefineStepInfo {
  /** The relaxed loss, its bpp and its MSE term (λ·255²·MSE). */
  loss: number;
  bpp: number;
  distortion: number;
  tau: number;
  /** Tiled refinement: this step's tile (1-based) and the number of tiles; loss and bpp are then the window's, and
   * onStep's step counts on over the tiles (steps × tiles in all). */
  tile?: [number, number];
}

/** How many steps onStep reports in all: `steps` per tile (one tile unless the image is refined in tiles). */
export function totalSteps(steps: number, info: RefineStepInfo): number {
  return steps * (info.tile?.[1] ?? 1);
}

/** ẑ = clamp(round(z), ±Z_CLAMP), what the integer hyper-synthesis reads (NaN → 0), as the encoder quantises z. */
function zHatOf(z: Float32Array): Float64Array {
  return Float64Array.from(z, (v) => Math.min(Z_CLAMP, Math.max(-Z_CLAMP, roundHalfEven(v) || 0)));
}

export interface RefineResult {
  y: Float32Array;
  z: Float32Array;
  /** Hard-rounded loss estimate of the unrefined and the refined latents, and which were kept. */
  initialLoss: number;
  refinedLoss: number;
  kept: 'refined' | 'initial';
  /** Tiled refinement: the tiles whose refined core was kept, and the number of tiles. */
  tilesKept?: [number, number];
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

/** The integer hyper-synthesis' result on ẑ, with the tapes to go back through it (not in a tile's slice). */
interface HyperOut {
  features: Int32Array;
  fShape: Shape;
  index: Int32Array;
  trunk?: OpVjp;
  head?: OpVjp;
}

function hyperForward(pkg: ModelPackage, zHat: Float64Array, zShape: Shape): HyperOut {
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
  hyper?: { zHat: Float64Array; h: HyperOut; mu: Float32Array | null };
  /** A tile's window (refineTiled): `hyper` is its slice of the whole image's (z fixed, its bits not counted);
   * only `move`'s elements of y move, the others are held at their hard-rounded values, and only `rate`'s bits count. */
  sliced?: boolean;
  move?: Uint8Array;
  rate?: Uint8Array;
  /** Checkerboard models: the context call, and its last result (for which ẑ and anchor symbols). */
  context?: ContextFn;
  ctx?: { hyper: NonNullable<Problem['hyper']>; anchors: Int32Array; index: Int32Array; mu: Float32Array };
}

/** The integer hyper-synthesis (with its tapes) and the means for ẑ, computed again only when ẑ changed. */
async function hyperFor(p: Problem, zHat: Float64Array) {
  if (p.sliced) return p.hyper!;
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
  const zHat = zHatOf(z);
  return paramsFor(p, y, await hyperFor(p, zHat));
}

/** The hard-rounded loss of (y, z): what the coded file costs, by the model's own bit estimate. */
async function hardLoss(p: Problem, y: Float32Array, z: Float32Array): Promise<number> {
  const zHat = zHatOf(z);
  const { index, mu } = await paramsFor(p, y, await hyperFor(p, zHat));
  const yHat = new Float32Array(y.length);
  let bits = 0;
  for (let i = 0; i < y.length; i++) {
    const m = mu ? mu[i] : 0;
    const q = roundHalfEven(Math.fround(y[i] - m)) || 0;
    yHat[i] = q + m;
    if (!p.rate || p.rate[i]) bits += gaussianBits(q, p.scales[index[i]]).bits;
  }
  if (!p.sliced) bits += zBits(p, zHat);
  const s = await p.engine.synthesisGrad(yHat, p.yShape, p.invGain, p.target, p.wt);
  return s.d + bits / p.pixels;
}

/** z's bits under the factorized prior. */
function zBits(p: Problem, zHat: Float64Array): number {
  const plane = p.zShape[1] * p.zShape[2];
  let bits = 0;
  for (let i = 0; i < zHat.length; i++) bits += p.prior.bits(Math.floor(i / plane), zHat[i]).bits;
  return bits;
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
  const zHat = zHatOf(z);
  const hyper = await hyperFor(p, zHat);
  const { h } = hyper;
  const { index, mu } = await paramsFor(p, y, hyper);
  // y: soft rounding around the means
  const yHat = new Float32Array(y.length);
  const dSoft = new Float64Array(y.length);
  const vSoft = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const mi = mu ? mu[i] : 0;
    if (p.move && !p.move[i]) {
      // held (outside a tile's core): hard-rounded, as the decoder will see it; no gradient
      const q = roundHalfEven(Math.fround(y[i] - mi)) || 0;
      vSoft[i] = q;
      yHat[i] = q + mi;
      continue;
    }
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
    if (p.rate && !p.rate[i]) continue;
    const sigma = scales[index[i]];
    const gb = gaussianBits(vSoft[i], sigma);
    bits += gb.bits;
    const gv = (syn.grad[i] + gb.dv / pixels) * dSoft[i]; // dL/dv through ṽ
    gy[i] = gv;
    if (gMu) gMu[i] = syn.grad[i] - gv; // ŷ = μ + ṽ(y − μ)
    gIdx[i] = (gb.dsigma / pixels) * sigma * p.logStep;
  }
  // z: its own rate through z̃, and the hyper-synthesis' straight-through gradient through ẑ
  for (let i = 0; i < (p.sliced ? 0 : z.length); i++) {
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
    const [, rows, cols] = p.yShape;
    for (let i = 0; i < y.length; i++) {
      if (isAnchor(Math.floor(i / cols) % rows, i % cols)) continue;
      gIdx[i] = 0;
      if (gMu) gMu[i] = 0;
    }
  }
  if (!h.head || !h.trunk) throw new Error('refine: z\'s gradient needs the hyper-synthesis\' tapes (not in a tile).');
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
  const tile = o.tile ?? (target.length / 3 > REFINE_WHOLE_PIXELS ? REFINE_TILE : 0);
  if (tile > 0) return refineTiled(p, y0, z0, sched, o, tile);
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

/**
 * How far a tile's window must reach, in y positions: `syn`, the synthesis' reach (the y positions a pixel's 16×16
 * block reads, either side); `ctx`, the checkerboard context's (the anchors a non-anchor's index and mean read:
 * the context conv, then the wider of the two heads; 0 without a context). A core's anchors change the tables of
 * the elements within ctx (their bits count) and the means, so the decoded values, there; those and the core
 * change the pixels within ctx + syn (their distortion counts); computing those pixels exactly needs ŷ within
 * ctx + 2·syn and so the anchors within 2·ctx + 2·syn: the window's `halo` on each side of the core (even, so the
 * window keeps the checkerboard's parity).
 */
export function tileGeometry(pkg: ModelPackage): { syn: number; ctx: number; halo: number } {
  const t = pkg.manifest.transforms;
  const a = 64;
  const reach = (ops: readonly Op[], lo: number, hi: number, at: number) => {
    const [l, h] = inputRange(ops, lo, hi);
    return Math.max(at - l, h - at);
  };
  const syn = reach(t.synthesis, 16 * a, 16 * a + 15, a);
  const ctx = t.context_int ? reach(t.context_int, a, a, a) + Math.max(reach(t.context_index_int!, a, a, a), reach(t.context_means!, a, a, a)) : 0;
  const halo = 2 * ctx + 2 * syn;
  return { syn, ctx, halo: halo + (halo % 2) };
}

/** Splits [0, n) into cores of at most `tile` positions, each starting on an even position. */
function coreSpans(n: number, tile: number): [number, number][] {
  const count = Math.max(1, Math.ceil(n / tile));
  const out: [number, number][] = [];
  for (let i = 0; i < count; i++) out.push([2 * Math.round((i * n) / count / 2), i === count - 1 ? n : 2 * Math.round(((i + 1) * n) / count / 2)]);
  return out.filter(([a, b]) => b > a);
}

/** Tiled refinement (see the header): y tile by tile on windows, z fixed. */
async function refineTiled(whole: Problem, y0: Float32Array, z0: Float32Array, sched: RefineSchedule, o: RefineOptions, tile: number): Promise<RefineResult> {
  if (!Number.isInteger(tile) || tile < 2 || tile % 2) throw new Error(`refineLatents: the tile must be an even number of y positions, got ${tile}.`);
  if (sched.zLr !== 0) throw new Error('refineLatents: tiled refinement keeps z fixed (zLr must be 0).');
  const [M, h, w] = whole.yShape;
  const zHat = zHatOf(z0);
  const hyper = await hyperFor(whole, zHat);
  const g = tileGeometry(whole.pkg);
  const [padH, padW] = [16 * h, 16 * w];
  const N = hyper.h.fShape[0];
  const y = Float32Array.from(y0);
  const cores = coreSpans(h, tile).flatMap((r) => coreSpans(w, tile).map((c) => [r, c] as const));
  /** The window of a core. `ring`: weights and bits wherever the core reaches (a tile's refinement); without, on the
   * core only (the cores' sum is then the whole image's loss). */
  const windowOf = ([r0, r1]: readonly [number, number], [c0, c1]: readonly [number, number], ring: boolean) => {
    const [wr0, wr1, wc0, wc1] = [Math.max(0, r0 - g.halo), Math.min(h, r1 + g.halo), Math.max(0, c0 - g.halo), Math.min(w, c1 + g.halo)];
    const [wh, ww] = [wr1 - wr0, wc1 - wc0];
    const crop = <T extends Float32Array | Int32Array>(v: T, ch: number) => cropChw(v, ch, h, w, wr0, wr1, wc0, wc1);
    // pixel weights: the whole image's, on the core's pixels (and with `ring` the pixels the core reaches)
    const px = ring ? g.syn + g.ctx : 0;
    const [pr0, pr1, pc0, pc1] = [Math.max(0, r0 - px) * 16, Math.min(h, r1 + px) * 16, Math.max(0, c0 - px) * 16, Math.min(w, c1 + px) * 16];
    const wt = new Float32Array(wh * 16 * ww * 16);
    for (let r = pr0; r < pr1; r++) {
      const src = r * padW;
      const dst = (r - wr0 * 16) * ww * 16 - wc0 * 16;
      for (let c = pc0; c < pc1; c++) wt[dst + c] = whole.wt[src + c];
    }
    // the core moves; bits count on the core (and with `ring` where the core's anchors reach through the context)
    const cr = ring ? g.ctx : 0;
    const move = new Uint8Array(M * wh * ww);
    const rate = new Uint8Array(M * wh * ww);
    for (let ch = 0; ch < M; ch++)
      for (let r = wr0; r < wr1; r++)
        for (let c = wc0; c < wc1; c++) {
          const i = (ch * wh + r - wr0) * ww + c - wc0;
          move[i] = r >= r0 && r < r1 && c >= c0 && c < c1 ? 1 : 0;
          rate[i] = r >= r0 - cr && r < r1 + cr && c >= c0 - cr && c < c1 + cr ? 1 : 0;
        }
    const p: Problem = {
      ...whole,
      target: cropChw(whole.target, 3, padH, padW, wr0 * 16, wr1 * 16, wc0 * 16, wc1 * 16),
      wt,
      yShape: [M, wh, ww],
      hyper: { zHat: new Float64Array(0), h: { features: crop(hyper.h.features, N), fShape: [N, wh, ww], index: crop(hyper.h.index, M) }, mu: hyper.mu && crop(hyper.mu, M) },
      ctx: undefined,
      sliced: true,
      move,
      rate,
    };
    return { p, y: crop(y, M), paste: (v: Float32Array) => pasteChw(y, h, w, v, M, wh, ww, r0 - wr0, c0 - wc0, r1 - r0, c1 - c0, r0, c0) };
  };
  // the whole image's loss of the encoder's latents, as a sum over the cores (a partition of pixels and bits)
  let initialLoss = zBits(whole, zHat) / whole.pixels;
  for (const [r, c] of cores) {
    const win = windowOf(r, c, false);
    initialLoss += await hardLoss(win.p, win.y, z0);
  }
  const rand = mulberry32(o.seed ?? 1);
  const history: RefineStepInfo[] = [];
  let delta = 0;
  let kept = 0;
  const t0 = performance.now();
  for (let k = 0; k < cores.length; k++) {
    const win = windowOf(cores[k][0], cores[k][1], true);
    const yw = Float32Array.from(win.y);
    const adam = { m: new Float64Array(yw.length), v: new Float64Array(yw.length) };
    for (let step = 0; step < o.steps; step++) {
      if (o.signal?.aborted) throw o.signal.reason ?? new Error('aborted');
      const { info, gy } = await evaluate(win.p, yw, z0, temperature(sched, step, o.steps), rand, false);
      const tagged = { ...info, tile: [k + 1, cores.length] as [number, number] };
      history.push(tagged);
      o.onStep?.(k * o.steps + step, tagged);
      adamStep([yw], [gy], [adam], step + 1, [sched.lr]);
    }
    // keep the refined core if it lowers the whole loss (the ring window's loss changes by exactly as much)
    const before = await hardLoss(win.p, win.y, z0);
    const after = await hardLoss(win.p, yw, z0);
    if (after < before) {
      win.paste(yw);
      delta += after - before;
      kept++;
    }
  }
  const steps = o.steps * cores.length;
  return {
    y,
    z: Float32Array.from(z0),
    initialLoss,
    refinedLoss: initialLoss + delta,
    kept: kept > 0 ? 'refined' : 'initial',
    tilesKept: [kept, cores.length],
    history,
    msPerStep: steps ? (performance.now() - t0) / steps : 0,
  };
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
