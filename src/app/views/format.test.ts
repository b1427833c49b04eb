import { describe, expect, it } from 'vitest';
import { fmtDuration, progressText } from './format';

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
