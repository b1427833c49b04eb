import { describe, expect, it } from 'vitest';
import { fmtDuration, progressText, sweepStatusText, sweepTimeLeftMs } from './format';
import type { SweepState } from '../state/lab';

describe('progress for humans', () => {
  it('durations', () => {
    expect([400, 8_000, 59_400, 80_000, 600_000, 1_000_000].map(fmtDuration)).toEqual(['1 s', '8 s', '59 s', '1 min 20 s', '10 min', '17 min']);
  });
  it('stage and percentage; after 2 s the time so far and the rest at the same rate', () => {
    expect(progressText(null, null)).toBe('working');
    expect(progressText({ stage: 'loading model', done: 0 }, 500)).toBe('loading model');
    expect(progressText({ stage: 'analysis transform', done: 0.4 }, 1000)).toBe('analysis transform 40 %');
    // 12 s for 40 %: 18 s for the other 60 %.
    expect(progressText({ stage: 'analysis transform', done: 0.4 }, 12_000)).toBe('analysis transform 40 % · 12 s, about 18 s left');
    // Too early to guess: only the time so far.
    expect(progressText({ stage: 'loading model', done: 0.01 }, 9_000)).toBe('loading model 1 % · 9 s');
  });
  it("the codec's own estimate of the time left wins over the elapsed time's (a refinement's time per step)", () => {
    // The rate estimate would say 18 s; the codec says 95 s (its steps are slower than its model loading was).
    expect(progressText({ stage: 'refining', done: 0.4, leftMs: 95_000 }, 12_000)).toBe('refining 40 % · 12 s, about 1 min 35 s left');
    // Even before 3 %, where the rate estimate says nothing.
    expect(progressText({ stage: 'refining', done: 0.01, leftMs: 60_000 }, 9_000)).toBe('refining 1 % · 9 s, about 1 min 0 s left');
  });
});

describe('the sweep bar', () => {
  const base: SweepState = { running: true, done: 0, total: 20, failed: 0, cached: 0, loading: [], codecs: ['jpeg'], startedAt: 1000, elapsedMs: null };
  it('estimates the time left from the fresh encodes only: cached points took no time', () => {
    // 4 of 8 done points came from the cache: 4 fresh encodes in 8 s is 2 s each, 12 still to come.
    expect(sweepTimeLeftMs({ done: 8, total: 20, cached: 4, startedAt: 1000 }, 9000)).toBe(24_000);
    expect(sweepTimeLeftMs({ done: 4, total: 20, cached: 4, startedAt: 1000 }, 9000)).toBeNull();
    expect(sweepTimeLeftMs({ done: 0, total: 20, cached: 0, startedAt: 1000 }, 9000)).toBeNull();
  });
  it('running: points, percent, then loading or the time left', () => {
    expect(sweepStatusText(base, 2, 5000)).toBe('0/20 points · 0%');
    expect(sweepStatusText({ ...base, done: 5 }, 2, 11_000)).toBe('5/20 points · 25% · about 30 s left');
    // A model still loading says so instead of a time left that the load would make wrong.
    expect(sweepStatusText({ ...base, done: 5, loading: ['Mean-scale', 'WebP'] }, 2, 11_000)).toBe('5/20 points · 25% · loading Mean-scale, WebP…');
  });
  it('done: encodes, time and workers, what came from the cache and what failed', () => {
    const done = { ...base, running: false, done: 20, elapsedMs: 12_345 };
    expect(sweepStatusText(done, 2)).toBe('20 encodes in 12.3 s on 2 workers');
    expect(sweepStatusText({ ...done, cached: 19 }, 1)).toBe('1 encode in 12.3 s on 1 worker · 19 from cache');
    expect(sweepStatusText({ ...done, cached: 20 }, 2)).toBe('20 points from cache (nothing to encode)');
    expect(sweepStatusText({ ...done, total: 1, cached: 1 }, 2)).toBe('1 point from cache (nothing to encode)');
    expect(sweepStatusText({ ...done, failed: 3 }, 4)).toBe('20 encodes in 12.3 s on 4 workers · 3 failed');
  });
  it('cancelled, and before any sweep', () => {
    expect(sweepStatusText({ ...base, running: false, done: 7 }, 2)).toBe('cancelled at 7/20');
    expect(sweepStatusText({ ...base, running: false, total: 0 }, 2)).toBe('each codec over its quality range');
  });
});
