// Quantization (CompressAI): integer symbols round(x − μ) and dequantized round(x − μ) + μ (shaders/quantize.wgsl).
import code from '../shaders/quantize.wgsl?raw';
import { Uniforms, type Program, type Recorder } from '../engine';
import { GpuEngineError } from '../errors';
import { shapeStr, type Tensor } from '../tensor';
import { checkF32, elementGrid } from './common';

type Entry = 'quantize_dequant' | 'quantize_symbols';
const programs: Record<Entry, Program> = {
  quantize_dequant: { id: 'quantize/dequant', code, entryPoint: 'quantize_dequant', bindings: ['read', 'read', 'write'] },
  quantize_symbols: { id: 'quantize/symbols', code, entryPoint: 'quantize_symbols', bindings: ['read', 'read', 'write'] },
};

/** μ: none, a per-channel vector (e.g. EntropyBottleneck medians, uploaded with engine.constant), or a full tensor. */
export type Means = null | { perChannel: GPUBuffer; channels: number } | { tensor: Tensor };

function q(rec: Recorder, e: Entry, x: Tensor, means: Means): Tensor {
  checkF32('quantize', x);
  let mode = 0;
  let m: GPUBuffer | Tensor = rec.engine.dummy;
  if (means && 'perChannel' in means) {
    if (means.channels !== x.c) throw new GpuEngineError('shape', `quantize: ${means.channels} means for ${x.c} channels`);
    mode = 1;
    m = means.perChannel;
  } else if (means) {
    if (means.tensor.size !== x.size || means.tensor.c !== x.c) {
      throw new GpuEngineError('shape', `quantize: means ${shapeStr(means.tensor.shape)} vs input ${shapeStr(x.shape)}`);
    }
    checkF32('quantize means', means.tensor);
    mode = 2;
    m = means.tensor;
  }
  const y = rec.tensor(x.shape, e === 'quantize_symbols' ? 'i32' : 'f32');
  rec.dispatch({
    program: programs[e],
    uniforms: new Uniforms(4).u32(x.size).u32(x.h * x.w).u32(mode).u32(0).bytes(),
    buffers: [x, m, y],
    workgroups: elementGrid(rec.engine, x.size),
    label: e,
  });
  return y;
}

/** round(x − μ) + μ in f32 (round half to even, like torch.round). */
export function quantizeDequantize(rec: Recorder, x: Tensor, means: Means = null): Tensor<'f32'> {
  return q(rec, 'quantize_dequant', x, means) as Tensor<'f32'>;
}

/** round(x − μ) as i32 symbols for the entropy coder. */
export function quantizeSymbols(rec: Recorder, x: Tensor, means: Means = null): Tensor<'i32'> {
  return q(rec, 'quantize_symbols', x, means) as Tensor<'i32'>;
}
