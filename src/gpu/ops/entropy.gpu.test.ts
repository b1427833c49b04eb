// Quantization and entropy parameters (WGSL) vs the float64 reference.
//   quantize (symbols, dequantized), scale index:  exact (same f32 inputs, same rounding/comparisons)
//   Gaussian likelihood:  |gpu − ref| ≤ 2e-4·ref + 1e-12 (f32 erfc fit < 1.2e-7, exp/div ULP errors in the tail)
//   bits map:             |gpu − ref| ≤ 3e-4·C + 1e-4·ref bits per pixel (C channels summed)
// Measured on SwiftShader: likelihood rel. error ≤ 8e-5 (worst where Φ − Φ cancels), bits ≤ 1.3e-4 per pixel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuEngine } from '../engine';
import * as ref from '../reference/ops';
import { compareClose, firstMismatch, randomF32, rng } from '../testing/compare';
import { quantizeDequantize, quantizeSymbols } from './quantize';
import { bitsMap, defaultScaleTable, gaussianLikelihood, scaleIndex, uploadScaleTable } from './entropy';
import type { Shape } from '../tensor';

let engine: GpuEngine;
beforeAll(async () => {
  engine = await GpuEngine.create();
});
afterAll(() => engine?.destroy());

describe('quantize (WGSL)', () => {
  it('symbols round(x − μ) and dequantized values match exactly, with ties and all mean modes', async () => {
    const shape: Shape = [5, 9, 7];
    const n = 5 * 9 * 7;
    const rand = rng(11);
    const x = randomF32(rand, n, -20, 20);
    // exact ties: x − μ = k + ½ for some elements (half to even must decide)
    for (let i = 0; i < n; i += 9) x[i] = Math.round(x[i]) + 0.5;
    const mu = randomF32(rand, n, -1, 1);
    for (let i = 0; i < n; i += 9) mu[i] = 0;
    const perCh = Float32Array.of(0.25, -0.5, 0, 1.75, -3.5);
    const xt = engine.upload(x, shape);
    const mt = engine.upload(mu, shape);
    const pc = engine.constant(perCh);
    const rec = engine.record();
    const outs = [
      quantizeSymbols(rec, xt),
      quantizeDequantize(rec, xt),
      quantizeSymbols(rec, xt, { perChannel: pc, channels: 5 }),
      quantizeDequantize(rec, xt, { perChannel: pc, channels: 5 }),
      quantizeSymbols(rec, xt, { tensor: mt }),
      quantizeDequantize(rec, xt, { tensor: mt }),
    ];
    const got = await rec.run(outs);
    const X = ref.refTensor(shape, x);
    const modes: ref.RefMeans[] = [null, { perChannel: perCh }, { tensor: mu }];
    modes.forEach((m, j) => {
      const r = ref.quantize(X, m);
      expect(outs[2 * j].dtype).toBe('i32');
      expect(firstMismatch(got[2 * j], r.symbols), `symbols, mode ${j}`).toBe(-1);
      expect(firstMismatch(got[2 * j + 1], Float32Array.from(r.dequantized)), `dequantized, mode ${j}`).toBe(-1);
    });
    for (const t of [xt, mt, ...outs]) engine.release(t);
    pc.destroy();
  });
});

describe('entropy parameters (WGSL)', () => {
  const table = defaultScaleTable();

  it('scale → index equals CompressAI build_indexes, including values on table entries and out of range', async () => {
    const rand = rng(12);
    const s = randomF32(rand, 300, 0, 300);
    s.set(table.subarray(0, 64), 0); // exactly on entries
    s.set([0, -1, 0.11, 1e-9, 256, 257, 1e6], 64);
    const st = engine.upload(s, [3, 10, 10]);
    const tab = uploadScaleTable(engine, table);
    const rec = engine.record();
    const it_ = scaleIndex(rec, st, tab);
    const [got] = await rec.run([it_]);
    expect(firstMismatch(got, ref.scaleIndex(s, table, 0.11))).toBe(-1);
    expect(got[0]).toBe(0);
    expect(got[63]).toBe(63);
    expect(got[64 + 5]).toBe(63);
    engine.release(st);
    engine.release(it_);
  });

  it('Gaussian likelihood and bits map agree with the float64 reference', async () => {
    const shape: Shape = [7, 5, 9];
    const n = 7 * 5 * 9;
    const rand = rng(13);
    const mu = randomF32(rand, n, -3, 3);
    const scales = new Float32Array(n);
    for (let i = 0; i < n; i++) scales[i] = Math.exp(-3 + 9 * rand()); // 0.05 … 400, below and above the table
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = Math.round(mu[i] + scales[i] * 3 * (rand() * 2 - 1));
    v[0] = 1000; // deep tail: floored at 1e-9
    const vt = engine.upload(v, shape);
    const mt = engine.upload(mu, shape);
    const sc = engine.upload(scales, shape);
    const rec = engine.record();
    const lik = gaussianLikelihood(rec, vt, mt, sc);
    const lik0 = gaussianLikelihood(rec, vt, null, sc);
    const bits = bitsMap(rec, lik);
    const [gl, gl0, gb] = await rec.run([lik, lik0, bits]);
    const o = { scaleBound: 0.11, likelihoodBound: 1e-9 };
    const wl = ref.gaussianLikelihood(v, mu, scales, o);
    const wl0 = ref.gaussianLikelihood(v, null, scales, o);
    const r1 = compareClose(gl, wl, { atol: 1e-12, rtol: 2e-4 });
    expect(r1.ok, r1.message).toBe(true);
    const r2 = compareClose(gl0, wl0, { atol: 1e-12, rtol: 2e-4 });
    expect(r2.ok, r2.message).toBe(true);
    expect(gl[0]).toBeCloseTo(1e-9, 15);
    const wb = ref.bitsMap(wl, shape);
    const r3 = compareClose(gb, wb, { atol: 3e-4 * 7, rtol: 1e-4 });
    expect(r3.ok, r3.message).toBe(true);
    expect(bits.shape).toEqual([1, 5, 9]);
    for (const t of [vt, mt, sc, lik, lik0, bits]) engine.release(t);
  });
});
