// Typed errors of the tensor engine. Every failure a caller can act on has a `kind`; nothing is thrown as a bare Error.
import { RdLabError } from '../errors';

export type GpuEngineErrorKind =
  /** A tensor's shape or dtype does not fit the op (wrong channel count, wrong rank, i32 where f32 is needed…). */
  | 'shape'
  /** Op parameters are invalid (stride 3, divisor ≤ 0, lo > hi, weight array of the wrong length…). */
  | 'params'
  /** A weight blob is too short, too long or of an unknown element type. */
  | 'weights'
  /** A tensor would exceed the device's maxStorageBufferBindingSize / maxBufferSize. */
  | 'too-large'
  /** A tensor was used after release(), or a recorder after run(). */
  | 'released'
  /** A second recorder was opened while one is still recording. */
  | 'busy'
  /** The device was lost (driver reset, GPU process crash, destroy()). The app should fall back to the CPU. */
  | 'device-lost'
  /** WebGPU reported a validation error (a bug in the engine or in a hand-made dispatch). */
  | 'validation'
  /** WebGPU ran out of memory. */
  | 'out-of-memory';

export class GpuEngineError extends RdLabError<GpuEngineErrorKind> {
  constructor(kind: GpuEngineErrorKind, message: string) {
    super(kind, message);
    this.name = 'GpuEngineError';
  }
}
