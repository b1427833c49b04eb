import { describe, expect, it } from 'vitest';
import { GpuEngineError } from './errors';
import { f16ToF32, WeightReader } from './weights';

describe('weights', () => {
  it('decodes binary16 exactly (normal, subnormal, max, signed zero, inf, NaN)', () => {
    const bits = Uint16Array.of(0x3c00, 0xc000, 0x3555, 0x7bff, 0x0001, 0x0400, 0x8000, 0x7c00, 0xfc00, 0x7e00);
    const v = f16ToF32(bits);
    expect(Array.from(v.subarray(0, 6))).toEqual([1, -2, 0.333251953125, 65504, 2 ** -24, 2 ** -14]);
    expect(Object.is(v[6], -0)).toBe(true);
    expect(v[7]).toBe(Infinity);
    expect(v[8]).toBe(-Infinity);
    expect(Number.isNaN(v[9])).toBe(true);
  });

  it('reads f32 and f16 blobs in order, from unaligned views, and checks lengths', () => {
    const f = Float32Array.of(1.5, -2, 3.25, 4);
    const bytes = new Uint8Array(1 + f.byteLength);
    bytes.set(new Uint8Array(f.buffer), 1);
    const r = new WeightReader(bytes.subarray(1), 'f32');
    expect(Array.from(r.take(3))).toEqual([1.5, -2, 3.25]);
    expect(r.remaining).toBe(1);
    expect(() => r.end()).toThrow(GpuEngineError);
    expect(() => r.take(2, 'conv.bias')).toThrow(/conv.bias/);
    expect(Array.from(r.take(1))).toEqual([4]);
    r.end();
    const h = new WeightReader(Uint16Array.of(0x3c00, 0x4000, 0xbc00), 'f16');
    expect(Array.from(h.take(3))).toEqual([1, 2, -1]);
    const kind = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as GpuEngineError).kind;
      }
    };
    expect(kind(() => new WeightReader(new Uint8Array(6), 'f32'))).toBe('weights');
    expect(kind(() => new WeightReader(new Uint8Array(4), 'f64' as 'f32'))).toBe('weights');
  });
});
