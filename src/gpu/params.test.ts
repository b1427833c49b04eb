// The uniform blocks: one field list per WGSL family generates the shader's `struct Params` and the bytes the
// dispatch writes. Checked here without a GPU: the generated WGSL and byte layout against worked examples, and
// every shader against its layout — each `P.<field>` it reads is declared, each declared field is read, and no
// shader declares its own struct.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GpuEngineError } from './errors';
import { paramsLayout, type ParamsLayout, type ParamType } from './params';
import { CONV2D_PARAMS } from './ops/conv2d';
import { CHECKERBOARD_PARAMS } from './ops/checkerboard';
import { ICONV_PARAMS } from './ops/conv2d_int';
import { DEPTH_TO_SPACE_PARAMS } from './ops/depth_to_space';
import { ELEMENTWISE_PARAMS } from './ops/elementwise';
import { ENTROPY_PARAMS } from './ops/entropy';
import { GDN_PARAMS } from './ops/gdn';
import { IMAGE_PARAMS } from './ops/image';
import { QUANTIZE_PARAMS } from './ops/quantize';
import { GDN_VJP_PARAMS, VJP_PARAMS } from './ops/vjp';

describe('paramsLayout', () => {
  it('declares the fields in order, padded to 16 bytes, and writes them little-endian by type', () => {
    const L = paramsLayout({ n: 'u32', shift: 'i32', alpha: 'f32', c: 'u32', s: 'f32' });
    expect(L.wgsl).toBe(
      'struct Params {\n  n: u32,\n  shift: i32,\n  alpha: f32,\n  c: u32,\n  s: f32,\n  _pad0: u32,\n  _pad1: u32,\n  _pad2: u32,\n}\n' +
        '@group(0) @binding(0) var<uniform> P: Params;\n',
    );
    expect(L.bytes).toBe(32);
    const b = L.write({ n: 4294967295, shift: -3, alpha: 0.1, c: 7, s: -2.5 });
    expect(b.byteLength).toBe(32);
    const v = new DataView(b);
    expect(v.getUint32(0, true)).toBe(4294967295);
    expect(v.getInt32(4, true)).toBe(-3);
    expect(v.getFloat32(8, true)).toBe(Math.fround(0.1));
    expect(v.getUint32(12, true)).toBe(7);
    expect(v.getFloat32(16, true)).toBe(-2.5);
    expect([20, 24, 28].map((o) => v.getUint32(o, true))).toEqual([0, 0, 0]);
    expect(paramsLayout({ hw: 'u32' }).bytes).toBe(16);
  });

  it('refuses bad layouts and missing values with a typed error', () => {
    expect(() => paramsLayout({})).toThrow(GpuEngineError);
    expect(() => paramsLayout({ Bad: 'u32' })).toThrow(/identifier/);
    expect(() => paramsLayout({ x: 'f64' as ParamType })).toThrow(/type f64/);
    const L = paramsLayout({ a: 'u32', b: 'u32' });
    expect(() => L.write({ a: 1 } as { a: number; b: number })).toThrow(/"b" has no value/);
  });
});

// Every WGSL family and the layout its TypeScript module declares (gemm_tile.wgsl is the GEMM core, included by
// conv2d and gdn, and has no parameters of its own).
const FAMILIES: Record<string, ParamsLayout<Record<string, ParamType>>> = {
  'conv2d.wgsl': CONV2D_PARAMS,
  'conv2d_int.wgsl': ICONV_PARAMS,
  'checkerboard.wgsl': CHECKERBOARD_PARAMS,
  'depth_to_space.wgsl': DEPTH_TO_SPACE_PARAMS,
  'elementwise.wgsl': ELEMENTWISE_PARAMS,
  'entropy.wgsl': ENTROPY_PARAMS,
  'gdn.wgsl': GDN_PARAMS,
  'image.wgsl': IMAGE_PARAMS,
  'quantize.wgsl': QUANTIZE_PARAMS,
  'vjp.wgsl': VJP_PARAMS,
  'gdn_vjp.wgsl': GDN_VJP_PARAMS,
};
const SHADERS = join(__dirname, 'shaders');

describe('each shader reads exactly its generated Params', () => {
  it('every shader file has a layout here (or is the GEMM core)', () => {
    const files = readdirSync(SHADERS).filter((f) => f.endsWith('.wgsl') && f !== 'gemm_tile.wgsl');
    expect(files.sort()).toEqual(Object.keys(FAMILIES).sort());
  });
  for (const [file, layout] of Object.entries(FAMILIES)) {
    it(file, () => {
      const src = readFileSync(join(SHADERS, file), 'utf8');
      const code = src.replace(/\/\/.*$/gm, '');
      expect(code).not.toMatch(/struct\s+Params/);
      expect(code).not.toMatch(/var<uniform>/);
      const read = [...new Set([...code.matchAll(/\bP\.([a-z_0-9]+)/g)].map((m) => m[1]))].sort();
      expect(read).toEqual(Object.keys(layout.fields).sort());
    });
  }
});
