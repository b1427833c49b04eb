// Quantization (CompressAI): integer symbols round(x − μ) and dequantized round(x − μ) + μ (shaders/quantize.wgsl).
import code from '../shaders/quantize.wgsl?raw';
import type { Program, Recorder } from '../engine';
import { paramsLayout } from '../params';
import { GpuEngineError } from '../errors';
import { shapeStr, type Tensor } from '../tensor';
import { checkF32, elementGrid } from './common';

/** n: elements; hw: H·W; means_mode: 0 none, 1 per channel, 2 per element. */
export const QUANTIZE_PARAMS = paramsLayout({ n: 'u32', hw: 'u32', means_mode: 'u32' });

type Entry = 'quantize_dequant' | 'quantize_symbols';
const programs: Record<Entry, Program> = {
  quantize_dequant: { id: 'quantize/dequant', code: QUANTIZE_PARAMS.wgsl + code, entryPoint: 'quantize_dequant', bindings: ['read', 'read', 'write'] },
  quantize_symbols: { id: 'quantize/symbols', code: QUANTIZE_PARAMS.wgsl + code, entryPoint: 'quantize_symbols', bindings: ['read', 'read', 'write'] },
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
    uniforms: QUANTIZE_PARAMS.write({ n: x.size, hw: x.h * x.w, means_mode: mode }),
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
