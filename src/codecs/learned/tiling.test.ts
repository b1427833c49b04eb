// The tiling geometry against independent oracles:
//  - known answers: a y position of the analysis (four conv 5×5, stride 2, padding 2) reads 61 input pixels,
//    [16o − 30, 16o + 30]; the shipped packages' op lists give the ranges derived by hand;
//  - an empirical receptive field: with random weights in float64, perturbing one input position changes
//    exactly the outputs whose computed input range contains it (never one outside: the range is sufficient;
//    the extremes are reached: it is not larger than needed);
//  - tiled = whole, bit for bit in float64, for random networks shaped like each transform, with tiles far
//    smaller than the image (so most tiles have padding of their own inside the image);
//  - a tile that reads one aligned block less than planned gives different outputs (the margin is needed).
import { describe, expect, it } from 'vitest';
import * as ref from '../../gpu/reference/ops';
import { gaussian, mulberry32 } from '../../testing/random';
import { loadPackageDir } from '../../cli/node-io';
import { MODELS_ROOT } from '../../testing/models';
import { join } from 'node:path';
import type { ModelPackage, Op } from './package';
import { runOpsRef } from './reference';
import { alignment, cropChw, inputRange, outputLength, pasteChw, planAxis, planTiles, TilingError, type Span } from './tiling';

const conv = (name: string, cin: number, cout: number, k: number, s: number): Op => ({ op: 'conv2d', weight: `${name}.w`, bias: `${name}.b`, kernel: k, stride: s, padding: (k - 1) >> 1, cin, cout });
const gdn = (name: string, c: number, inverse = false): Op => ({ op: inverse ? 'igdn' : 'gdn', beta: `${name}.beta`, gamma: `${name}.gamma`, channels: c });
const d2s: Op = { op: 'depth_to_space', block: 2 };

// Shaped like the shipped transforms, with few channels.
const ANALYSIS: Op[] = [conv('a0', 3, 4, 5, 2), gdn('g0', 4), conv('a1', 4, 4, 5, 2), gdn('g1', 4), conv('a2', 4, 4, 5, 2), gdn('g2', 4), conv('a3', 4, 5, 5, 2)];
const SYNTHESIS: Op[] = [
  conv('s0', 5, 16, 3, 1), d2s, gdn('i0', 4, true),
  conv('s1', 4, 16, 3, 1), d2s, gdn('i1', 4, true),
  conv('s2', 4, 16, 3, 1), d2s, gdn('i2', 4, true),
  conv('s3', 4, 12, 3, 1), d2s,
];
const HYPER_ANALYSIS: Op[] = [{ op: 'abs' }, conv('h0', 5, 4, 3, 1), { op: 'leaky_relu', slope: 0.01 }, conv('h1', 4, 4, 5, 2), { op: 'leaky_relu', slope: 0.01 }, conv('h2', 4, 3, 5, 2)];
const HYPER_SYNTHESIS: Op[] = [conv('q0', 3, 16, 3, 1), d2s, conv('q1', 4, 16, 3, 1), d2s];
const MEANS_HEAD: Op[] = [...HYPER_SYNTHESIS, conv('m0', 4, 4, 3, 1), { op: 'leaky_relu', slope: 0.01 }, conv('m1', 4, 5, 3, 1)];

/** A stand-in package whose f32() hands out seeded random weights (GDN's β, γ positive). */
function randomWeights(seed: number): ModelPackage {
  const rnd = mulberry32(seed);
  const cache = new Map<string, Float32Array>();
  const all = [...ANALYSIS, ...SYNTHESIS, ...HYPER_ANALYSIS, ...MEANS_HEAD];
  const size = (name: string): { n: number; positive: boolean } => {
    for (const op of all) {
      if (op.op === 'conv2d' && op.weight === name) return { n: op.cout * op.cin * op.kernel * op.kernel, positive: false };
      if (op.op === 'conv2d' && op.bias === name) return { n: op.cout, positive: false };
      if ((op.op === 'gdn' || op.op === 'igdn') && op.beta === name) return { n: op.channels, positive: true };
      if ((op.op === 'gdn' || op.op === 'igdn') && op.gamma === name) return { n: op.channels * op.channels, positive: true };
    }
    throw new Error(name);
  };
  return {
    f32(name: string) {
      let w = cache.get(name);
      if (!w) {
        const { n, positive } = size(name);
        w = Float32Array.from({ length: n }, () => (positive ? 0.1 + rnd() : 0.3 * gaussian(rnd)));
        cache.set(name, w);
      }
      return w;
    },
  } as unknown as ModelPackage;
}

function randomInput(c: number, h: number, w: number, seed: number): ref.RefTensor {
  const rnd = mulberry32(seed);
  return ref.refTensor([c, h, w], Float64Array.from({ length: c * h * w }, () => rnd()));
}

/** The op list over a tiled input, in float64: every tile computed on its own input, its kept outputs pasted. */
function runTiledRef(pkg: ModelPackage, ops: readonly Op[], x: ref.RefTensor, tileOut: number): ref.RefTensor {
  const [c, h, w] = x.shape;
  const whole = runOpsRef(pkg, ops, ref.refTensor([c, Math.min(h, 16), Math.min(w, 16)]));
  const cout = whole.shape[0];
  const H = outputLength(ops, h);
  const W = outputLength(ops, w);
  const out = new Float64Array(cout * H * W).fill(NaN);
  const tiles = planTiles([ops], h, w, tileOut);
  expect(tiles.length).toBeGreaterThan(4);
  for (const t of tiles) {
    const part = runOpsRef(pkg, ops, ref.refTensor([c, t.rows.in1 - t.rows.in0, t.cols.in1 - t.cols.in0], cropChw(x.data, c, h, w, t.rows.in0, t.rows.in1, t.cols.in0, t.cols.in1)));
    pasteChw(out, H, W, part.data, cout, part.shape[1], part.shape[2], t.rows.skip, t.cols.skip, t.rows.out1 - t.rows.out0, t.cols.out1 - t.cols.out0, t.rows.out0, t.cols.out0);
  }
  return { shape: [cout, H, W], data: out };
}

describe('receptive fields from the op lists', () => {
  it('known answers: a y position reads [16o − 30, 16o + 30]; alignment 16, 4, 1', () => {
    for (const o of [0, 1, 5]) expect(inputRange(ANALYSIS, o, o)).toEqual([16 * o - 30, 16 * o + 30]);
    expect(inputRange(ANALYSIS, 2, 4)).toEqual([2, 94]);
    expect(alignment(ANALYSIS)).toBe(16);
    expect(alignment(HYPER_ANALYSIS)).toBe(4);
    expect(alignment(SYNTHESIS)).toBe(1);
    // the checkerboard context's anchors are the image's: its tiles start on even offsets, even after a d2s ×2
    const cb: Op = { op: 'checkerboard_iconv2d', weight: 'w', bias: 'b', divisor: 'd', kernel: 5, stride: 1, padding: 2, cin: 4, cout: 4, lo: 0, hi: 127, clip: 127 };
    expect(alignment([cb])).toBe(2);
    expect(inputRange([cb], 3, 3)).toEqual([1, 5]);
    expect(alignment([{ op: 'depth_to_space', block: 2 }, cb])).toBe(1);
    expect(alignment([cb, { op: 'depth_to_space', block: 2 }])).toBe(2);
    expect(outputLength(ANALYSIS, 64)).toBe(4);
    expect(outputLength(SYNTHESIS, 4)).toBe(64);
    // Synthesis: pixels 0 … 15 (one ŷ block), walking back by hand: d2s → 0 … 7, conv 3×3 → −1 … 8, d2s → −1 … 4,
    // conv → −2 … 5, d2s → −1 … 2, conv → −2 … 3, d2s → −1 … 1, conv → −2 … 2.
    expect(inputRange(SYNTHESIS, 0, 15)).toEqual([-2, 2]);
    // z position o of the hyper-analysis: 3×3 then two 5×5 stride 2 → y 4o − 7 … 4o + 7.
    expect(inputRange(HYPER_ANALYSIS, 3, 3)).toEqual([5, 19]);
  });

  it('the shipped packages: the same ranges from their manifests', async () => {
    const { pkg } = await loadPackageDir(join(MODELS_ROOT, 'mean-scale'));
    const t = pkg.manifest.transforms;
    expect(inputRange(t.analysis, 3, 3)).toEqual(inputRange(ANALYSIS, 3, 3));
    expect(inputRange(t.synthesis, 0, 15)).toEqual([-2, 2]);
    expect(inputRange(t.hyper_analysis!, 3, 3)).toEqual([5, 19]);
    expect(alignment(t.analysis)).toBe(16);
  });

  it.each([
    ['analysis', ANALYSIS, 3, 96],
    ['synthesis', SYNTHESIS, 5, 6],
    ['hyper-analysis', HYPER_ANALYSIS, 5, 32],
    ['means head', MEANS_HEAD, 3, 5],
  ] as const)('%s: perturbing one input changes exactly outputs whose range contains it (float64, random weights)', (_, ops, cin, n) => {
    const pkg = randomWeights(7);
    // One row: the columns axis alone (rows are the same arithmetic).
    const x = randomInput(cin, 1, n, 11);
    const base = runOpsRef(pkg, ops, x);
    const [co, , wo] = base.shape;
    const reads: [number, number][] = Array.from({ length: wo }, (_, o) => inputRange(ops, o, o));
    const seen: [number, number][] = Array.from({ length: wo }, () => [Infinity, -Infinity]);
    for (let i = 0; i < n; i++) {
      const xp = { shape: x.shape, data: x.data.slice() };
      for (let c = 0; c < cin; c++) xp.data[c * n + i] += 0.5;
      const y = runOpsRef(pkg, ops, xp);
      for (let o = 0; o < wo; o++) {
        let changed = false;
        for (let c = 0; c < co; c++) if (y.data[c * wo + o] !== base.data[c * wo + o]) changed = true;
        if (changed) {
          expect(i, `output ${o} changed by input ${i}`).toBeGreaterThanOrEqual(reads[o][0]);
          expect(i).toBeLessThanOrEqual(reads[o][1]);
          seen[o] = [Math.min(seen[o][0], i), Math.max(seen[o][1], i)];
        }
      }
    }
    // Tight: an output whose range lies inside the input reaches both ends of it.
    let inside = 0;
    for (let o = 0; o < wo; o++) {
      if (reads[o][0] >= 0 && reads[o][1] < n) {
        inside++;
        expect(seen[o]).toEqual(reads[o]);
      }
    }
    expect(inside).toBeGreaterThan(0);
  });
});

describe('tiled = whole in float64', () => {
  it.each([
    ['analysis', ANALYSIS, 3, 80, 112, 2],
    ['synthesis', SYNTHESIS, 5, 5, 7, 32],
    ['hyper-analysis', HYPER_ANALYSIS, 5, 24, 28, 2],
    ['means head', MEANS_HEAD, 3, 5, 6, 6],
  ] as const)('%s: tiles of a few outputs each', (_, ops, c, h, w, tile) => {
    const pkg = randomWeights(3);
    const x = randomInput(c, h, w, 5);
    const whole = runOpsRef(pkg, ops, x);
    const tiled = runTiledRef(pkg, ops, x, tile);
    expect(tiled.shape).toEqual(whole.shape);
    expect(Array.from(tiled.data)).toEqual(Array.from(whole.data));
  });

  it('one aligned block less margin on a side gives different outputs', () => {
    const pkg = randomWeights(3);
    const [h, w] = [32, 192];
    const x = randomInput(3, h, w, 5);
    const whole = runOpsRef(pkg, ANALYSIS, x);
    const cols = planAxis([ANALYSIS], w, 2);
    const mid = cols.find((s) => s.in0 > 0 && s.in1 < w)!;
    for (const bad of [{ ...mid, in0: mid.in0 + 16, skip: mid.skip - 1 }, { ...mid, in1: mid.in1 - 16 }] as Span[]) {
      const part = runOpsRef(pkg, ANALYSIS, ref.refTensor([3, h, bad.in1 - bad.in0], cropChw(x.data, 3, h, w, 0, h, bad.in0, bad.in1)));
      const [co, ho, wo] = part.shape;
      let diff = 0;
      for (let c = 0; c < co; c++)
        for (let r = 0; r < ho; r++)
          for (let o = bad.out0; o < bad.out1; o++) if (part.data[(c * ho + r) * wo + o - bad.out0 + bad.skip] !== whole.data[(c * ho + r) * whole.shape[2] + o]) diff++;
      expect(diff).toBeGreaterThan(0);
    }
  });

  it('plans: spans cover the output once, aligned starts; one tile when the tile is large; typed errors', () => {
    const spans = planAxis([ANALYSIS], 4000 + 32, 32);
    expect(spans[0].out0).toBe(0);
    for (let i = 1; i < spans.length; i++) expect(spans[i].out0).toBe(spans[i - 1].out1);
    expect(spans.at(-1)!.out1).toBe(252);
    for (const s of spans) {
      expect(s.in0 % 16).toBe(0);
      expect(s.out1 - s.out0).toBeLessThanOrEqual(32);
      expect(s.skip).toBe(s.out0 - s.in0 / 16);
    }
    expect(planAxis([ANALYSIS], 512, Infinity)).toEqual([{ in0: 0, in1: 512, out0: 0, out1: 32, skip: 0 }]);
    expect(() => planAxis([ANALYSIS], 520, 8)).toThrow(TilingError);
    expect(() => planAxis([ANALYSIS], 512, 0)).toThrow(TilingError);
    expect(() => cropChw(new Float32Array(12), 3, 2, 2, 0, 3, 0, 2)).toThrow(TilingError);
  });
});
