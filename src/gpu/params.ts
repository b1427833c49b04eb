// The uniform block of a WGSL op, declared once: a field list in the op's TypeScript module generates both the
// WGSL `struct Params { … }` that its shader reads as `P` (prepended to the shader source) and the writer of its
// bytes, so the two cannot disagree on order, type or padding (TF.js's WebGPU backend declares its uniforms the
// same way). Every field is a 4-byte scalar; the block is padded to a multiple of 16 bytes.
//
//   const PARAMS = paramsLayout({ n: 'u32', hw: 'u32', alpha: 'f32', scale: 'f32' });
//   program code:  PARAMS.wgsl + shaderSource          (the shader uses P.n, P.alpha…, declares no struct)
//   dispatch:      uniforms: PARAMS.write({ n: x.size, hw: x.h * x.w, alpha, scale })
import { GpuEngineError } from './errors';

export type ParamType = 'u32' | 'i32' | 'f32';

export interface ParamsLayout<F extends Readonly<Record<string, ParamType>>> {
  readonly fields: F;
  /** `struct Params { … }` and the binding-0 declaration `var<uniform> P: Params`. */
  readonly wgsl: string;
  /** Bytes of the block (the size the struct has in WGSL: a multiple of 16). */
  readonly bytes: number;
  /** The block for these values; every field is required. */
  write(values: { readonly [K in keyof F]: number }): ArrayBuffer;
}

const IDENT = /^[a-z][a-z0-9_]*$/;

export function paramsLayout<const F extends Readonly<Record<string, ParamType>>>(fields: F): ParamsLayout<F> {
  const names = Object.keys(fields);
  if (names.length === 0) throw new GpuEngineError('params', 'a Params layout needs at least one field');
  for (const n of names) {
    if (!IDENT.test(n)) throw new GpuEngineError('params', `Params field "${n}" is not a lower-case WGSL identifier`);
    if (!['u32', 'i32', 'f32'].includes(fields[n])) throw new GpuEngineError('params', `Params field "${n}" has type ${String(fields[n])}`);
  }
  const slots = Math.ceil(names.length / 4) * 4;
  const lines = names.map((n) => `  ${n}: ${fields[n]},`);
  for (let i = names.length; i < slots; i++) lines.push(`  _pad${i - names.length}: u32,`);
  const wgsl = `struct Params {\n${lines.join('\n')}\n}\n@group(0) @binding(0) var<uniform> P: Params;\n`;
  return {
    fields,
    wgsl,
    bytes: slots * 4,
    write(values) {
      const view = new DataView(new ArrayBuffer(slots * 4));
      names.forEach((n, i) => {
        const v = (values as Record<string, number>)[n];
        if (typeof v !== 'number') throw new GpuEngineError('params', `Params field "${n}" has no value`);
        if (fields[n] === 'u32') view.setUint32(4 * i, v >>> 0, true);
        else if (fields[n] === 'i32') view.setInt32(4 * i, v | 0, true);
        else view.setFloat32(4 * i, v, true);
      });
      return view.buffer as ArrayBuffer;
    },
  };
}
