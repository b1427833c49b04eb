// Channel slicing and concatenation. In planar CHW a channel range is one contiguous byte range, so these are
// buffer copies inside the recording (no shader). E.g. mbt2018-mean's h_s output chunk(2): scales, means.
import type { Recorder } from '../engine';
import { GpuEngineError } from '../errors';
import type { DType, Tensor } from '../tensor';
import { checkLive } from './common';

export function sliceChannels<D extends DType>(rec: Recorder, x: Tensor<D>, start: number, count: number): Tensor<D> {
  checkLive('sliceChannels', x);
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 1 || start + count > x.c) {
    throw new GpuEngineError('params', `sliceChannels: [${start}, ${start + count}) out of ${x.c} channels`);
  }
  const hw = x.h * x.w;
  const y = rec.tensor([count, x.h, x.w], x.dtype);
  rec.copy(x, start * hw, y, 0, count * hw);
  return y;
}

export function concatChannels<D extends DType>(rec: Recorder, parts: readonly Tensor<D>[]): Tensor<D> {
  if (parts.length === 0) throw new GpuEngineError('params', 'concatChannels: nothing to concatenate');
  checkLive('concatChannels', ...parts);
  const [f] = parts;
  for (const p of parts) {
    if (p.h !== f.h || p.w !== f.w || p.dtype !== f.dtype) throw new GpuEngineError('shape', 'concatChannels: parts differ in size or dtype');
  }
  const c = parts.reduce((s, p) => s + p.c, 0);
  const y = rec.tensor([c, f.h, f.w], f.dtype);
  let at = 0;
  for (const p of parts) {
    rec.copy(p, 0, y, at, p.size);
    at += p.size;
  }
  return y;
}
