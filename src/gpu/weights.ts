// Reads weight tensors one after another from a flat little-endian blob of float32 or float16 values.
// No WebGPU here, so the float64 reference and workers can use it too.
import { GpuEngineError } from './errors';

export type WeightDType = 'f32' | 'f16';

/** IEEE binary16 bit patterns → float32 values (exact: every half is representable in single precision). */
export function f16ToF32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i];
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    if (e === 0) out[i] = s * m * 2 ** -24;
    else if (e === 31) out[i] = m ? NaN : s * Infinity;
    else out[i] = s * (1 + m / 1024) * 2 ** (e - 15);
  }
  return out;
}

export class WeightReader {
  private readonly bytes: Uint8Array;
  private offset = 0;
  readonly elementSize: number;

  /** `data`: the blob (e.g. fetched model weights); `dtype`: element type. Checks the length is whole elements. */
  constructor(
    data: ArrayBuffer | ArrayBufferView,
    readonly dtype: WeightDType = 'f32',
  ) {
    if (dtype !== 'f32' && dtype !== 'f16') throw new GpuEngineError('weights', `unknown weight type ${String(dtype)}`);
    this.bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.elementSize = dtype === 'f32' ? 4 : 2;
    if (this.bytes.byteLength % this.elementSize !== 0) {
      throw new GpuEngineError('weights', `weight blob of ${this.bytes.byteLength} bytes is not a whole number of ${dtype} values`);
    }
  }

  /** Values not yet taken. */
  get remaining(): number {
    return (this.bytes.byteLength - this.offset) / this.elementSize;
  }

  /** The next n values as float32 (copied, aligned). Throws GpuEngineError('weights') if the blob is too short. */
  take(n: number, what = 'tensor'): Float32Array {
    if (!Number.isInteger(n) || n < 0) throw new GpuEngineError('weights', `${what}: bad element count ${n}`);
    if (n > this.remaining) {
      throw new GpuEngineError('weights', `${what}: needs ${n} values but the blob has only ${this.remaining} left`);
    }
    const nbytes = n * this.elementSize;
    const chunk = this.bytes.slice(this.offset, this.offset + nbytes); // copy: aligned for the typed-array view
    this.offset += nbytes;
    if (this.dtype === 'f32') {
      const v = new DataView(chunk.buffer);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = v.getFloat32(4 * i, true);
      return out;
    }
    const v = new DataView(chunk.buffer);
    const h = new Uint16Array(n);
    for (let i = 0; i < n; i++) h[i] = v.getUint16(2 * i, true);
    return f16ToF32(h);
  }

  /** Throws GpuEngineError('weights') unless every value has been taken (catches layer-list/blob mismatches). */
  end(): void {
    if (this.remaining !== 0) throw new GpuEngineError('weights', `${this.remaining} weight values left over after the last layer`);
  }
}
