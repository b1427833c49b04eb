// The engine's tensor: a planar CHW array (batch 1) in a GPU storage buffer.
//
// Layout: element (c, y, x) of a C×H×W tensor lives at index (c·H + y)·W + x, 4 bytes per element —
// exactly PyTorch/ONNX NCHW with N = 1. So weights and activations exported from PyTorch need no transposition,
// a channel slice is a contiguous byte range, and the reference implementation reads the same arrays.
// dtype 'f32' holds IEEE binary32, 'i32' two's-complement 32-bit integers (integer networks, quantized symbols).
import { GpuEngineError } from './errors';

export type DType = 'f32' | 'i32';
/** [channels, height, width]. */
export type Shape = readonly [number, number, number];

export type TypedArrayFor<D extends DType> = D extends 'i32' ? Int32Array : Float32Array;

export function shapeSize(s: Shape): number {
  return s[0] * s[1] * s[2];
}

export function checkShape(s: Shape, what = 'tensor'): void {
  if (s.length !== 3 || !s.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new GpuEngineError('shape', `${what}: shape must be [C, H, W] with positive integers, got [${s.join(', ')}]`);
  }
}

export function shapeStr(s: Shape): string {
  return `${s[0]}×${s[1]}×${s[2]}`;
}

export class Tensor<D extends DType = DType> {
  private _released = false;
  constructor(
    private readonly _buffer: GPUBuffer,
    readonly shape: Shape,
    readonly dtype: D,
    /** True when the buffer belongs to the engine's pool (release() returns it there). */
    readonly pooled: boolean,
  ) {}
  get c(): number {
    return this.shape[0];
  }
  get h(): number {
    return this.shape[1];
  }
  get w(): number {
    return this.shape[2];
  }
  get size(): number {
    return shapeSize(this.shape);
  }
  get byteLength(): number {
    return this.size * 4;
  }
  get released(): boolean {
    return this._released;
  }
  /** The storage buffer; throws a typed error after release(). */
  get buffer(): GPUBuffer {
    if (this._released) throw new GpuEngineError('released', `tensor ${shapeStr(this.shape)} ${this.dtype} used after release()`);
    return this._buffer;
  }
  /** @internal called by the engine when the buffer goes back to the pool. */
  markReleased(): GPUBuffer {
    if (this._released) throw new GpuEngineError('released', `tensor ${shapeStr(this.shape)} released twice`);
    this._released = true;
    return this._buffer;
  }
}

export function expectDType<D extends DType>(t: Tensor, dtype: D, what: string): asserts t is Tensor<D> {
  if (t.dtype !== dtype) throw new GpuEngineError('shape', `${what}: expected a ${dtype} tensor, got ${t.dtype}`);
}
