// Float64 vector–Jacobian products (gradients w.r.t. an op's INPUT, never its weights) of the ops the synthesis
// transform, the means head and the integer hyper-synthesis use, for encode-time latent refinement (refine.ts,
// issue 20). Each op runs its forward once (the float64 reference of src/gpu/reference, or the exact integer
// convolution) and returns a `back(g)` that maps a cotangent of its output to one of its input.
//
// The integer layer (iconv2d) has no derivative; its VJP is the straight-through one training uses
// (tools/train/layers.py IntConv2d: round_ste, then a hard clamp): d out / d in = W_int / divisor, masked to the
// outputs whose unclamped quotient lies in [lo, hi].
//
// These are the oracle for the onnxruntime graphs (onnx-vjp.ts) and the production path for the small tensors
// of the hyper-synthesis (1/256 of the pixels). Tested against central finite differences (vjp.test.ts).
import { iconvParamsOf, type Op, type OpOf, type OpWeights } from '../../../gpu/oplist';
import * as ref from '../../../gpu/reference/ops';
import type { Shape } from '../../../gpu/tensor';

export interface OpVjp {
  out: ref.RefTensor;
  /** Cotangent of the output (same length) → cotangent of the input. */
  back(g: ArrayLike<number>): Float64Array;
}

/**
 * Transposed cross-correlation: the input cotangent of y = conv(x, w) (OIHW w, stride s, zero padding p), for an
 * input of shape inShape. Each weight scatters g over the input rows it read.
 */
export function convInputGrad(g: ArrayLike<number>, outShape: Shape, w: ArrayLike<number>, inShape: Shape, k: number, s: number, pad: number, wScale?: ArrayLike<number>): Float64Array {
  const [cout, ho, wo] = outShape;
  const [cin, h, wd] = inShape;
  const gx = new Float64Array(cin * h * wd);
  for (let o = 0; o < cout; o++) {
    const sc = wScale ? wScale[o] : 1;
    const go = o * ho * wo;
    for (let i = 0; i < cin; i++) {
      const xo = i * h * wd;
      for (let ky = 0; ky < k; ky++) {
        const oy0 = Math.max(0, Math.ceil((pad - ky) / s));
        const oy1 = Math.min(ho - 1, Math.floor((h - 1 + pad - ky) / s));
        for (let kx = 0; kx < k; kx++) {
          const wv = w[((o * cin + i) * k + ky) * k + kx] * sc;
          if (wv === 0) continue;
          const ox0 = Math.max(0, Math.ceil((pad - kx) / s));
          const ox1 = Math.min(wo - 1, Math.floor((wd - 1 + pad - kx) / s));
          for (let oy = oy0; oy <= oy1; oy++) {
            const row = xo + (oy * s + ky - pad) * wd + kx - pad;
            const gr = go + oy * wo;
            for (let ox = ox0; ox <= ox1; ox++) gx[row + ox * s] += wv * g[gr + ox];
          }
        }
      }
    }
  }
  return gx;
}

/** The inverse permutation of depth-to-space (CRD): in[c·r² + i·r + j, y, x] = out[c, y·r + i, x·r + j]. */
export function spaceToDepthCrd(g: ArrayLike<number>, outShape: Shape, r: number): Float64Array {
  const [c, H, W] = outShape;
  const h = H / r;
  const w = W / r;
  const gx = new Float64Array(c * H * W);
  for (let ch = 0; ch < c; ch++)
    for (let Y = 0; Y < H; Y++)
      for (let X = 0; X < W; X++) {
        const i = Y % r;
        const j = X % r;
        gx[((ch * r * r + i * r + j) * h + (Y - i) / r) * w + (X - j) / r] = g[(ch * H + Y) * W + X];
      }
  return gx;
}

/**
 * (I)GDN: y_i = x_i · n_i^(±½), n_i = β_i + Σ_j γ_ij x_j². Input cotangent:
 * gx_k = g_k · n_k^(±½) ± x_k · Σ_i γ_ik · g_i · x_i · n_i^(±½ − 1).
 */
export function gdnVjp(x: ref.RefTensor, beta: ArrayLike<number>, gamma: ArrayLike<number>, inverse: boolean): OpVjp {
  const [c, h, w] = x.shape;
  const hw = h * w;
  const norm = new Float64Array(c * hw);
  for (let i = 0; i < c; i++)
    for (let p = 0; p < hw; p++) {
      let n = beta[i];
      for (let j = 0; j < c; j++) {
        const v = x.data[j * hw + p];
        n += gamma[i * c + j] * v * v;
      }
      norm[i * hw + p] = n;
    }
  const out = ref.refTensor(x.shape);
  for (let q = 0; q < c * hw; q++) out.data[q] = inverse ? x.data[q] * Math.sqrt(norm[q]) : x.data[q] / Math.sqrt(norm[q]);
  return {
    out,
    back(g) {
      const gx = new Float64Array(c * hw);
      // u_i = g_i · x_i · d(n_i^(±½))/dn_i = ± ½ g_i x_i n_i^(±½ − 1); gx_k = g_k n_k^(±½) + 2 x_k Σ_i γ_ik u_i
      const u = new Float64Array(c * hw);
      for (let q = 0; q < c * hw; q++) {
        const n = norm[q];
        u[q] = inverse ? (0.5 * g[q] * x.data[q]) / Math.sqrt(n) : (-0.5 * g[q] * x.data[q]) / (n * Math.sqrt(n));
        gx[q] = inverse ? g[q] * Math.sqrt(n) : g[q] / Math.sqrt(n);
      }
      for (let k = 0; k < c; k++)
        for (let i = 0; i < c; i++) {
          const gik = 2 * gamma[i * c + k];
          if (gik === 0) continue;
          for (let p = 0; p < hw; p++) gx[k * hw + p] += gik * x.data[k * hw + p] * u[i * hw + p];
        }
      return gx;
    },
  };
}

function pointwise(x: ref.RefTensor, f: (v: number) => number, df: (v: number) => number): OpVjp {
  const out = ref.map(x, f);
  return {
    out,
    back(g) {
      const gx = new Float64Array(g.length);
      for (let i = 0; i < gx.length; i++) gx[i] = g[i] * df(x.data[i]);
      return gx;
    },
  };
}

/**
 * The integer layer with its straight-through VJP (tools/train/layers.py IntConv2d): forward the exact integer
 * convolution; backward g · [lo ≤ q ≤ hi] · W_int / divisor scattered to the input, where q is the unclamped
 * quotient (torch.clamp passes the gradient at the bounds themselves).
 */
export function iconvVjp(x: ref.RefTensor, op: OpOf<'iconv2d'>, w: OpWeights): OpVjp {
  const p = iconvParamsOf(op, w);
  // acc in float64 is exact (int8 weights, |inputs| ≤ 127: every partial sum is an integer far below 2^53)
  const acc = convForward(x.data, x.shape, p.weight, p.bias, p.cout, p.k, p.stride, p.pad);
  const [cout, ho, wo] = acc.shape;
  const plane = ho * wo;
  const out = ref.refTensor(acc.shape);
  const mask = new Float64Array(acc.data.length);
  for (let o = 0; o < cout; o++) {
    const c = p.divisor[o];
    for (let i = o * plane; i < (o + 1) * plane; i++) {
      const num = acc.data[i] + (c >> 1);
      const q = Math.trunc(num / c); // the exported layer's quotient (its output after the clamp)
      out.data[i] = q < op.lo ? op.lo : q > op.hi ? op.hi : q;
      // training's quotient round(acc / c) decides the mask: floor((acc + ⌊c/2⌋)/c) is the same but at exact ties
      // (trunc and floor differ for negative quotients, which the clamp to lo ≥ 0 hides in the forward only)
      const qt = Math.floor(num / c);
      mask[i] = qt >= op.lo && qt <= op.hi ? 1 : 0;
    }
  }
  const scale = Float64Array.from(p.divisor, (d) => 1 / d);
  return {
    out,
    back(g) {
      const gm = new Float64Array(g.length);
      for (let i = 0; i < gm.length; i++) gm[i] = g[i] * mask[i];
      return convInputGrad(gm, acc.shape, p.weight, x.shape, p.k, p.stride, p.pad, scale);
    },
  };
}

/** Cross-correlation with zero padding in float64, row-wise (the same sums as ref.conv2d, in another order). */
export function convForward(x: ArrayLike<number>, inShape: Shape, w: ArrayLike<number>, bias: ArrayLike<number> | null, cout: number, k: number, s: number, pad: number): ref.RefTensor {
  const [cin, h, wd] = inShape;
  const ho = Math.floor((h + 2 * pad - k) / s) + 1;
  const wo = Math.floor((wd + 2 * pad - k) / s) + 1;
  const y = ref.refTensor([cout, ho, wo]);
  for (let o = 0; o < cout; o++) {
    const yo = o * ho * wo;
    if (bias) y.data.fill(bias[o], yo, yo + ho * wo);
    for (let i = 0; i < cin; i++) {
      const xo = i * h * wd;
      for (let ky = 0; ky < k; ky++) {
        const oy0 = Math.max(0, Math.ceil((pad - ky) / s));
        const oy1 = Math.min(ho - 1, Math.floor((h - 1 + pad - ky) / s));
        for (let kx = 0; kx < k; kx++) {
          const wv = w[((o * cin + i) * k + ky) * k + kx];
          if (wv === 0) continue;
          const ox0 = Math.max(0, Math.ceil((pad - kx) / s));
          const ox1 = Math.min(wo - 1, Math.floor((wd - 1 + pad - kx) / s));
          for (let oy = oy0; oy <= oy1; oy++) {
            const row = xo + (oy * s + ky - pad) * wd + kx - pad;
            const yr = yo + oy * wo;
            for (let ox = ox0; ox <= ox1; ox++) y.data[yr + ox] += wv * x[row + ox * s];
          }
        }
      }
    }
  }
  return y;
}

/** One op's forward and VJP, in the op vocabulary (src/gpu/op-vocabulary.json). */
export function opVjp(op: Op, w: OpWeights, x: ref.RefTensor): OpVjp {
  switch (op.op) {
    case 'conv2d': {
      const out = ref.conv2d(x, w.f32(op.weight), w.f32(op.bias), op.cout, op.kernel, { stride: op.stride, pad: op.padding });
      return { out, back: (g) => convInputGrad(g, out.shape, w.f32(op.weight), x.shape, op.kernel, op.stride, op.padding) };
    }
    case 'depth_to_space': {
      const out = ref.depthToSpace(x.data, x.shape, op.block);
      return { out, back: (g) => spaceToDepthCrd(g, out.shape, op.block) };
    }
    case 'gdn':
    case 'igdn':
      return gdnVjp(x, w.f32(op.beta), w.f32(op.gamma), op.op === 'igdn');
    case 'relu':
      return pointwise(x, (v) => (v > 0 ? v : 0), (v) => (v > 0 ? 1 : 0));
    case 'leaky_relu': {
      const a = op.slope;
      return pointwise(x, (v) => (v >= 0 ? v : a * v), (v) => (v >= 0 ? 1 : a));
    }
    case 'abs':
      return pointwise(x, Math.abs, (v) => (v > 0 ? 1 : v < 0 ? -1 : 0));
    case 'int_to_float': {
      const s = op.scale;
      return pointwise(x, (v) => v * s, () => s);
    }
    case 'iconv2d':
      return iconvVjp(x, op, w);
    default:
      throw new Error(`refinement has no VJP for op ${(op as Op).op}.`);
  }
}

/** Per-channel multiply y = x · v[c] (the gain units) and its VJP. */
export function mulChannelVjp(x: ref.RefTensor, v: ArrayLike<number>): OpVjp {
  const hw = x.shape[1] * x.shape[2];
  const out = ref.mulChannel(x, v);
  return {
    out,
    back(g) {
      const gx = new Float64Array(g.length);
      for (let i = 0; i < gx.length; i++) gx[i] = g[i] * v[Math.floor(i / hw)];
      return gx;
    },
  };
}

/** An op list's forward (every intermediate kept) and its VJP. */
export function runOpsVjp(ops: readonly Op[], w: OpWeights, x: ref.RefTensor): OpVjp {
  const tape: OpVjp[] = [];
  let cur = x;
  for (const op of ops) {
    const v = opVjp(op, w, cur);
    tape.push(v);
    cur = v.out;
  }
  return {
    out: cur,
    back(g) {
      let gc: ArrayLike<number> = g;
      for (let i = tape.length - 1; i >= 0; i--) gc = tape[i].back(gc);
      return Float64Array.from(gc);
    },
  };
}
