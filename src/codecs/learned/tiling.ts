// Tiled evaluation of the learned codecs' transforms, so that any image the app accepts runs in bounded memory
// on every backend, with exactly the result of the whole-image computation.
//
// The geometry comes from the manifest's op lists (docs/model-package.md "Op lists"), not from a fixed
// margin: along one axis, output position o of `conv2d` (kernel k, stride s, padding p) reads input positions
// s·o − p … s·o − p + k − 1; `depth_to_space` (block r) output o reads input ⌊o/r⌋; every other op (GDN, IGDN,
// leaky ReLU, abs, int_to_float) is pointwise in space. Walking an op list backwards from a range of output
// positions gives the input range they read: their receptive field (61 px for a y position of the analysis,
// 4 conv 5×5 stride 2; 2 ŷ positions either side of a 16×16 block for the synthesis).
//
// A tile reads that input range (clipped to the image) and keeps only the outputs it was planned for. The
// zero padding inside a tile then only ever reaches outputs that are thrown away, or lies at the image's own
// edge, where the whole-image computation pads with the same zeros. Why checking the input range is enough:
// an output position outside a layer's extent inside the tile (reading that layer's padding) maps, through
// every op above, to input positions outside the tile as well (s·j − p < 0 for j < 0, and ≥ the tile's extent
// for j past its end, for the "same"-padded convs and depth_to_space these op lists use; `planAxis` also
// checks every intermediate level). A tile's input start is a multiple of the op list's alignment (the product
// of the strides, 16 for the analysis) so that its output grid is the whole image's grid shifted by an integer.
import { RdLabError } from '../../errors';
import { OP_VOCABULARY } from '../../gpu/oplist';
import type { Op } from './package';

/** The ops that move positions; everything else is pointwise in space. */
/** `parity`: the op's output depends on the parity of its absolute position (checkerboard_iconv2d), so a tile
 * must start it on an even offset. */
type SpatialOp = { kind: 'conv'; k: number; s: number; p: number; parity?: boolean } | { kind: 'd2s'; r: number };

/** Each op's geometry as the vocabulary (src/gpu/op-vocabulary.json) declares it: a 'conv' has kernel, stride and
 * padding; a 'depth_to_space' a block. */
function spatial(ops: readonly Op[]): SpatialOp[] {
  const out: SpatialOp[] = [];
  for (const op of ops) {
    const f = op as unknown as Record<string, number>;
    const geometry = OP_VOCABULARY[op.op].geometry;
    if (geometry === 'conv') out.push({ kind: 'conv', k: f.kernel, s: f.stride, p: f.padding, parity: op.op === 'checkerboard_iconv2d' });
    else if (geometry === 'depth_to_space') out.push({ kind: 'd2s', r: f.block });
    else if (geometry !== 'pointwise') throw new TilingError(`op ${op.op}: tiles do not know its geometry ${JSON.stringify(geometry)}.`);
  }
  return out;
}

/** A tile plan that cannot be made (a tile smaller than one output, an op list tiles cannot follow). */
export class TilingError extends RdLabError<'plan'> {
  constructor(message: string) {
    super('plan', message);
    this.name = 'TilingError';
  }
}

/** Output length of an op list for an input of length n (PyTorch's conv arithmetic; depth_to_space × r). */
export function outputLength(ops: readonly Op[], n: number): number {
  for (const o of spatial(ops)) n = o.kind === 'conv' ? Math.floor((n + 2 * o.p - o.k) / o.s) + 1 : n * o.r;
  return n;
}

/** Input positions [lo, hi] (inclusive; may lie outside the image: padding) that outputs [lo, hi] read. */
export function inputRange(ops: readonly Op[], lo: number, hi: number): [number, number] {
  const sp = spatial(ops);
  for (let i = sp.length - 1; i >= 0; i--) {
    const o = sp[i];
    if (o.kind === 'conv') [lo, hi] = [o.s * lo - o.p, o.s * hi - o.p + o.k - 1];
    else [lo, hi] = [Math.floor(lo / o.r), Math.floor(hi / o.r)];
  }
  return [lo, hi];
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Smallest a such that an input offset that is a multiple of a maps to a whole output offset (16 for the analysis). */
export function alignment(ops: readonly Op[]): number {
  let a = 1;
  const sp = spatial(ops);
  for (let i = sp.length - 1; i >= 0; i--) {
    const o = sp[i];
    a = o.kind === 'conv' ? a * o.s : a / gcd(a, o.r);
    if (o.kind === 'conv' && o.parity && a % 2 !== 0) a *= 2; // the checkerboard's anchors are the image's
  }
  return a;
}

/** The output offset of an input offset `off` (a multiple of `alignment(ops)`): off/16 for the analysis, 16·off for the synthesis. */
export function outputOffset(ops: readonly Op[], off: number): number {
  for (const o of spatial(ops)) {
    if (o.kind === 'conv') {
      if (off % o.s !== 0) throw new TilingError(`input offset ${off} is not a multiple of a stride ${o.s}.`);
      off /= o.s;
    } else off *= o.r;
  }
  return off;
}

/** One tile along one axis: it reads inputs [in0, in1) and keeps outputs [out0, out1) (global positions). */
export interface Span {
  in0: number;
  in1: number;
  out0: number;
  out1: number;
  /** Where out0 lies in the tile's own output: out0 − outputOffset(in0). */
  skip: number;
}

/**
 * Splits one axis of an input of length `n` into tiles of at most `tile` outputs each (as even as possible),
 * each reading the receptive field of its outputs. `heads` are op lists applied to the same input (the
 * hyper-synthesis' index and means heads); a tile reads what any of them needs. `tile` = Infinity: one tile.
 */
export function planAxis(heads: readonly (readonly Op[])[], n: number, tile: number): Span[] {
  if (!(tile >= 1)) throw new TilingError(`tile must be at least 1 output, got ${tile}.`);
  const nOut = outputLength(heads[0], n);
  for (const h of heads) if (outputLength(h, n) !== nOut) throw new TilingError('the heads of a tiled transform must have the same output size.');
  const a = heads.map(alignment).reduce((x, y) => (x * y) / gcd(x, y), 1);
  if (n % a !== 0) throw new TilingError(`input length ${n} is not a multiple of the alignment ${a}.`);
  const count = Math.max(1, Math.ceil(nOut / Math.min(tile, nOut)));
  const spans: Span[] = [];
  for (let i = 0; i < count; i++) {
    const out0 = Math.round((i * nOut) / count);
    const out1 = Math.round(((i + 1) * nOut) / count);
    let lo = Infinity;
    let hi = -Infinity;
    for (const h of heads) {
      const [l, r] = inputRange(h, out0, out1 - 1);
      lo = Math.min(lo, l);
      hi = Math.max(hi, r);
    }
    const in0 = Math.floor(Math.max(0, lo) / a) * a;
    const in1 = Math.min(n, Math.ceil((hi + 1) / a) * a);
    const span: Span = { in0, in1, out0, out1, skip: out0 - outputOffset(heads[0], in0) };
    for (const h of heads) checkSpan(h, n, span);
    spans.push(span);
  }
  return spans;
}

/**
 * Checks, level by level, that every position the kept outputs depend on is inside the tile's extent at that
 * level, or is padding at the image's own edge (where the tile's edge is the image's edge).
 */
function checkSpan(ops: readonly Op[], n: number, s: Span): void {
  const sp = spatial(ops);
  // Extents per level, input first: the tile's [start, end) and the whole image's length, in global positions.
  const levels: { start: number; end: number; whole: number }[] = [{ start: s.in0, end: s.in1, whole: n }];
  let len = s.in1 - s.in0;
  let start = s.in0;
  let whole = n;
  for (const o of sp) {
    if (o.kind === 'conv') {
      len = Math.floor((len + 2 * o.p - o.k) / o.s) + 1;
      whole = Math.floor((whole + 2 * o.p - o.k) / o.s) + 1;
      start /= o.s;
    } else {
      len *= o.r;
      whole *= o.r;
      start *= o.r;
    }
    levels.push({ start, end: start + len, whole });
  }
  let lo = s.out0;
  let hi = s.out1 - 1;
  for (let i = sp.length; i >= 0; i--) {
    const L = levels[i];
    // Positions outside [0, whole) are the layer's zero padding: the same zeros in the tile when the tile
    // reaches that edge of the image, and wrong values (the tile's padding instead of data) when it does not.
    const okLo = lo >= L.start || L.start === 0;
    const okHi = hi < L.end || L.end === L.whole;
    if (!okLo || !okHi) throw new TilingError(`tile [${s.in0}, ${s.in1}) cannot compute outputs [${s.out0}, ${s.out1}) exactly (level ${i} needs [${lo}, ${hi}]).`);
    lo = Math.max(lo, 0);
    hi = Math.min(hi, L.whole - 1);
    if (i === 0) break;
    const o = sp[i - 1];
    [lo, hi] = o.kind === 'conv' ? [o.s * lo - o.p, o.s * hi - o.p + o.k - 1] : [Math.floor(lo / o.r), Math.floor(hi / o.r)];
  }
}

/** A 2-D tile: rows and columns spans. */
export interface Tile {
  rows: Span;
  cols: Span;
}

/** Every tile of an H×W input (row-major). */
export function planTiles(heads: readonly (readonly Op[])[], height: number, width: number, tile: number): Tile[] {
  const rows = planAxis(heads, height, tile);
  const cols = planAxis(heads, width, tile);
  const out: Tile[] = [];
  for (const r of rows) for (const c of cols) out.push({ rows: r, cols: c });
  return out;
}

/** Copies rows [r0, r1) × cols [c0, c1) of a C×H×W tensor into a new C×(r1−r0)×(c1−c0) one. */
export function cropChw<T extends Float32Array | Float64Array | Int32Array>(src: T, channels: number, height: number, width: number, r0: number, r1: number, c0: number, c1: number): T {
  const h = r1 - r0;
  const w = c1 - c0;
  if (r0 < 0 || c0 < 0 || r1 > height || c1 > width || h < 0 || w < 0) throw new TilingError(`crop [${r0}, ${r1})×[${c0}, ${c1}) is outside ${height}×${width}.`);
  const out = new (src.constructor as { new (n: number): T })(channels * h * w);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < h; y++) {
      const s = (c * height + r0 + y) * width + c0;
      out.set(src.subarray(s, s + w) as never, (c * h + y) * w);
    }
  }
  return out;
}

/**
 * Pastes rows [sr, sr+h) × cols [sc, sc+w) of a C×sh×sw tile into a C×H×W tensor at (dr, dc).
 */
export function pasteChw<T extends Float32Array | Float64Array | Int32Array>(
  dst: T,
  height: number,
  width: number,
  src: T,
  channels: number,
  sh: number,
  sw: number,
  sr: number,
  sc: number,
  h: number,
  w: number,
  dr: number,
  dc: number,
): void {
  if (src.length !== channels * sh * sw || dst.length !== channels * height * width) throw new TilingError('paste: tensor sizes do not match their shapes.');
  if (sr < 0 || sc < 0 || sr + h > sh || sc + w > sw || dr < 0 || dc < 0 || dr + h > height || dc + w > width) {
    throw new TilingError(`paste of ${h}×${w} from (${sr}, ${sc}) of ${sh}×${sw} to (${dr}, ${dc}) of ${height}×${width} is out of bounds.`);
  }
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < h; y++) {
      const s = (c * sh + sr + y) * sw + sc;
      dst.set(src.subarray(s, s + w) as never, (c * height + dr + y) * width + dc);
    }
  }
}
