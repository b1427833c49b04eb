// The learned codecs' CodecImplementation (runs in a codec worker): loads the model package and a backend,
// encodes with pipeline.ts, decodes the file again for `decoded`, and maps every failure to a CodecError.
import { isOutOfMemory, messageOf } from '../../errors';
import { CodecError, type CodecImplementation, type EncodeContext, type EncodeOutput, type RgbaImage } from '../types';
import { BackendError } from './backend';
import { refineSteps, type LearnedOptions } from './codec';
import { markGpuLost, resolveBackend, type BackendChoice, type ResolvedBackend } from './choose';
import { backendFor, dropGpu, loadPackage, refineEngineFor } from './loader';
import type { ModelPackage } from './package';
import { latentsNote } from './bits';
import { decodeFile, encodeImage, type EncodeOptions, type EncodeResult } from './pipeline';
import { totalSteps, type RefineStepInfo } from './refine/refine';

/** Where a refining encode's progress bar goes: loading and the transforms before the refinement up to REFINE_FROM,
 * the steps up to REFINE_TO (they are nearly all of the time), coding and the decode after. */
const REFINE_FROM = 0.05;
const REFINE_TO = 0.95;

/** A refinement step for the side's progress: "refining 12/50 · loss 0.7342 · ~0.412 bpp" (the relaxed loss and
 * the model's estimate of the bits per pixel at this step); a large image's tiles: "refining 12/50 · tile 2/9 · …"
 * (`step` counts on over the tiles, the loss and bpp are the tile's window's). */
export function refineStageText(step: number, steps: number, info: RefineStepInfo): string {
  const tile = info.tile ? ` · tile ${info.tile[0]}/${info.tile[1]}` : '';
  return `refining ${(step % steps) + 1}/${steps}${tile} · loss ${info.loss.toFixed(4)} · ~${info.bpp.toFixed(3)} bpp`;
}

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

/** The side's note on a refined encode: the steps, the engine, the time per step, and the model's estimate of the
 * loss before and after (and which latents were kept). */
export function refineNote(steps: number, r: NonNullable<EncodeResult['refine']>, engine: string): string {
  const tiles = r.tilesKept ? ` (in ${r.tilesKept[1]} tiles, ${r.tilesKept[0]} kept)` : '';
  const kept = r.kept === 'refined' ? `refined latents kept${tiles}` : 'the refinement ended worse by its own estimate: the encoder\'s latents kept';
  return `Effort: ${steps} refinement steps on ${engine}, ${(r.msPerStep / 1000).toFixed(2)} s per step; estimated loss ${r.initialLoss.toFixed(4)} → ${r.refinedLoss.toFixed(4)} (${kept}).`;
}

export function implementationFor(id: string): CodecImplementation<LearnedOptions> {
  return {
    async encode(image: RgbaImage, options: LearnedOptions, ctx: EncodeContext): Promise<EncodeOutput> {
      ctx.onProgress({ stage: 'loading model', done: 0 });
      const { pkg, resolved, backend } = await setup(id, options.backend);
      const steps = refineSteps(options);
      // Refining encodes: the pipeline's own events before the refinement stage move the bar to REFINE_FROM, the
      // steps report themselves (onStep; the pipeline's events between are z's hyper-analysis, ignored), then coding.
      let phase: 'before' | 'refining' | 'after' = 'before';
      let stepsDone = 0;
      let stepsAll = steps; // × the tiles of a large image
      let refine: EncodeOptions['refine'];
      if (steps > 0) {
        // The engine beside the side's backend: WGSL on wgsl, onnxruntime on the onnxruntime ones.
        let engine;
        try {
          engine = await refineEngineFor(pkg, backend);
        } catch (e) {
          throw new CodecError('unavailable', `${id}: the refinement engine could not be loaded on ${resolved.kind} (${messageOf(e)}).`, id);
        }
        let r0 = 0;
        refine = {
          steps,
          engine,
          onStep: (i, info) => {
            const now = performance.now();
            if (i === 0) r0 = now;
            stepsDone = i + 1;
            const total = (stepsAll = totalSteps(steps, info)); // a large image is refined tile by tile
            // The first step includes the engine's warm-up (sessions, pipelines): the rate comes from the later ones.
            const perStep = i > 0 ? (now - r0) / i : undefined;
            ctx.onProgress({
              stage: refineStageText(i, steps, info),
              done: REFINE_FROM + (REFINE_TO - REFINE_FROM) * ((i + 1) / total),
              ...(perStep !== undefined ? { leftMs: perStep * (total - 1 - i) } : {}),
            });
          },
        };
      }
      // Without refinement the encode is 65 % of the bar and the decode the rest; with it the steps take nearly all.
      const decFrom = steps > 0 ? REFINE_TO : 0.65;
      const t0 = performance.now();
      let enc;
      try {
        enc = await encodeImage(pkg, backend, image, options.rate, {
          signal: ctx.signal,
          refine,
          onProgress: (p) => {
            if (steps === 0) return ctx.onProgress({ stage: p.stage, done: 0.05 + 0.6 * p.done });
            if (p.stage === 'refinement') phase = 'refining';
            else if (phase === 'refining' && stepsDone === stepsAll) phase = 'after';
            if (phase === 'refining') return;
            ctx.onProgress({ stage: p.stage, done: phase === 'after' ? REFINE_TO : 0.02 + (REFINE_FROM - 0.02) * p.done });
          },
        });
      } catch (e) {
        throw codecError(e, id, 'encode-failed', resolved);
      }
      const t1 = performance.now();
      let dec;
      try {
        dec = await decodeFile(pkg, backend, enc.bytes, {
          signal: ctx.signal,
          onProgress: (p) =>
            ctx.onProgress({ stage: p.stage === 'synthesis transform' ? 'decoding: synthesis' : `decoding: ${p.stage}`, done: decFrom + (1 - decFrom) * p.done }),
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
      if (enc.refine) notes.push(refineNote(steps, enc.refine, refine!.engine.label));
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
