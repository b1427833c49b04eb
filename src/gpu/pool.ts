// Buffer pool: free lists keyed by (usage class, byte size). A network run twice with the same input size gets
// every intermediate, staging and uniform buffer from here the second time, so it allocates nothing new.
import { GpuEngineError } from './errors';

export type PoolClass = 'storage' | 'staging';

const USAGE: Record<PoolClass, number> = {
  // Storage tensors: read/written by shaders, filled by writeBuffer, copied for slices and readback.
  storage: 0x80 /* STORAGE */ | 0x4 /* COPY_SRC */ | 0x8 /* COPY_DST */,
  // Readback: copied into, then mapped for reading.
  staging: 0x1 /* MAP_READ */ | 0x8 /* COPY_DST */,
};

export interface PoolStats {
  /** GPUBuffers this pool has created in its lifetime. */
  created: number;
  /** Acquisitions served from a free list. */
  reused: number;
  /** Bytes currently handed out. */
  bytesInUse: number;
  /** Bytes waiting in free lists. */
  bytesFree: number;
}

/** Sizes are rounded up to a multiple of 16 bytes (and at least 16) so vec4 views never run off the end. */
export function poolSize(bytes: number): number {
  return Math.max(16, Math.ceil(bytes / 16) * 16);
}

export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private readonly sizeOf = new WeakMap<GPUBuffer, { cls: PoolClass; size: number }>();
  readonly stats: PoolStats = { created: 0, reused: 0, bytesInUse: 0, bytesFree: 0 };

  constructor(
    private readonly create: (desc: GPUBufferDescriptor) => GPUBuffer,
    private readonly maxBytes: number,
  ) {}

  acquire(cls: PoolClass, bytes: number, label?: string): GPUBuffer {
    const size = poolSize(bytes);
    if (size > this.maxBytes) {
      throw new GpuEngineError('too-large', `a ${cls} buffer of ${size} bytes exceeds this device's limit of ${this.maxBytes} bytes`);
    }
    const list = this.free.get(`${cls}:${size}`);
    const reused = list?.pop();
    if (reused) {
      this.stats.reused++;
      this.stats.bytesFree -= size;
      this.stats.bytesInUse += size;
      return reused;
    }
    const buf = this.create({ size, usage: USAGE[cls], label: label ?? `pool ${cls} ${size}` });
    this.sizeOf.set(buf, { cls, size });
    this.stats.created++;
    this.stats.bytesInUse += size;
    return buf;
  }

  release(buf: GPUBuffer): void {
    const meta = this.sizeOf.get(buf);
    if (!meta) throw new GpuEngineError('params', 'release(): this buffer does not belong to the pool');
    const key = `${meta.cls}:${meta.size}`;
    let list = this.free.get(key);
    if (!list) this.free.set(key, (list = []));
    if (list.includes(buf)) throw new GpuEngineError('released', 'release(): buffer released twice');
    list.push(buf);
    this.stats.bytesInUse -= meta.size;
    this.stats.bytesFree += meta.size;
  }

  /** Destroys every free buffer (e.g. after a large image, to give memory back). */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.stats.bytesFree = 0;
  }
}
