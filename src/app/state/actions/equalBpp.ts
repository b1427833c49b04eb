// Equal bpp: every selected codec bisects its quality axis for the largest bpp ≤ the target (≈ 7–8 encodes each,
// cached); the first two results go to the compare sides.
import { findCodec } from '../../../codecs/registry';
import { qualitySpec } from '../../../codecs/options';
import type { Codec } from '../../../codecs/types';
import { messageOf } from '../../../errors';
import { bisectForRate } from '../bisect';
import { useLab, type EqualBppResult } from '../lab';
import { encodeJob, isAbort, sweepPool } from './encode';
import { setSide } from './sides';
import { ensureCurve } from './sweep';
import { toast } from './toasts';

const set = useLab.setState;
const get = useLab.getState;

let equalCtl: AbortController | null = null;

export function cancelEqualBpp(): void {
  equalCtl?.abort();
  equalCtl = null;
  set((s) => ({ equal: { ...s.equal, running: false } }));
}

/** Every selected codec finds, by bisection, its setting with the largest bpp ≤ target; the sides show two of them. */
export async function runEqualBpp(): Promise<void> {
  const { source: src, selected, targetBpp } = get();
  cancelEqualBpp();
  if (!src) return;
  const codecs = selected.map(findCodec).filter((c): c is Codec => !!c);
  if (codecs.length === 0) return;
  const ctl = new AbortController();
  equalCtl = ctl;
  set({ equal: { running: true, target: targetBpp, results: [], done: 0, total: codecs.length } });
  try {
    const results = await Promise.all(
      codecs.map(async (codec): Promise<EqualBppResult> => {
        const base = ensureCurve(codec).base;
        const spec = qualitySpec(codec);
        const r = await bisectForRate(
          spec,
          codec.quality.higherIsMoreBits,
          targetBpp,
          async (v) => (await encodeJob(sweepPool, src, codec, { ...base, [codec.quality.key]: v }, { signal: ctl.signal })).bpp,
          ctl.signal,
        );
        const options = { ...base, [codec.quality.key]: r.value };
        const e = await encodeJob(sweepPool, src, codec, options, { signal: ctl.signal });
        set((s) => ({ equal: { ...s.equal, done: s.equal.done + 1 } }));
        return { codecId: codec.id, options, bpp: e.bpp, psnr: e.metrics.psnr, msssim: e.metrics.msssim, reached: r.reached, probes: r.probes.length };
      }),
    );
    if (ctl.signal.aborted) return;
    equalCtl = null;
    set((s) => ({ equal: { ...s.equal, running: false, results } }));
    const [a, b] = results;
    if (b) {
      setSide('left', { kind: 'codec', codecId: a.codecId, options: a.options }, true);
      setSide('right', { kind: 'codec', codecId: b.codecId, options: b.options }, true);
    } else if (a) {
      setSide('right', { kind: 'codec', codecId: a.codecId, options: a.options }, true);
    }
  } catch (e) {
    if (ctl.signal.aborted || isAbort(e)) return;
    equalCtl = null;
    set((s) => ({ equal: { ...s.equal, running: false } }));
    toast('error', 'Equal-bpp search failed', messageOf(e));
  }
}
