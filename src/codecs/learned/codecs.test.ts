// The three learned codecs as the app sees them: registered, options, sweep, credits that match the manifests,
// and the backend auto-choice rule.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCodec } from '../registry';
import { resolveOptions } from '../options';
import { autoBackend } from './choose';

const ROOT = join(__dirname, '../../../public/models');

describe.each(['factorized', 'hyperprior', 'mean-scale'])('codec %s', (id) => {
  const codec = findCodec(id)!;
  it('is registered as a learned codec with a rate axis t ∈ [0, 1] and an advanced backend option', () => {
    expect(codec).toBeTruthy();
    expect(codec.family).toBe('learned');
    expect(codec.extension).toBe('rdlb');
    const o = resolveOptions(codec);
    // Effort (encode-time refinement, 0 = off) only on the hyper-prior codecs (factorized has no hyper-prior).
    expect(o).toEqual(id !== 'factorized' ? { rate: 0.5, backend: 'auto', effort: '0' } : { rate: 0.5, backend: 'auto' });
    expect(codec.quality.key).toBe('rate');
    expect(codec.quality.higherIsMoreBits).toBe(true);
    expect(codec.quality.sweep.length).toBeGreaterThanOrEqual(8);
    expect([...codec.quality.sweep].sort((a, b) => a - b)).toEqual(codec.quality.sweep);
    for (const v of codec.quality.sweep) expect(Math.round(v * 100) / 100).toBe(v);
    expect(() => resolveOptions(codec, { backend: 'cuda' })).toThrow(/must be one of/);
    expect(codec.options.find((s) => s.key === 'backend')!.advanced).toBe(true);
  });

  it('credits the paper its model package names', () => {
    const path = join(ROOT, id, 'manifest.json');
    expect(existsSync(path)).toBe(true);
    const m = JSON.parse(readFileSync(path, 'utf8'));
    expect(m.architecture).toBe(id);
    expect(codec.credits[0].what).toBe(m.paper);
  });
});

describe('auto backend choice', () => {
  it('hardware adapter → wgsl; software adapter, no WebGPU or a lost device → onnx-wasm', () => {
    expect(autoBackend({ ok: true, software: false, name: 'nvidia / ampere' }, null).kind).toBe('wgsl');
    expect(autoBackend({ ok: true, software: true, name: 'google / swiftshader' }, null)).toMatchObject({ kind: 'onnx-wasm', reason: /software/ });
    expect(autoBackend({ ok: false, software: false, name: 'no WebGPU in this browser' }, null).kind).toBe('onnx-wasm');
    expect(autoBackend({ ok: true, software: false, name: 'nvidia' }, 'destroyed: gone')).toMatchObject({ kind: 'onnx-wasm', reason: /lost/ });
  });
});
