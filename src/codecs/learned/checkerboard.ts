// The checkerboard context's integer path on the CPU (docs/learned-codecs.md "Checkerboard context"): the masked
// context conv over the anchors' integer symbols (op checkerboard_iconv2d) and the pass-2 index head over
// concat(features, ctx), computed at the non-anchors only and merged with the anchors' pass-1 index — the fused
// index every backend must reproduce exactly. Also the split of y into its two passes as the container stores
// them: pass p's element (c, r, j) is y's element (c, r, 2j + ((r + p) mod 2)); p = 0 anchors, 1 non-anchors.
import { iconv } from '../../gpu/int/iconv';
import { checkerboardParamsOf, iconvParamsOf, type Op, type OpWeights } from '../../gpu/oplist';
import type { Shape } from '../../gpu/tensor';

export type Pass = 0 | 1;

/** True at the anchors ((row + column) even), which pass 1 codes. */
export const isAnchor = (row: number, col: number): boolean => ((row + col) & 1) === 0;

/** The elements of pass p of a C×H×W tensor (W even), as a C×H×(W/2) tensor in C order. */
export function passElements<T extends Int32Array | Float32Array | Float64Array>(full: T, shape: Shape, p: Pass): T {
  const [c, h, w] = shape;
  if (w % 2 !== 0) throw new Error(`checkerboard passes need an even width, got ${w}`);
  const half = w / 2;
  const out = new (full.constructor as { new (n: number): T })(c * h * half);
  for (let ch = 0; ch < c; ch++)
    for (let r = 0; r < h; r++) {
      const src = (ch * h + r) * w + ((r + p) & 1);
      const dst = (ch * h + r) * half;
      for (let j = 0; j < half; j++) out[dst + j] = full[src + 2 * j];
    }
  return out;
}

/** Writes pass p's elements (C×H×(W/2)) back into their places of a C×H×W tensor. */
export function setPassElements<T extends Int32Array | Float32Array | Float64Array>(full: T, shape: Shape, p: Pass, pass: T): void {
  const [c, h, w] = shape;
  const half = w / 2;
  if (pass.length !== c * h * half) throw new Error(`pass ${p} has ${pass.length} elements, expected ${c * h * half}`);
  for (let ch = 0; ch < c; ch++)
    for (let r = 0; r < h; r++) {
      const dst = (ch * h + r) * w + ((r + p) & 1);
      const src = (ch * h + r) * half;
      for (let j = 0; j < half; j++) full[dst + 2 * j] = pass[src + j];
    }
}

export interface CheckerboardOps {
  /** transforms.context_int: [checkerboard_iconv2d] on y's symbols. */
  context: readonly Op[];
  /** transforms.context_index_int: [iconv2d] on concat(features, ctx). */
  index: readonly Op[];
}

/**
 * The table index of every element of y: the anchors' from pass 1 (`anchorIndex`, the scale head's), the
 * non-anchors' from the pass-2 head over concat(features, ctx), ctx = the context layer over `symbols` (only the
 * anchors' are read, so the encoder may pass all of y's). Exact integer arithmetic; the head runs at the
 * non-anchors only. Returns ctx too (tests, and the means head, which reads concat(features, ctx) in float).
 */
export function checkerboardIndex(
  w: OpWeights,
  ops: CheckerboardOps,
  features: Int32Array,
  featureShape: Shape,
  anchorIndex: Int32Array,
  symbols: Int32Array,
  yShape: Shape,
): { ctx: Int32Array; ctxShape: Shape; index: Int32Array } {
  const [ctxOp] = ops.context;
  const [headOp] = ops.index;
  if (ops.context.length !== 1 || ctxOp.op !== 'checkerboard_iconv2d') throw new Error('context_int must be one checkerboard_iconv2d');
  if (ops.index.length !== 1 || headOp.op !== 'iconv2d') throw new Error('context_index_int must be one iconv2d');
  const [M, h, wd] = yShape;
  if (featureShape[1] !== h || featureShape[2] !== wd) throw new Error(`features ${featureShape.join('×')} do not match y ${yShape.join('×')}`);
  if (anchorIndex.length !== M * h * wd || symbols.length !== M * h * wd) throw new Error('index and symbols must have y\'s shape');
  const ctx = iconv(symbols, yShape, checkerboardParamsOf(ctxOp, w));
  const cat = new Int32Array(features.length + ctx.data.length);
  cat.set(features);
  cat.set(ctx.data, features.length);
  const head = iconv(cat, [featureShape[0] + ctx.shape[0], h, wd], { ...iconvParamsOf(headOp, w), parity: 1 });
  if (head.shape[0] !== M) throw new Error(`the pass-2 head gives ${head.shape[0]} channels, y has ${M}`);
  const index = Int32Array.from(anchorIndex);
  setPassElements(index, yShape, 1, passElements(head.data, yShape, 1));
  return { ctx: ctx.data, ctxShape: ctx.shape, index };
}
