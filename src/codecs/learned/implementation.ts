// The learned codecs' CodecImplementation (runs in a codec worker): loads the model package and a backend,
// encodes with pipeline.ts, decodes the file again for `decoded`, and maps every failure to a CodecError.
import { isOutOfMemory, messageOf } from '../../errors';
import { CodecError, type CodecImplementation, type EncodeContext, type EncodeOutput, type RgbaImage } from '../types';
import { BackendError } from './backend';
import type { LearnedOptions } from './codec';
import { markGpuLost, resolveBackend, type BackendChoice, type ResolvedBackend } from './choose';
import { backendFor, dropGpu, loadPackage } from './loader';
import type { ModelPackage } from './package';
import { latentsNote } from './bits';
import { decodeFile, encodeImage } from './pipeline';

function codecError(e: unknown, id: string, during: 'encode-failed' | 'decode-failed', backend?: ResolvedBackend): CodecError {
  if (e instanceof CodecError) return e;
  const msg = messageOf(e);
  if (e instanceof BackendError) {
    if (e.kind === 'device-lost') {
      markGpuLost(msg);
      dropGpu();
      return new CodecError(during, `${id}: the GPU device was lost (${msg}). Auto now uses onnxruntime (wasm); try again.`, id);
    }
    if (e.kind === 'out-of-memory') return new CodecError('out-of-memory', `${id} ran out of memory on ${e.backend} (${msg}).`, id);
    if (e.kind === 'unavailable') return new CodecError('unavailable', `${id}: backend ${e.backend} is not available here (${msg}).`, id);
  }
  if (isOutOfMemory(e)) return new CodecError('out-of-memory', `${id} ran out of memory (${msg}).`, id);
  return new CodecError(during, `${id} failed${backend ? ` on ${backend.kind}` : ''} (${msg}).`, id);
}

async function setup(id: string, choice: BackendChoice) {
  let pkg: ModelPackage;
  try {
    pkg = await loadPackage(id);
  } catch (e) {
    throw new CodecError('load-failed', `${id}: the model could not be loaded (${messageOf(e)}).`, id);
  }
  const resolved = await resolveBackend(choice);
  try {
    const backend = await backendFor(pkg, resolved.kind);
    await backend.prepare();
    return { pkg, resolved, backend };
  } catch (e) {
    if (e instanceof BackendError && e.kind === 'device-lost') throw codecError(e, id, 'encode-failed', resolved);
    const msg = messageOf(e);
    throw new CodecError('unavailable', `${id}: backend ${resolved.kind} is not available here (${msg}).`, id);
  }
}


export function implementationFor(id: string): CodecImplementation<LearnedOptions> {
  return {
    async encode(image: RgbaImage, options: LearnedOptions, ctx: EncodeContext): Promise<EncodeOutput> {
      ctx.onProgress({ stage: 'loading model', done: 0 });
      const { pkg, resolved, backend } = await setup(id, options.backend);
      const t0 = performance.now();
      let enc;
      try {
        enc = await encodeImage(pkg, backend, image, options.rate, {
          signal: ctx.signal,
          onProgress: (p) => ctx.onProgress({ stage: p.stage, done: 0.05 + 0.6 * p.done }),
        });
      } catch (e) {
        throw codecError(e, id, 'encode-failed', resolved);
      }
      const t1 = performance.now();
      let dec;
      try {
        dec = await decodeFile(pkg, backend, enc.bytes, {
          signal: ctx.signal,
          onProgress: (p) => ctx.onProgress({ stage: p.stage === 'synthesis transform' ? 'decoding: synthesis' : `decoding: ${p.stage}`, done: 0.65 + 0.35 * p.done }),
        });
      } catch (e) {
        throw codecError(e, id, 'decode-failed', resolved);
      }
      const t2 = performance.now();
      ctx.onProgress({ stage: 'done', done: 1 });
      const stages: Record<string, number> = {};
      for (const [k, v] of Object.entries(enc.stageMs)) stages[`encode: ${k}`] = v;
      for (const [k, v] of Object.entries(dec.stageMs)) stages[`decode: ${k}`] = v;
      const notes = [`Backend: ${backend.label} — ${resolved.reason}.`, latentsNote(enc.latents, enc.bytes.length)];
      return {
        bytes: enc.bytes,
        decoded: dec.image,
        timings: { encodeMs: t1 - t0, decodeMs: t2 - t1, stages },
        extras: { bitMap: enc.bitMap, latents: enc.latents, notes },
      };
    },

    async decode(bytes: Uint8Array): Promise<RgbaImage> {
      const { pkg, resolved, backend } = await setup(id, 'auto');
      try {
        return (await decodeFile(pkg, backend, bytes)).image;
      } catch (e) {
        throw codecError(e, id, 'decode-failed', resolved);
      }
    },
  };
}
