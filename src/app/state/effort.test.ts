// The learned codecs' Effort option (issue 20, encode-time refinement) as the app carries it: in the schema of the
// hyper-prior codecs (hyperprior, mean-scale, checkerboard; not factorized, which has no hyper-prior), in the
// URL, in the result cache's key (a cached effort-0 encode is never shown for effort 200), in the refinement steps
// the worker asks for, and in cancelling a side's encode.
import { describe, expect, it } from 'vitest';
import { curveId, curveName, defaultOptions, optionsKey, resolveOptions, settingLabel } from '../../codecs/options';
import { findCodec, LEARNED_CODECS } from '../../codecs/registry';
import { refineSteps, type LearnedOptions } from '../../codecs/learned/codec';
import { refineStageText } from '../../codecs/learned/implementation';
import type { CodecWorkerPool } from '../../codecs/runtime/pool';
import type { CodecOptions } from '../../codecs/types';
import { cachedEncode, encodeJob, withoutQuality } from './actions/encode';
import { shownCurves } from './curves';
import { cancelSide } from './actions/sides';
import { ensureCurve } from './actions/sweep';
import { useLab, type Encoded, type Source } from './lab';
import { decodeSide, encodeSide } from './url';

const meanScale = findCodec('mean-scale')!;

/** A 2×2 white source for the store (its key keeps each test's cache entries apart). */
const tinySource = (key: string): Source => ({
  key,
  name: 'tiny',
  image: { width: 2, height: 2, data: new Uint8ClampedArray(16).fill(255) },
  fileBytes: 16,
  format: 'png',
  notes: [],
  notices: [],
  sampleId: null,
  resizedFrom: null,
});

describe('the Effort option', () => {
  it('is offered by the hyper-prior codecs only (not factorized), 0 by default, as 0 / 50 / 200 / 1000 steps', () => {
    const with_ = LEARNED_CODECS.filter((c) => c.options.some((o) => o.key === 'effort')).map((c) => c.id);
    expect(with_.sort()).toEqual(['checkerboard', 'hyperprior', 'mean-scale']);
    const spec = meanScale.options.find((o) => o.key === 'effort')!;
    expect(spec.kind).toBe('select');
    if (spec.kind !== 'select') return;
    expect(spec.choices.map((c) => c.value)).toEqual(['0', '50', '200', '1000']);
    expect(spec.default).toBe('0');
    expect(spec.advanced).toBeFalsy();
    expect(spec.help).toMatch(/decoder/);
    expect(spec.help).toMatch(/per megapixel/);
    expect(spec.showHelp).toBe(true); // under the field, not only a tooltip
    expect(defaultOptions(meanScale).effort).toBe('0');
    expect(() => resolveOptions(meanScale, { effort: '7' })).toThrow(/effort/);
    expect(() => resolveOptions(findCodec('factorized')!, { effort: '50' })).toThrow(/does not exist/);
  });

  it('is the number of refinement steps the worker asks for (0 where a codec has no Effort)', () => {
    expect(refineSteps(resolveOptions(meanScale) as LearnedOptions)).toBe(0);
    expect(refineSteps(resolveOptions(meanScale, { effort: '200' }) as LearnedOptions)).toBe(200);
    expect(refineSteps(resolveOptions(findCodec('hyperprior')!, { effort: '1000' }) as LearnedOptions)).toBe(1000);
    expect(refineSteps(resolveOptions(findCodec('factorized')!) as LearnedOptions)).toBe(0);
  });

  it('round-trips through the URL, and only when it is not 0', () => {
    const side = { kind: 'codec' as const, codecId: 'mean-scale', options: resolveOptions(meanScale, { rate: 0.3, effort: '200' }) };
    expect(encodeSide(side)).toBe('mean-scale~rate_0.3~effort_200');
    expect(decodeSide(encodeSide(side), { kind: 'original' })).toEqual(side);
    expect(encodeSide({ kind: 'codec', codecId: 'mean-scale', options: resolveOptions(meanScale) })).toBe('mean-scale');
    // An effort the option does not offer falls back to 0 (lenient URLs).
    expect(decodeSide('mean-scale~effort_7', { kind: 'original' })).toEqual({ kind: 'codec', codecId: 'mean-scale', options: resolveOptions(meanScale) });
  });

  it('names the setting and its curve: effort 200 is a curve of its own, and its label says so', () => {
    const o0 = resolveOptions(meanScale, { rate: 0.3 });
    const o200 = resolveOptions(meanScale, { rate: 0.3, effort: '200' });
    expect(optionsKey(o0)).not.toBe(optionsKey(o200));
    expect(withoutQuality(meanScale, o0)).not.toBe(withoutQuality(meanScale, o200));
    expect(settingLabel(meanScale, o200)).toBe('rate 0.3 · 200 steps');
  });

  it('is part of the result cache key: an effort-0 encode is not served for effort 200', async () => {
    const src = tinySource('effort-test');
    const seen: CodecOptions[] = [];
    const pool = {
      encode: async (_s: unknown, _id: string, options: CodecOptions) => {
        seen.push(options);
        return {
          bytes: new Uint8Array(options.effort === '0' ? 10 : 9),
          decoded: src.image,
          timings: { encodeMs: 1, decodeMs: 1 },
          metrics: { psnr: 30, msssim: 0.9, msssimScales: 1 },
        };
      },
    } as unknown as CodecWorkerPool;
    const o0 = resolveOptions(meanScale, { rate: 0.3 });
    const o200 = resolveOptions(meanScale, { rate: 0.3, effort: '200' });
    const a = await encodeJob(pool, src, meanScale, o0, {});
    expect(cachedEncode(src, 'mean-scale', o0)).toBe(a);
    expect(cachedEncode(src, 'mean-scale', o200)).toBeUndefined();
    const b = await encodeJob(pool, src, meanScale, o200, {});
    expect(seen.map((o) => o.effort)).toEqual(['0', '200']); // the second was encoded, not taken from the cache
    expect(b.bytes.length).toBe(9);
    expect(cachedEncode(src, 'mean-scale', o200)).toBe(b);
    expect(cachedEncode(src, 'mean-scale', o0)).toBe(a);
  });
});

describe('an Effort sweep is a curve of its own', () => {
  it('curve ids and names', () => {
    expect(curveId(meanScale, resolveOptions(meanScale, { rate: 0.3 }))).toBe('mean-scale');
    expect(curveId(meanScale, resolveOptions(meanScale, { rate: 0.3, effort: '200' }))).toBe('mean-scale~effort_200');
    expect(curveName(meanScale, resolveOptions(meanScale, { effort: '200' }))).toBe('Mean-scale (Minnen 2018), effort 200');
    expect(curveName(meanScale, resolveOptions(meanScale))).toBe('Mean-scale (Minnen 2018)');
    // Other options still make one curve per codec (a sweep at other settings replaces it), as before.
    const jpeg = findCodec('jpeg')!;
    expect(curveId(jpeg, resolveOptions(jpeg, { quality: 40 }))).toBe('jpeg');
    expect(curveId(meanScale, resolveOptions(meanScale, { backend: 'onnx-wasm', effort: '50' }))).toBe('mean-scale~effort_50');
  });

  it('sweeping at effort 200 keeps the effort-0 curve; each encode lands on its own curve', async () => {
    const src = tinySource('effort-curves');
    const base = useLab.getState().sides.right;
    const showOn = (effort: string) =>
      useLab.setState((s) => ({ source: src, curves: s.curves, sides: { ...s.sides, right: { ...base, status: 'done', setting: { kind: 'codec', codecId: 'mean-scale', options: resolveOptions(meanScale, { effort }) } } } }));
    useLab.setState({ curves: {} });
    showOn('0');
    expect(ensureCurve(meanScale).id).toBe('mean-scale');
    showOn('200');
    expect(ensureCurve(meanScale).id).toBe('mean-scale~effort_200');
    expect(Object.keys(useLab.getState().curves).sort()).toEqual(['mean-scale', 'mean-scale~effort_200']);
    const pool = {
      encode: async (_s: unknown, _id: string, o: CodecOptions) => ({
        bytes: new Uint8Array(o.effort === '0' ? 10 : 8),
        decoded: src.image,
        timings: { encodeMs: 1, decodeMs: 1 },
        metrics: { psnr: 30, msssim: 0.9, msssimScales: 1 },
      }),
    } as unknown as CodecWorkerPool;
    await encodeJob(pool, src, meanScale, resolveOptions(meanScale, { rate: 0.3, effort: '200' }), {});
    await encodeJob(pool, src, meanScale, resolveOptions(meanScale, { rate: 0.6 }), {});
    const c = useLab.getState().curves;
    expect(c['mean-scale~effort_200'].points.map((p) => [p.quality, p.bytes, p.setting])).toEqual([[0.3, 8, 'rate 0.3 · 200 steps']]);
    expect(c['mean-scale'].points.map((p) => [p.quality, p.bytes])).toEqual([[0.6, 10]]);
    // chart, BD-rate table and exports list them in one order: a codec's own curve, then its effort curves; only
    // the selected codecs'
    const shown = shownCurves(c, ['jpeg', 'mean-scale']).map((x) => [x.curve.id, x.name, x.variant]);
    expect(shown).toEqual([
      ['mean-scale', 'Mean-scale (Minnen 2018)', false],
      ['mean-scale~effort_200', 'Mean-scale (Minnen 2018), effort 200', true],
    ]);
    expect(shownCurves(c, ['jpeg'])).toEqual([]);
  });
});

describe("a refining side's progress and cancel", () => {
  it('shows the step, the running loss and the estimated bits', () => {
    expect(refineStageText(11, 50, { loss: 0.73421, bpp: 0.41234, distortion: 0.3, tau: 0.5 })).toBe('refining 12/50 · loss 0.7342 · ~0.412 bpp');
    expect(refineStageText(61, 50, { loss: 0.73421, bpp: 0.41234, distortion: 0.3, tau: 0.5, tile: [2, 9] })).toBe('refining 12/50 · tile 2/9 · loss 0.7342 · ~0.412 bpp');
  });

  it('cancel stops a working side and goes back to the setting of the result it shows', () => {
    const o0 = resolveOptions(meanScale, { rate: 0.3 });
    const shown = { codecId: 'mean-scale', options: o0 } as unknown as Encoded;
    const working = { kind: 'codec' as const, codecId: 'mean-scale', options: resolveOptions(meanScale, { rate: 0.3, effort: '1000' }) };
    const base = useLab.getState().sides.right;
    useLab.setState((s) => ({ sides: { ...s.sides, right: { ...base, setting: working, status: 'working', result: shown, progress: { stage: 'refining 3/1000', done: 0.06 } } } }));
    cancelSide('right');
    let right = useLab.getState().sides.right;
    expect(right.status).toBe('done');
    expect(right.progress).toBeNull();
    expect(right.setting).toEqual({ kind: 'codec', codecId: 'mean-scale', options: o0 });
    // Nothing shown yet: the side says it was cancelled and keeps its setting.
    useLab.setState((s) => ({ sides: { ...s.sides, right: { ...base, setting: working, status: 'working', result: null, progress: null } } }));
    cancelSide('right');
    right = useLab.getState().sides.right;
    expect(right.status).toBe('cancelled');
    expect(right.setting).toEqual(working);
  });
});
