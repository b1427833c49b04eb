import { describe, expect, it } from 'vitest';
import { CODECS, findCodec } from './registry';
import { defaultOptions, nonDefaultOptions, optionsKey, qualitySpec, resolveOptions, settingLabel, snapToStep } from './options';
import { CodecError } from './types';

describe('registry', () => {
  it('ids are unique and URL-safe', () => {
    const ids = CODECS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9-]+$/);
  });
  it.each(CODECS.map((c) => [c.id, c] as const))('%s: schema is consistent', (_, c) => {
    const keys = c.options.map((o) => o.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const o of c.options) {
      if (o.kind === 'number') {
        expect(o.min).toBeLessThan(o.max);
        expect(o.default).toBeGreaterThanOrEqual(o.min);
        expect(o.default).toBeLessThanOrEqual(o.max);
        expect(o.step).toBeGreaterThan(0);
      }
      if (o.kind === 'select') expect(o.choices.map((ch) => ch.value)).toContain(o.default);
    }
    const q = qualitySpec(c);
    expect(c.quality.sweep.length).toBeGreaterThanOrEqual(8);
    for (const v of c.quality.sweep) {
      expect(v).toBeGreaterThanOrEqual(q.min);
      expect(v).toBeLessThanOrEqual(q.max);
    }
    expect(() => resolveOptions(c, defaultOptions(c))).not.toThrow();
    expect(c.extension).toMatch(/^[a-z0-9]+$/);
    expect(c.mimeType).toMatch(/^image\//);
  });
});

describe('resolveOptions', () => {
  const jpeg = findCodec('jpeg')!;
  it('merges over defaults', () => {
    const o = resolveOptions(jpeg, { quality: 40 });
    expect(o.quality).toBe(40);
    expect(o.progressive).toBe(true);
  });
  it.each([
    [{ quality: 101 }, /within 0…100/],
    [{ quality: Number.NaN }, /must be a number/],
    [{ quality: '50' }, /must be a number/],
    [{ chroma: '411' }, /must be one of/],
    [{ progressive: 1 }, /true or false/],
    [{ colour: 'x' }, /does not exist/],
  ])('rejects %j with a typed error', (bad, msg) => {
    try {
      resolveOptions(jpeg, bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CodecError);
      expect((e as CodecError).kind).toBe('invalid-options');
      expect((e as Error).message).toMatch(msg);
    }
  });
  it('keys and labels are stable and readable', () => {
    const a = resolveOptions(jpeg, { quality: 40, chroma: '444' });
    const b = resolveOptions(jpeg, { chroma: '444', quality: 40 });
    expect(optionsKey(a)).toBe(optionsKey(b));
    expect(nonDefaultOptions(jpeg, a)).toEqual({ quality: 40, chroma: '444' });
    expect(settingLabel(jpeg, a)).toBe('q40 · 4:4:4');
  });
  it('snaps to the step grid', () => {
    const spec = { kind: 'number' as const, key: 'l', label: 'λ', min: 0, max: 1, step: 0.01, default: 0.5 };
    expect(snapToStep(spec, 0.123456)).toBe(0.12);
    expect(snapToStep(spec, 1.7)).toBe(1);
    expect(snapToStep(qualitySpec(jpeg), 49.6)).toBe(50);
  });
});
