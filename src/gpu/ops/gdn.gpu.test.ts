// GDN / IGDN (WGSL) vs the float64 reference. Tolerance |gpu − ref| ≤ 1e-5 + 1e-5·|ref|
// (f32 sum of C terms, then rsqrt/sqrt with ≤ 2 ULP error in WGSL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuEngine } from '../engine';
import * as ref from '../reference/ops';
import { compareClose, randomF32, rng } from '../testing/compare';
import { gdn, uploadGdn } from './gdn';
import { GpuEngineError } from '../errors';

const TOL = { atol: 1e-5, rtol: 1e-5 };
let engine: GpuEngine;
beforeAll(async () => {
  engine = await GpuEngine.create();
});
afterAll(() => engine?.destroy());

describe('GDN (WGSL) vs float64 reference', () => {
  const cases: Array<[number, number, number]> = [
    [3, 7, 9],
    [5, 1, 1],
    [130, 5, 3],
    [17, 11, 13],
    [64, 4, 19],
  ];
  for (const inverse of [false, true]) {
    for (const [c, h, w] of cases) {
      it(`${inverse ? 'IGDN' : 'GDN'} ${c} channels on ${h}×${w}`, async () => {
        const rand = rng(c * 100 + h * 10 + w + (inverse ? 1 : 0));
        const x = randomF32(rand, c * h * w, -3, 3);
        // effective parameters in the ranges trained models have: β ~ 1e-3…2, γ ≥ 0 small, larger on the diagonal
        const beta = randomF32(rand, c, 1e-3, 2);
        const gamma = randomF32(rand, c * c, 0, 0.05);
        for (let i = 0; i < c; i++) gamma[i * c + i] = Math.fround(0.1 + rand());
        const layer = uploadGdn(engine, { channels: c, beta, gamma, inverse });
        const xt = engine.upload(x, [c, h, w]);
        const rec = engine.record();
        const yt = gdn(rec, xt, layer);
        const [got] = await rec.run([yt]);
        const want = ref.gdn(ref.refTensor([c, h, w], x), beta, gamma, inverse);
        const r = compareClose(got, want.data, TOL);
        expect(r.ok, r.message).toBe(true);
        engine.release(xt);
        engine.release(yt);
      });
    }
  }

  it('rejects a channel mismatch and bad parameter lengths with typed errors', () => {
    const layer = uploadGdn(engine, { channels: 3, beta: new Float32Array(3).fill(1), gamma: new Float32Array(9) });
    const xt = engine.upload(new Float32Array(4 * 2 * 2), [4, 2, 2]);
    const rec = engine.record();
    expect(() => gdn(rec, xt, layer)).toThrow(GpuEngineError);
    rec.discard();
    engine.release(xt);
    const err = (() => {
      try {
        uploadGdn(engine, { channels: 3, beta: new Float32Array(3), gamma: new Float32Array(8) });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(GpuEngineError);
    expect((err as GpuEngineError).kind).toBe('params');
  });
});
