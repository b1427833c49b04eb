// The dispatcher. An op is data (a Program: WGSL source + entry point + binding list, plus per-dispatch
// specialization constants, uniforms, buffers and a workgroup count); the engine turns programs into cached
// pipelines, records dispatches into one command encoder, submits once and reads back only the tensors asked for.
//
//   const engine = await GpuEngine.create();
//   const x = engine.upload(data, [3, H, W]);
//   const rec = engine.record();
//   const y = conv2d(rec, x, layer);           // ops live in src/gpu/ops/*, each a function (rec, inputs…) → Tensor
//   rec.release(x);                            // its buffer may be reused by later ops of this recording
//   const [yData] = await rec.run([y]);        // one submit; maps only y
//
// Buffers: tensors come from a pool keyed by size (pool.ts); uniform buffers are cached by content; pipelines by
// (program, constants). A network run twice on the same shapes therefore creates no GPU buffer the second time.
import { messageOf } from '../errors';
import { acquireGpu, GpuUnavailableError, type AcquireOptions, type GpuContext } from './device';
import { GpuEngineError } from './errors';
import { BufferPool, poolSize } from './pool';
import { checkShape, shapeSize, shapeStr, Tensor, type DType, type Shape, type TypedArrayFor } from './tensor';

/** Storage binding access. Binding 0 of every program is its uniform block; bindings 1… follow this list. */
export type BindingKind = 'read' | 'write';

export interface Program {
  /** Unique id of (code, entryPoint), e.g. "conv2d/64x64/conv2d". Pipelines are cached by id + constants. */
  readonly id: string;
  readonly code: string;
  readonly entryPoint: string;
  readonly bindings: readonly BindingKind[];
}

export interface Dispatch {
  program: Program;
  /** WGSL `override` values (specialization); part of the pipeline cache key. */
  constants?: Readonly<Record<string, number>>;
  /** Contents of the uniform block (binding 0). Cached by content, so equal parameters share one buffer. */
  uniforms: ArrayBuffer;
  /** Storage buffers for bindings 1…n, in the order of program.bindings. */
  buffers: readonly (Tensor | GPUBuffer)[];
  workgroups: readonly [number, number, number];
  label?: string;
}

export interface EngineOptions {
  /** Wrap every recording in WebGPU error scopes and throw a typed error on validation/OOM errors (default true). */
  validate?: boolean;
  /**
   * Largest workgroup count per grid dimension the ops may use before folding the grid into a second dimension
   * (default: the device limit, at most 65535). Tests set it low to exercise folding on small tensors.
   */
  maxWorkgroupsPerDimension?: number;
}

export interface EngineCounters {
  /** Every GPUBuffer the engine created: pool, uniforms, constants (weights), dummies. */
  buffersCreated: number;
  pipelinesCreated: number;
  uniformBuffers: number;
  constantBytes: number;
}

export interface OpTiming {
  label: string;
  ms: number;
}

const COMPUTE = 0x4; // GPUShaderStage.COMPUTE
const USAGE_STORAGE_CONST = 0x80 | 0x8 | 0x4; // STORAGE | COPY_DST | COPY_SRC
const USAGE_UNIFORM = 0x40 | 0x8; // UNIFORM | COPY_DST

/** Uniform buffers kept before the cache is emptied (each is 16–96 bytes; a network has a few per layer). */
const UNIFORM_CACHE_MAX = 4096;

/** Largest workgroup count per dimension we use (WebGPU's guaranteed minimum of maxComputeWorkgroupsPerDimension). */
export const MAX_GROUPS = 65535;

/**
 * Splits n workgroups into a 2-D grid [x, y, 1] with x ≤ max; shaders recover the linear id as wid.y·nwg.x + wid.x
 * and return early for ids ≥ n (the grid may hold a few more than n).
 */
export function grid1d(groups: number, max = MAX_GROUPS): [number, number, number] {
  if (groups <= max) return [Math.max(1, groups), 1, 1];
  const y = Math.ceil(groups / max);
  return [Math.ceil(groups / y), y, 1];
}

interface CachedPipeline {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

export class GpuEngine {
  readonly device: GPUDevice;
  readonly pool: BufferPool;
  readonly counters: EngineCounters = { buffersCreated: 0, pipelinesCreated: 0, uniformBuffers: 0, constantBytes: 0 };
  /** The largest storage binding this device allows (bytes). */
  readonly maxBindingBytes: number;
  /** Grids are folded beyond this many workgroups per dimension (see EngineOptions). */
  readonly maxGroups: number;
  private readonly validate: boolean;
  private readonly layouts = new Map<string, GPUBindGroupLayout>();
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly pipelines = new Map<string, CachedPipeline>();
  private readonly uniformCache = new Map<string, GPUBuffer>();
  private lostInfo: GPUDeviceLostInfo | null = null;
  private destroyed = false;
  /** @internal the recorder currently open, if any. */
  active: Recorder | null = null;
  /** A 16-byte storage buffer bound where an op has an optional input that is absent. */
  readonly dummy: GPUBuffer;

  constructor(
    readonly gpu: GpuContext,
    opts: EngineOptions = {},
  ) {
    this.device = gpu.device;
    this.validate = opts.validate ?? true;
    const L = this.device.limits;
    this.maxBindingBytes = Math.min(L.maxStorageBufferBindingSize, L.maxBufferSize);
    this.maxGroups = Math.max(1, Math.min(opts.maxWorkgroupsPerDimension ?? MAX_GROUPS, L.maxComputeWorkgroupsPerDimension));
    this.pool = new BufferPool((d) => this.createBuffer(d), this.maxBindingBytes);
    gpu.lost.then((info) => {
      this.lostInfo = info;
    });
    this.dummy = this.createBuffer({ size: 16, usage: USAGE_STORAGE_CONST, label: 'dummy' });
  }

  static async create(opts: AcquireOptions & EngineOptions = {}): Promise<GpuEngine> {
    return new GpuEngine(await acquireGpu(opts), opts);
  }

  /** Lost-device information once the device is gone, else null. */
  get lost(): GPUDeviceLostInfo | null {
    return this.lostInfo;
  }

  /** Throws GpuEngineError('device-lost') once the device is lost or the engine destroyed. */
  checkAlive(): void {
    if (this.destroyed) throw new GpuEngineError('device-lost', 'the GPU engine was destroyed');
    if (this.lostInfo) {
      throw new GpuEngineError('device-lost', `the GPU device was lost (${this.lostInfo.reason}): ${this.lostInfo.message}`);
    }
  }

  /** Every buffer the engine owns is created here (counted). */
  createBuffer(desc: GPUBufferDescriptor): GPUBuffer {
    this.counters.buffersCreated++;
    return this.device.createBuffer(desc);
  }

  private checkBytes(bytes: number, what: string): void {
    if (poolSize(bytes) > this.maxBindingBytes) {
      throw new GpuEngineError('too-large', `${what}: ${bytes} bytes exceed this device's storage binding limit of ${this.maxBindingBytes} bytes`);
    }
  }

  /** A persistent (non-pooled) storage buffer holding `data`, e.g. weights. Freed by destroy() or engine.destroy(). */
  constant(data: ArrayBufferView, label = 'constant'): GPUBuffer {
    this.checkAlive();
    this.checkBytes(data.byteLength, label);
    const size = poolSize(data.byteLength);
    const buf = this.createBuffer({ size, usage: USAGE_STORAGE_CONST, label, mappedAtCreation: true });
    new Uint8Array(buf.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    buf.unmap();
    this.counters.constantBytes += size;
    return buf;
  }

  /** Uploads a CHW array into a pooled tensor (dtype from the array type). */
  upload(data: Float32Array, shape: Shape): Tensor<'f32'>;
  upload(data: Int32Array, shape: Shape): Tensor<'i32'>;
  upload(data: Float32Array | Int32Array, shape: Shape): Tensor {
    this.checkAlive();
    checkShape(shape, 'upload');
    if (data.length !== shapeSize(shape)) {
      throw new GpuEngineError('shape', `upload: ${data.length} values do not fill a ${shapeStr(shape)} tensor`);
    }
    const dtype: DType = data instanceof Int32Array ? 'i32' : 'f32';
    this.checkBytes(data.byteLength, 'upload');
    const buf = this.pool.acquire('storage', data.byteLength);
    this.device.queue.writeBuffer(buf, 0, data.buffer, data.byteOffset, data.byteLength);
    return new Tensor(buf, shape, dtype, true);
  }

  /** Returns a tensor's buffer to the pool. While a recorder is open, it only becomes reusable by that recording. */
  release(t: Tensor): void {
    if (!t.pooled) throw new GpuEngineError('params', 'release(): this tensor does not come from the pool');
    const buf = t.markReleased();
    if (this.active) this.active.adoptFree(buf);
    else this.pool.release(buf);
  }

  /** Opens a recorder. Only one may be open at a time (typed 'busy' error otherwise). */
  record(opts: { profile?: boolean } = {}): Recorder {
    this.checkAlive();
    if (this.active) throw new GpuEngineError('busy', 'another recording is open: run() or discard() it first');
    if (this.uniformCache.size > UNIFORM_CACHE_MAX) {
      // Many different image sizes: start over. No recording is open, and submitted work may still use the
      // buffers, which WebGPU allows (destroy takes effect once the queue is done with them).
      for (const b of this.uniformCache.values()) b.destroy();
      this.uniformCache.clear();
    }
    const r = new Recorder(this, opts.profile ?? false, this.validate);
    this.active = r;
    return r;
  }

  /** Convenience: reads one tensor back in its own submit. */
  async read<D extends DType>(t: Tensor<D>): Promise<TypedArrayFor<D>> {
    const rec = this.record();
    const [out] = await rec.run([t]);
    return out as TypedArrayFor<D>;
  }

  /** @internal uniform buffer for these bytes (cached by content). */
  uniformBuffer(bytes: ArrayBuffer): GPUBuffer {
    const u = new Uint32Array(bytes);
    let key = '';
    for (let i = 0; i < u.length; i++) key += u[i].toString(36) + ',';
    let buf = this.uniformCache.get(key);
    if (!buf) {
      buf = this.createBuffer({ size: bytes.byteLength, usage: USAGE_UNIFORM, label: 'uniforms', mappedAtCreation: true });
      new Uint8Array(buf.getMappedRange()).set(new Uint8Array(bytes));
      buf.unmap();
      this.uniformCache.set(key, buf);
      this.counters.uniformBuffers++;
    }
    return buf;
  }

  /** @internal pipeline for a program + constants (cached). */
  pipeline(program: Program, constants: Readonly<Record<string, number>> | undefined): CachedPipeline {
    const ck = constants
      ? Object.keys(constants)
          .sort()
          .map((k) => `${k}=${constants[k]}`)
          .join(',')
      : '';
    const key = `${program.id}|${program.entryPoint}|${ck}`;
    let p = this.pipelines.get(key);
    if (p) return p;
    let layout = this.layouts.get(program.id);
    if (!layout) {
      layout = this.device.createBindGroupLayout({
        label: program.id,
        entries: [
          { binding: 0, visibility: COMPUTE, buffer: { type: 'uniform' } },
          ...program.bindings.map((b, i) => ({
            binding: i + 1,
            visibility: COMPUTE,
            buffer: { type: (b === 'read' ? 'read-only-storage' : 'storage') as GPUBufferBindingType },
          })),
        ],
      });
      this.layouts.set(program.id, layout);
    }
    let module = this.modules.get(program.code);
    if (!module) {
      module = this.device.createShaderModule({ code: program.code, label: program.id });
      this.modules.set(program.code, module);
    }
    const pipeline = this.device.createComputePipeline({
      label: key,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: program.entryPoint, constants: constants ? { ...constants } : undefined },
    });
    this.counters.pipelinesCreated++;
    p = { pipeline, layout };
    this.pipelines.set(key, p);
    return p;
  }

  /** Frees the pool, caches and the device. Further calls throw 'device-lost'. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.pool.trim();
    for (const b of this.uniformCache.values()) b.destroy();
    this.uniformCache.clear();
    this.device.destroy();
  }
}

type Cmd =
  | { kind: 'dispatch'; pipeline: GPUComputePipeline; bindGroup: GPUBindGroup; groups: readonly [number, number, number]; label: string }
  | { kind: 'copy'; src: GPUBuffer; srcOffset: number; dst: GPUBuffer; dstOffset: number; size: number };

/** Records dispatches and copies for one command encoder. Created by engine.record(). */
export class Recorder {
  private readonly cmds: Cmd[] = [];
  private readonly localFree = new Map<number, GPUBuffer[]>();
  private readonly localAll = new Set<GPUBuffer>();
  private done = false;
  /** With profile: GPU time per dispatch from timestamp queries (empty where the adapter has none). */
  timings: OpTiming[] = [];

  constructor(
    readonly engine: GpuEngine,
    readonly profile: boolean,
    private readonly validate: boolean,
  ) {
    if (validate) {
      engine.device.pushErrorScope('out-of-memory');
      engine.device.pushErrorScope('validation');
    }
  }

  private ensureOpen(): void {
    if (this.done) throw new GpuEngineError('released', 'this recorder has already been run or discarded');
    this.engine.checkAlive();
  }

  /** A new pooled tensor for an op's output (reusing buffers released earlier in this recording first). */
  tensor<D extends DType>(shape: Shape, dtype: D): Tensor<D> {
    this.ensureOpen();
    checkShape(shape, 'output');
    const bytes = shapeSize(shape) * 4;
    const size = poolSize(bytes);
    if (size > this.engine.maxBindingBytes) {
      throw new GpuEngineError('too-large', `a ${shapeStr(shape)} tensor (${bytes} bytes) exceeds this device's storage binding limit`);
    }
    const buf = this.localFree.get(size)?.pop() ?? this.engine.pool.acquire('storage', bytes);
    return new Tensor(buf, shape, dtype, true);
  }

  /** Release a tensor: later ops of this recording may reuse its buffer; the pool gets it back after run(). */
  release(t: Tensor): void {
    this.ensureOpen();
    this.engine.release(t);
  }

  /** @internal */
  adoptFree(buf: GPUBuffer): void {
    const size = buf.size;
    let list = this.localFree.get(size);
    if (!list) this.localFree.set(size, (list = []));
    list.push(buf);
    this.localAll.add(buf);
  }

  dispatch(d: Dispatch): void {
    this.ensureOpen();
    const { program } = d;
    if (d.buffers.length !== program.bindings.length) {
      throw new GpuEngineError('params', `${program.id}: ${d.buffers.length} buffers for ${program.bindings.length} bindings`);
    }
    const { pipeline, layout } = this.engine.pipeline(program, d.constants);
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: this.engine.uniformBuffer(d.uniforms) } }];
    d.buffers.forEach((b, i) => {
      const buffer = b instanceof Tensor ? b.buffer : b;
      entries.push({ binding: i + 1, resource: { buffer } });
    });
    const bindGroup = this.engine.device.createBindGroup({ layout, entries });
    if (d.workgroups.some((g) => g === 0)) return;
    this.cmds.push({ kind: 'dispatch', pipeline, bindGroup, groups: d.workgroups, label: d.label ?? program.id });
  }

  /** Copies `count` elements from src (at element offset srcAt) to dst (at dstAt). */
  copy(src: Tensor, srcAt: number, dst: Tensor, dstAt: number, count: number): void {
    this.ensureOpen();
    if (srcAt < 0 || dstAt < 0 || count < 0 || srcAt + count > src.size || dstAt + count > dst.size) {
      throw new GpuEngineError('params', `copy: range out of bounds (src ${src.size}, dst ${dst.size}, ${srcAt}+${count} → ${dstAt})`);
    }
    if (count === 0) return;
    this.cmds.push({ kind: 'copy', src: src.buffer, srcOffset: srcAt * 4, dst: dst.buffer, dstOffset: dstAt * 4, size: count * 4 });
  }

  /** Drops the recording without submitting (buffers released into it go back to the pool). */
  discard(): void {
    if (this.done) return;
    this.finish();
    if (this.validate) {
      void this.engine.device.popErrorScope();
      void this.engine.device.popErrorScope();
    }
  }

  private finish(): void {
    this.done = true;
    if (this.engine.active === this) this.engine.active = null;
    for (const b of this.localAll) {
      // A buffer released here and then re-acquired by a later op of this recording is in use again; only the
      // ones still in the local free lists return to the pool.
      if (this.localFree.get(b.size)?.includes(b)) this.engine.pool.release(b);
    }
    this.localFree.clear();
    this.localAll.clear();
  }

  /**
   * Encodes everything into one command encoder, submits once and reads back only `read` (in order).
   * Throws GpuEngineError('device-lost' | 'validation' | 'out-of-memory').
   */
  async run<const T extends readonly Tensor[]>(
    read: T = [] as unknown as T,
  ): Promise<{ [K in keyof T]: T[K] extends Tensor<infer D> ? TypedArrayFor<D> : never }> {
    this.ensureOpen();
    for (const t of read) void t.buffer; // typed 'released' error before anything is encoded
    const engine = this.engine;
    const device = engine.device;
    const enc = device.createCommandEncoder({ label: 'recording' });
    const useTs = this.profile && engine.gpu.hasTimestamps;
    const nDispatch = this.cmds.filter((c) => c.kind === 'dispatch').length;
    const nQueries = useTs ? Math.min(4096, 2 * nDispatch) : 0;
    let querySet: GPUQuerySet | null = null;
    let resolveBuf: GPUBuffer | null = null;
    let tsStaging: GPUBuffer | null = null;
    if (nQueries > 0) {
      // Profiling is for benchmarks: these three objects are created per run (not pooled).
      querySet = device.createQuerySet({ type: 'timestamp', count: nQueries });
      resolveBuf = engine.createBuffer({ size: nQueries * 8, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
      tsStaging = engine.createBuffer({ size: nQueries * 8, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    }
    const labels: string[] = [];
    let pass: GPUComputePassEncoder | null = null;
    for (const c of this.cmds) {
      if (c.kind === 'dispatch') {
        const q = labels.length;
        if (querySet && 2 * q + 1 < nQueries) {
          if (pass) pass.end();
          pass = enc.beginComputePass({
            label: c.label,
            timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * q, endOfPassWriteIndex: 2 * q + 1 },
          });
          labels.push(c.label);
        } else if (!pass) {
          pass = enc.beginComputePass();
        }
        pass.setPipeline(c.pipeline);
        pass.setBindGroup(0, c.bindGroup);
        pass.dispatchWorkgroups(c.groups[0], c.groups[1], c.groups[2]);
        if (querySet) {
          pass.end();
          pass = null;
        }
      } else {
        if (pass) {
          pass.end();
          pass = null;
        }
        enc.copyBufferToBuffer(c.src, c.srcOffset, c.dst, c.dstOffset, c.size);
      }
    }
    if (pass) pass.end();
    const staging = read.map((t) => {
      const s = engine.pool.acquire('staging', t.byteLength);
      enc.copyBufferToBuffer(t.buffer, 0, s, 0, t.byteLength);
      return s;
    });
    if (querySet && resolveBuf && tsStaging) {
      enc.resolveQuerySet(querySet, 0, nQueries, resolveBuf, 0);
      enc.copyBufferToBuffer(resolveBuf, 0, tsStaging, 0, nQueries * 8);
    }
    device.queue.submit([enc.finish()]);
    this.finish();

    const errors = this.validate ? Promise.all([device.popErrorScope(), device.popErrorScope()]) : Promise.resolve([null, null]);
    let mapped: unknown = null;
    try {
      await Promise.all([...staging.map((s) => s.mapAsync(GPUMapMode.READ)), tsStaging?.mapAsync(GPUMapMode.READ)]);
    } catch (e) {
      mapped = e;
    }
    const [valErr, oomErr] = await errors;
    const lost = engine.lost;
    let failure: GpuEngineError | null = null;
    if (lost) failure = new GpuEngineError('device-lost', `the GPU device was lost during a run (${lost.reason}): ${lost.message}`);
    else if (valErr) failure = new GpuEngineError('validation', `WebGPU validation error: ${valErr.message}`);
    else if (oomErr) failure = new GpuEngineError('out-of-memory', `WebGPU out of memory: ${oomErr.message}`);
    else if (mapped) {
      // mapAsync only fails when the device went away (or the buffer was destroyed by engine.destroy()).
      failure = new GpuEngineError('device-lost', `readback failed: ${messageOf(mapped)}`);
    }
    let out: (Float32Array | Int32Array)[] = [];
    if (!failure) {
      out = read.map((t, i) => {
        const bytes = staging[i].getMappedRange(0, t.byteLength).slice(0);
        return t.dtype === 'i32' ? new Int32Array(bytes) : new Float32Array(bytes);
      });
      if (tsStaging) {
        const ts = new BigInt64Array(tsStaging.getMappedRange().slice(0));
        this.timings = labels.map((label, i) => ({ label, ms: Number(ts[2 * i + 1] - ts[2 * i]) / 1e6 }));
      }
    }
    // Staging buffers go back to the pool on every path (a validation error must not leak them).
    for (const st of staging) {
      if (st.mapState === 'mapped') st.unmap();
      if (!lost) engine.pool.release(st);
    }
    tsStaging?.destroy();
    resolveBuf?.destroy();
    querySet?.destroy();
    if (failure) throw failure;
    return out as never;
  }
}

export { GpuUnavailableError };
