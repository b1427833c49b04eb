import { describe, expect, it } from 'vitest';
import { readContainer } from './format';
import { runContainerFuzz } from './fuzz';

// CI fuzzing: ≥ 100,000 damaged container files per run, fixed seed (reproducible: a failure names its case
// number; `npm run fuzz -- --seed 20261125 --cases N` replays the same sequence). Nightly: more cases, other seeds.
const CASES = 100_000;
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);

describe('container fuzzing', () => {
  it(`${CASES} random, truncated and bit-flipped files end in a typed error or a valid decode`, () => {
    const r = runContainerFuzz({ cases: CASES, seed: SEED });
    expect(r.failures.slice(0, 3)).toEqual([]);
    const total = Object.values(r.outcomes).reduce((a, b) => a + b, 0);
    expect(total).toBe(CASES);
    // every kind of damage was tried, and the damage reached every layer: container checks and the rANS decoder
    for (const m of ['valid', 'random', 'truncate', 'flip', 'flip-header-fixcrc', 'flip-payload-fixcrc', 'field-fixcrc', 'resize-fixcrc']) {
      expect(r.mutations[m] ?? 0, m).toBeGreaterThan(CASES / 50);
    }
    for (const o of [
      'ok',
      'container:bad-magic',
      'container:truncated',
      'container:crc-mismatch',
      'container:out-of-range',
      'container:length-mismatch',
      'container:model-mismatch',
      'entropy:stream-exhausted',
      'entropy:final-state-mismatch',
    ]) {
      expect(r.outcomes[o] ?? 0, o).toBeGreaterThan(0);
    }
    expect(r.maxElementsDecoded).toBeLessThanOrEqual(r.elementLimit);
  });

  it('is reproducible: the same seed gives the same outcomes', () => {
    const a = runContainerFuzz({ cases: 3000, seed: 99 });
    const b = runContainerFuzz({ cases: 3000, seed: 99 });
    expect(a.outcomes).toEqual(b.outcomes);
    expect(a.mutations).toEqual(b.mutations);
  });

  it('reports a reader that crashes or ignores the element limit (the harness can fail)', () => {
    const crashing: typeof readContainer = (file, expect) => {
      if (file.length % 7 === 3) throw new RangeError('Offset is outside the bounds of the DataView');
      return readContainer(file, expect);
    };
    const r = runContainerFuzz({ cases: 500, seed: 5, read: crashing });
    expect(r.failures.length).toBeGreaterThan(0);
    expect(r.failures[0].error).toContain('RangeError');

    const greedy: typeof readContainer = (file, expect) => {
      const got = readContainer(file, { ...expect, maxElements: 2 ** 28 });
      return { ...got, tensors: got.tensors.map((t) => ({ ...t, shape: [t.shape[0], t.shape[1] * 64, t.shape[2] * 64] as const })) };
    };
    const g = runContainerFuzz({ cases: 300, seed: 6, read: greedy });
    expect(g.failures.some((f) => f.error.includes('over the limit'))).toBe(true);
  });
});
