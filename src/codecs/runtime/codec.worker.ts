// A codec worker: holds one source image, runs encode → decode → metrics jobs one at a time, reports progress.
// Cancellation is done by the page terminating the worker (the only way to stop a running wasm call).
/// <reference lib="webworker" />
import { messageOf } from '../../errors';
import { findCodec } from '../registry';
import { CodecError, type CodecImplementation, type RgbaImage } from '../types';
import { resolveOptions } from '../options';
import { asCodecError } from '../wasm';
import { resizeLanczos3, ResizeError } from '../../image/resize';
import { measure } from './measure';
import type { EncodeJobResult, SourceRef, WorkerRequest, WorkerResponse } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

let source: { key: string; image: RgbaImage } | null = null;
const loaded = new Map<string, Promise<CodecImplementation>>();

/** A copy when the view does not own its whole buffer (wasm heap, shared memory), so it can be transferred. */
function standalone<T extends Uint8Array | Uint8ClampedArray>(a: T): T {
  const whole = a.byteOffset === 0 && a.buffer.byteLength === a.byteLength && a.buffer instanceof ArrayBuffer;
  return whole ? a : (a.slice() as T);
}

function post(msg: WorkerResponse, transfer: Transferable[] = []) {
  self.postMessage(msg, transfer);
}

function useSource(ref: SourceRef): RgbaImage | null {
  if (ref.image) source = { key: ref.key, image: ref.image };
  return source && source.key === ref.key ? source.image : null;
}

function load(codecId: string): Promise<CodecImplementation> {
  const codec = findCodec(codecId);
  if (!codec) return Promise.reject(new CodecError('unknown-codec', `No codec "${codecId}".`, codecId));
  let p = loaded.get(codecId);
  if (!p) {
    p = codec.load().catch((e: unknown) => {
      loaded.delete(codecId);
      const ce = asCodecError(e, 'load-failed', codec);
      // A failing self-test at load time is a load failure, whatever stage it failed in.
      throw ce.kind === 'out-of-memory' ? ce : new CodecError('load-failed', `${codec.name} could not be loaded (${messageOf(e)}).`, codec.id);
    });
    loaded.set(codecId, p);
  }
  return p;
}

async function handle(req: WorkerRequest): Promise<void> {
  const progress = (stage: string, done: number, leftMs?: number) =>
    post({ id: req.id, type: 'progress', progress: leftMs === undefined ? { stage, done } : { stage, done, leftMs } });
  switch (req.type) {
    case 'encode': {
      const image = useSource(req.source);
      if (!image) return post({ id: req.id, type: 'needs-source' });
      const codec = findCodec(req.codecId);
      if (!codec) throw new CodecError('unknown-codec', `No codec "${req.codecId}".`, req.codecId);
      const options = resolveOptions(codec, req.options);
      progress('loading codec', 0);
      const impl = await load(codec.id);
      const controller = new AbortController();
      const out = await impl.encode(image, options, {
        signal: controller.signal,
        onProgress: (p) => progress(p.stage, Math.min(1, Math.max(0, p.done)) * 0.8, p.leftMs),
      });
      progress('measuring quality', 0.8);
      const metrics = measure(image, out.decoded);
      const bytes = standalone(out.bytes);
      const decoded = { width: out.decoded.width, height: out.decoded.height, data: standalone(out.decoded.data) };
      const result: EncodeJobResult = { bytes, decoded, timings: out.timings, metrics, extras: out.extras };
      return post({ id: req.id, type: 'result', job: 'encode', result }, [bytes.buffer as ArrayBuffer, decoded.data.buffer as ArrayBuffer]);
    }
    case 'metrics': {
      const image = useSource(req.source);
      if (!image) return post({ id: req.id, type: 'needs-source' });
      progress('measuring quality', 0);
      return post({ id: req.id, type: 'result', job: 'metrics', result: measure(image, req.decoded) });
    }
    case 'decode-file': {
      const impl = await load(req.codecId);
      if (!impl.decode) throw new CodecError('unavailable', `${req.codecId} cannot decode files.`, req.codecId);
      let im: RgbaImage;
      try {
        im = await impl.decode(req.bytes);
      } catch (e) {
        throw asCodecError(e, 'decode-failed', req.codecId);
      }
      const data = new Uint8ClampedArray(im.data);
      return post({ id: req.id, type: 'result', job: 'decode-file', result: { width: im.width, height: im.height, data } }, [data.buffer]);
    }
    case 'resize': {
      progress('resizing', 0);
      const im = resizeLanczos3(req.image, req.width, req.height);
      return post({ id: req.id, type: 'result', job: 'resize', result: im }, [im.data.buffer as ArrayBuffer]);
    }
  }
}

self.onmessage = (e: MessageEvent<WorkerRequest>) => {
  const req = e.data;
  handle(req).catch((err: unknown) => {
    const ce =
      err instanceof CodecError
        ? err
        : err instanceof ResizeError
          ? new CodecError('invalid-options', err.message)
          : asCodecError(err, req.type === 'decode-file' ? 'decode-failed' : 'encode-failed', 'codecId' in req ? req.codecId : req.type);
    post({ id: req.id, type: 'error', error: { kind: ce.kind, message: ce.message, codecId: ce.codecId } });
  });
};
