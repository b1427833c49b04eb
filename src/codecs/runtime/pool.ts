// A pool of codec workers with a queue, progress, cancellation (abort → terminate the worker) and typed errors.
// One pool per purpose: each compare side gets its own single-worker pool, the RD sweep a pool of N workers.
import { messageOf } from '../../errors';
import { CodecError, type CodecOptions, type EncodeProgress, type RgbaImage } from '../types';
import { isResultOf, type EncodeJobResult, type JobResults, type JobType, type QualityMetrics, type ResultMessage, type WorkerRequest, type WorkerResponse } from './protocol';

export interface JobOptions {
  signal?: AbortSignal;
  onProgress?: (p: EncodeProgress) => void;
}

export interface SourceImage {
  /** Unique per opened image (the pool sends the pixels to a worker once per key). */
  key: string;
  image: RgbaImage;
}

type Body =
  | { type: 'encode'; source: SourceImage; codecId: string; options: CodecOptions }
  | { type: 'metrics'; source: SourceImage; decoded: RgbaImage }
  | { type: 'decode-file'; codecId: string; bytes: Uint8Array }
  | { type: 'resize'; image: RgbaImage; width: number; height: number };

interface Task {
  body: Body;
  opts: JobOptions;
  /** Settles the caller's promise with a result message (of this task's job type, checked). */
  accept: (msg: ResultMessage) => void;
  reject: (e: unknown) => void;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker | null;
  sourceKey: string | null;
  task: Task | null;
  jobId: number;
  idleTimer: ReturnType<typeof setTimeout> | null;
}

export type WorkerFactory = () => Worker;

export const defaultWorkerFactory: WorkerFactory = () =>
  new Worker(new URL('./codec.worker.ts', import.meta.url), { type: 'module', name: 'codec' });

export interface PoolOptions {
  size?: number;
  /** Terminate a worker idle this long, freeing its wasm memory (Squoosh uses 10 s). */
  idleMs?: number;
  factory?: WorkerFactory;
}

let nextJobId = 1;

export class CodecWorkerPool {
  private readonly slots: Slot[];
  private readonly queue: Task[] = [];
  private readonly idleMs: number;
  private readonly factory: WorkerFactory;
  private disposed = false;

  constructor({ size = 1, idleMs = 20_000, factory = defaultWorkerFactory }: PoolOptions = {}) {
    this.slots = Array.from({ length: Math.max(1, size) }, () => ({ worker: null, sourceKey: null, task: null, jobId: 0, idleTimer: null }));
    this.idleMs = idleMs;
    this.factory = factory;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Encodes `source` with a codec, decodes it again and measures PSNR/MS-SSIM, all in a worker. */
  encode(source: SourceImage, codecId: string, options: CodecOptions, opts: JobOptions = {}): Promise<EncodeJobResult> {
    return this.submit('encode', { type: 'encode', source, codecId, options }, opts);
  }

  /** PSNR/MS-SSIM of an image decoded elsewhere against `source`. */
  metrics(source: SourceImage, decoded: RgbaImage, opts: JobOptions = {}): Promise<QualityMetrics> {
    return this.submit('metrics', { type: 'metrics', source, decoded }, opts);
  }

  /** Decodes a file with a codec's own decoder (for formats the browser cannot open). */
  decodeFile(codecId: string, bytes: Uint8Array, opts: JobOptions = {}): Promise<RgbaImage> {
    return this.submit('decode-file', { type: 'decode-file', codecId, bytes }, opts);
  }

  /** Resizes an image with the Lanczos-3 filter (src/image/resize.ts) off the page's thread. */
  resize(image: RgbaImage, width: number, height: number, opts: JobOptions = {}): Promise<RgbaImage> {
    return this.submit('resize', { type: 'resize', image, width, height }, opts);
  }

  /** Cancels everything queued and running, and terminates the workers. */
  dispose(): void {
    this.disposed = true;
    for (const t of this.queue.splice(0)) this.finish(t, null, new CodecError('aborted', 'The worker pool was closed.'));
    for (const s of this.slots) {
      if (s.task) this.finish(s.task, s, new CodecError('aborted', 'The worker pool was closed.'));
      this.kill(s);
    }
  }

  private submit<T extends JobType>(job: T, body: Body & { type: T }, opts: JobOptions): Promise<JobResults[T]> {
    return new Promise((resolve, reject) => {
      if (this.disposed) return reject(new CodecError('aborted', 'The worker pool was closed.'));
      if (opts.signal?.aborted) return reject(new CodecError('aborted', 'Cancelled.', 'codecId' in body ? body.codecId : undefined));
      const accept = (msg: ResultMessage) => {
        if (isResultOf(msg, job)) resolve(msg.result);
        else reject(new CodecError('worker-crashed', `The codec worker answered a ${job} job with a ${msg.job} result.`));
      };
      const task: Task = { body, opts, accept, reject };
      if (opts.signal) {
        task.onAbort = () => this.abort(task);
        opts.signal.addEventListener('abort', task.onAbort, { once: true });
      }
      this.queue.push(task);
      this.pump();
    });
  }

  private abort(task: Task) {
    const err = new CodecError('aborted', 'Cancelled.', 'codecId' in task.body ? task.body.codecId : undefined);
    const qi = this.queue.indexOf(task);
    if (qi >= 0) {
      this.queue.splice(qi, 1);
      this.finish(task, null, err);
      return;
    }
    const slot = this.slots.find((s) => s.task === task);
    if (slot) {
      // A running wasm call cannot be interrupted: end the worker, a fresh one starts on the next job.
      this.kill(slot);
      this.finish(task, slot, err);
      this.pump();
    }
  }

  private finish(task: Task, slot: Slot | null, error: unknown, result?: ResultMessage) {
    if (task.onAbort) task.opts.signal?.removeEventListener('abort', task.onAbort);
    if (slot && slot.task === task) {
      slot.task = null;
      this.armIdle(slot);
    }
    if (error || !result) task.reject(error);
    else task.accept(result);
  }

  private kill(slot: Slot) {
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
    slot.worker?.terminate();
    slot.worker = null;
    slot.sourceKey = null;
  }

  private armIdle(slot: Slot) {
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
    if (this.idleMs > 0 && slot.worker) slot.idleTimer = setTimeout(() => !slot.task && this.kill(slot), this.idleMs);
  }

  private pump() {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.task) continue;
      const task = this.queue.shift()!;
      this.start(slot, task);
    }
  }

  private ensureWorker(slot: Slot): Worker {
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
    if (slot.worker) return slot.worker;
    const w = this.factory();
    slot.worker = w;
    slot.sourceKey = null;
    w.onmessage = (e: MessageEvent<WorkerResponse>) => this.onMessage(slot, w, e.data);
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.onCrash(slot, w, `The codec worker stopped: ${e.message || 'unknown error (out of memory?)'}`);
    };
    w.onmessageerror = () => this.onCrash(slot, w, 'A message from the codec worker could not be read.');
    return w;
  }

  private start(slot: Slot, task: Task, forceSource = false) {
    slot.task = task;
    slot.jobId = nextJobId++;
    const w = this.ensureWorker(slot);
    const b = task.body;
    let req: WorkerRequest;
    if (b.type === 'decode-file') {
      req = { id: slot.jobId, type: 'decode-file', codecId: b.codecId, bytes: b.bytes };
    } else if (b.type === 'resize') {
      req = { id: slot.jobId, type: 'resize', image: b.image, width: b.width, height: b.height };
    } else {
      const send = forceSource || slot.sourceKey !== b.source.key;
      const source = { key: b.source.key, image: send ? b.source.image : undefined };
      slot.sourceKey = b.source.key;
      req =
        b.type === 'encode'
          ? { id: slot.jobId, type: 'encode', source, codecId: b.codecId, options: b.options }
          : { id: slot.jobId, type: 'metrics', source, decoded: b.decoded };
    }
    try {
      w.postMessage(req);
    } catch (e) {
      this.kill(slot);
      this.finish(task, slot, new CodecError('worker-crashed', `Could not send the job to a codec worker: ${messageOf(e)}`));
      this.pump();
    }
  }

  private onMessage(slot: Slot, w: Worker, msg: WorkerResponse) {
    if (slot.worker !== w || !slot.task || msg.id !== slot.jobId) return; // stale message from an aborted job
    const task = slot.task;
    switch (msg.type) {
      case 'progress':
        task.opts.onProgress?.(msg.progress);
        return;
      case 'needs-source':
        // The worker lost or never got the image (e.g. it was restarted): send it again.
        this.start(slot, task, true);
        return;
      case 'result':
        this.finish(task, slot, null, msg);
        this.pump();
        return;
      case 'error':
        this.finish(task, slot, new CodecError(msg.error.kind, msg.error.message, msg.error.codecId));
        this.pump();
        return;
    }
  }

  private onCrash(slot: Slot, w: Worker, message: string) {
    if (slot.worker !== w) return;
    const task = slot.task;
    this.kill(slot);
    if (task) {
      const codecId = 'codecId' in task.body ? task.body.codecId : undefined;
      this.finish(task, slot, new CodecError('worker-crashed', message, codecId));
    }
    this.pump();
  }
}
