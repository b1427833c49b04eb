// Elementwise ops: ReLU, LeakyReLU, abs, add, multiply by a per-channel vector, i32 → f32 (shaders/elementwise.wgsl).
import code from '../shaders/elementwise.wgsl?raw';
import type { GpuEngine, Program, Recorder } from '../engine';
import { paramsLayout } from '../params';
import { GpuEngineError } from '../errors';
import { shapeStr, type Tensor } from '../tensor';
import { checkF32, checkLength, checkLive, elementGrid } from './common';

/** n: elements; hw: H·W (the channel of element i is i / hw); alpha: LeakyReLU slope; scale: i32 → f32 factor. */
export const ELEMENTWISE_PARAMS = paramsLayout({ n: 'u32', hw: 'u32', alpha: 'f32', scale: 'f32' });

type Entry = 'relu' | 'leaky_relu' | 'abs_' | 'add' | 'mul_channel' | 'i32_to_f32';
const programs = new Map<Entry, Program>();
function program(e: Entry): Program {
  let p = programs.get(e);
  if (!p) programs.set(e, (p = { id: `elementwise/${e}`, code: ELEMENTWISE_PARAMS.wgsl + code, entryPoint: e, bindings: ['read', 'read', 'write'] }));
  return p;
}

function run(rec: Recorder, e: Entry, a: Tensor, b: Tensor | GPUBuffer | null, alpha = 0, scale = 1): Tensor<'f32'> {
  const y = rec.tensor(a.shape, 'f32');
  rec.dispatch({
    program: program(e),
    uniforms: ELEMENTWISE_PARAMS.write({ n: a.size, hw: a.h * a.w, alpha, scale }),
    buffers: [a, b ?? rec.engine.dummy, y],
    workgroups: elementGrid(rec.engine, a.size),
    label: e,
  });
  return y;
}

export function relu(rec: Recorder, x: Tensor): Tensor<'f32'> {
  checkF32('relu', x);
  return run(rec, 'relu', x, null);
}

/** y = x for x ≥ 0, alpha·x otherwise (PyTorch LeakyReLU, default slope 0.01). */
export function leakyRelu(rec: Recorder, x: Tensor, alpha = 0.01): Tensor<'f32'> {
  checkF32('leakyRelu', x);
  return run(rec, 'leaky_relu', x, null, alpha);
}

export function abs(rec: Recorder, x: Tensor): Tensor<'f32'> {
  checkF32('abs', x);
  return run(rec, 'abs_', x, null);
}

export function add(rec: Recorder, a: Tensor, b: Tensor): Tensor<'f32'> {
  checkF32('add', a);
  checkF32('add', b);
  if (a.size !== b.size || a.c !== b.c) throw new GpuEngineError('shape', `add: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)} differ`);
  return run(rec, 'add', a, b);
}

/** A per-channel vector uploaded once (e.g. a learned gain); pass to mulChannel. */
export function uploadChannelVector(engine: GpuEngine, v: Float32Array): { readonly channels: number; readonly buffer: GPUBuffer } {
  if (v.length < 1) throw new GpuEngineError('params', 'channel vector is empty');
  return { channels: v.length, buffer: engine.constant(v, 'channel vector') };
}

/** y[c, …] = x[c, …] · v[c]. */
export function mulChannel(rec: Recorder, x: Tensor, v: { readonly channels: number; readonly buffer: GPUBuffer }): Tensor<'f32'> {
  checkF32('mulChannel', x);
  checkLength('mulChannel vector', { length: v.channels }, x.c);
  return run(rec, 'mul_channel', x, v.buffer);
}

/** f32(x) · scale (exact for |x| < 2²⁴ and power-of-two scales). */
export function toFloat(rec: Recorder, x: Tensor, scale = 1): Tensor<'f32'> {
  checkLive('toFloat', x);
  if (x.dtype !== 'i32') throw new GpuEngineError('shape', `toFloat: needs an i32 tensor, got ${x.dtype}`);
  return run(rec, 'i32_to_f32', x, null, 0, scale);
}
