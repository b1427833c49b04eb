// The rate terms of encode-time refinement and their derivatives, in float64 (they are elementwise on the
// latents, 1/256 and 1/4096 of the pixels: plain TypeScript is not the bottleneck), and the soft rounding (SGA).
//
//   y: the Gaussian conditional of training (tools/train/layers.py gaussian_likelihood + bits): for a centred
//      value v = y − μ and scale σ, P(v) = Φ((½ − |v|)/σ) − Φ((−½ − |v|)/σ), bits = −log2 max(P, 1e-9).
//   z: the factorized prior of training (layers.py FactorizedDensity), from the package's z_density.* tensors:
//      P(v) = |sigmoid(s·c(v+½)) − sigmoid(s·c(v−½))|, s = −sign(c(v−½) + c(v+½)), c the per-channel CDF logit
//      network (1 → 3 → 3 → 3 → 3 → 1: softplus(matrix)·x + bias, then x + tanh(factor)·tanh(x)).
//   σ from the integer scale index: σ = table[idx], a geometric table, so dσ/d idx = σ · ln(table[1]/table[0]).
//
// SGA (stochastic Gumbel annealing; Yang, Bamler, Mandt, "Improving inference for neural image compression",
// NeurIPS 2020): a value v between ⌊v⌋ and ⌈v⌉ becomes ṽ = ⌊v⌋ + w, with w the ⌈v⌉ weight of a two-way
// Gumbel-softmax at temperature τ over the logits −atanh(v − ⌊v⌋)/τ (for ⌊v⌋) and −atanh(⌈v⌉ − v)/τ (for ⌈v⌉):
// w = sigmoid((l_ceil − l_floor + g_ceil − g_floor)/τ). As τ → 0 it becomes hard rounding (to the nearer integer,
// and stochastically less so near ½); at τ ≈ 0.5 it is a smooth, noisy interpolation.
import { normalCdf } from '../../../gpu/reference/ops';
import type { OpWeights } from '../../../gpu/oplist';

export const LIKELIHOOD_BOUND = 1e-9;
const LN2 = Math.LN2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const pdf = (x: number) => INV_SQRT_2PI * Math.exp(-0.5 * x * x);

/** Bits of a centred value v under N(0, σ²) discretised to unit bins, and their derivatives in v and σ. */
export function gaussianBits(v: number, sigma: number): { bits: number; dv: number; dsigma: number } {
  const u = Math.abs(v);
  const a = (0.5 - u) / sigma;
  const b = (-0.5 - u) / sigma;
  const p = normalCdf(a) - normalCdf(b);
  const pb = Math.max(p, LIKELIHOOD_BOUND);
  // dP/du = (−φ(a) + φ(b))/σ; dP/dσ = (−a φ(a) + b φ(b))/σ. The bound passes the gradient (training's
  // lower_bound does, since −log2 pushes P up), divided by the bounded P.
  const dpdu = (pdf(b) - pdf(a)) / sigma;
  const dpds = (b * pdf(b) - a * pdf(a)) / sigma;
  const k = -1 / (pb * LN2);
  return { bits: -Math.log2(pb), dv: k * dpdu * Math.sign(v), dsigma: k * dpds };
}

const softplus = (x: number) => (x > 30 ? x : Math.log1p(Math.exp(x)));
const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** The factorized prior of z (one CDF-logit network per channel) from a package's `z_density.*` tensors. */
export class FactorizedPrior {
  /** Per layer: softplus(matrix) [C][out][in], bias [C][out], tanh(factor) [C][out] (none for the last). */
  private readonly layers: { m: Float64Array; b: Float64Array; f: Float64Array | null; dout: number; din: number }[] = [];

  constructor(
    w: OpWeights,
    readonly channels: number,
    prefix = 'z_density',
    filters: readonly number[] = [3, 3, 3, 3],
  ) {
    const dims = [1, ...filters, 1];
    for (let i = 0; i < dims.length - 1; i++) {
      const [din, dout] = [dims[i], dims[i + 1]];
      const m = Float64Array.from(w.f32(`${prefix}.matrices.${i}`), softplus);
      const b = Float64Array.from(w.f32(`${prefix}.biases.${i}`));
      const f = i < filters.length ? Float64Array.from(w.f32(`${prefix}.factors.${i}`), Math.tanh) : null;
      if (m.length !== channels * dout * din || b.length !== channels * dout) throw new Error(`${prefix} layer ${i}: unexpected tensor sizes`);
      this.layers.push({ m, b, f, dout, din });
    }
  }

  /** The CDF logit c(x) of channel ch and its derivative (forward mode: one scalar input). */
  logit(ch: number, x: number): { v: number; d: number } {
    let v = [x];
    let d = [1];
    for (const L of this.layers) {
      const nv = new Array<number>(L.dout);
      const nd = new Array<number>(L.dout);
      for (let o = 0; o < L.dout; o++) {
        let s = L.b[ch * L.dout + o];
        let sd = 0;
        for (let i = 0; i < L.din; i++) {
          const m = L.m[(ch * L.dout + o) * L.din + i];
          s += m * v[i];
          sd += m * d[i];
        }
        if (L.f) {
          const fac = L.f[ch * L.dout + o];
          const th = Math.tanh(s);
          nv[o] = s + fac * th;
          nd[o] = sd * (1 + fac * (1 - th * th));
        } else {
          nv[o] = s;
          nd[o] = sd;
        }
      }
      v = nv;
      d = nd;
    }
    return { v: v[0], d: d[0] };
  }

  /** Bits of value x in channel ch (unit bin around x) and d bits / dx. */
  bits(ch: number, x: number): { bits: number; dx: number } {
    const lo = this.logit(ch, x - 0.5);
    const up = this.logit(ch, x + 0.5);
    const s = lo.v + up.v > 0 ? -1 : lo.v + up.v < 0 ? 1 : 0;
    // s = 0 (the median exactly between): |σ(0) − σ(0)| = 0 → bound; training's sign() does the same
    const su = sigmoid(s * up.v);
    const sl = sigmoid(s * lo.v);
    const diff = su - sl;
    const p = Math.abs(diff);
    const pb = Math.max(p, LIKELIHOOD_BOUND);
    const dp = Math.sign(diff) * s * (su * (1 - su) * up.d - sl * (1 - sl) * lo.d);
    return { bits: -Math.log2(pb), dx: (-1 / (pb * LN2)) * dp };
  }
}

/** The Gaussian scale table's derivative: σ_i = σ_0 · r^i → dσ/di = σ · ln r (checked to be geometric). */
export function scaleTableLogStep(scales: readonly number[]): number {
  const step = Math.log(scales[1] / scales[0]);
  for (let i = 1; i < scales.length; i++) {
    if (Math.abs(Math.log(scales[i] / scales[i - 1]) - step) > 1e-9) throw new Error('the Gaussian scale table is not geometric');
  }
  return step;
}

const SGA_EPS = 1e-5;
const atanhClip = (r: number) => Math.atanh(Math.min(Math.max(r, -1 + SGA_EPS), 1 - SGA_EPS));
const datanhClip = (r: number) => (r > -1 + SGA_EPS && r < 1 - SGA_EPS ? 1 / (1 - r * r) : 0);

/**
 * SGA soft rounding of v with Gumbel noise gFloor, gCeil at temperature τ: the value ṽ and dṽ/dv.
 */
export function sga(v: number, gFloor: number, gCeil: number, tau: number): { v: number; d: number } {
  const f = Math.floor(v);
  const c = Math.ceil(v);
  if (c === f) return { v, d: 0 }; // an integer: both candidates are v
  const r = v - f; // ∈ (0, 1); ⌈v⌉ − v = 1 − r
  const lf = -atanhClip(r) / tau;
  const lc = -atanhClip(1 - r) / tau;
  const w = sigmoid((lc - lf + gCeil - gFloor) / tau);
  // d(lc − lf)/dv = (atanh'(1 − r) + atanh'(r)) / τ
  const dl = (datanhClip(1 - r) + datanhClip(r)) / tau;
  return { v: f + w, d: (w * (1 - w) * dl) / tau };
}

/** A standard Gumbel sample from a uniform source. */
export function gumbel(rand: () => number): number {
  const u = Math.min(Math.max(rand(), 1e-12), 1 - 1e-12);
  return -Math.log(-Math.log(u));
}
