// The two compare sides: a change re-encodes after a short debounce (at once from the cache), a newer change
// aborts the older encode; the bits overlay, and loading an RD point into a side.
import { findCodec } from '../../../codecs/registry';
import { messageOf } from '../../../errors';
import { SIDE_DEBOUNCE_MS } from '../../limits';
import { useLab, type Side, type SideState } from '../lab';
import type { SideSetting } from '../url';
import { cachedEncode, encodeJob, isAbort, sidePools } from './encode';
import { toast } from './toasts';

const set = useLab.setState;
const get = useLab.getState;

const sideCtl: Record<Side, AbortController | null> = { left: null, right: null };
const sideTimer: Record<Side, ReturnType<typeof setTimeout> | undefined> = { left: undefined, right: undefined };

function patchSide(side: Side, patch: Partial<SideState>) {
  set((s) => ({ sides: { ...s.sides, [side]: { ...s.sides[side], ...patch } } }));
}

/** (Re-)encodes a side for its current setting: cached → at once; otherwise after a short debounce. */
export function scheduleSide(side: Side, delayMs = SIDE_DEBOUNCE_MS): void {
  clearTimeout(sideTimer[side]);
  sideCtl[side]?.abort();
  sideCtl[side] = null;
  const { source: src, sides } = get();
  const setting = sides[side].setting;
  if (!src) return;
  if (setting.kind === 'original') {
    patchSide(side, { status: 'done', result: null, error: null, progress: null });
    return;
  }
  const codec = findCodec(setting.codecId);
  if (!codec) return;
  const hit = cachedEncode(src, codec.id, setting.options);
  if (hit) {
    patchSide(side, { status: 'done', result: hit, error: null, progress: null });
    return;
  }
  patchSide(side, { status: 'working', error: null, progress: { stage: 'queued', done: 0 } });
  sideTimer[side] = setTimeout(() => {
    const ctl = new AbortController();
    sideCtl[side] = ctl;
    patchSide(side, { startedAt: performance.now() });
    encodeJob(sidePools[side], src, codec, setting.options, {
      signal: ctl.signal,
      onProgress: (p) => !ctl.signal.aborted && patchSide(side, { progress: p }),
    }).then(
      (r) => {
        if (ctl.signal.aborted) return;
        patchSide(side, { status: 'done', result: r, progress: null });
      },
      (e) => {
        if (ctl.signal.aborted || isAbort(e)) return;
        const msg = messageOf(e);
        patchSide(side, { status: 'error', error: msg, progress: null });
        toast('error', `${codec.name} failed`, msg);
      },
    );
  }, delayMs);
}

export function setSide(side: Side, setting: SideSetting, immediate = false): void {
  patchSide(side, { setting });
  scheduleSide(side, immediate ? 0 : SIDE_DEBOUNCE_MS);
}

/** Stops a side's running or queued encode (its worker is terminated). The side goes back to the setting of the
 * result it still shows, if any (so the settings, the URL and the numbers agree again); else it says "Cancelled". */
export function cancelSide(side: Side): void {
  const st = get().sides[side];
  if (st.status !== 'working') return;
  clearTimeout(sideTimer[side]);
  sideCtl[side]?.abort();
  sideCtl[side] = null;
  const r = st.result;
  if (r) patchSide(side, { setting: { kind: 'codec', codecId: r.codecId, options: r.options }, status: 'done', progress: null, error: null });
  else patchSide(side, { status: 'cancelled', progress: null, error: null });
}

/** Shows or hides the bit-allocation map over a side (only drawn while that side has one). */
export function toggleBitsOverlay(side: Side): void {
  set((s) => ({ bitsOverlay: { ...s.bitsOverlay, [side]: !s.bitsOverlay[side] } }));
}

/** Loads the encode behind an RD point into a compare side (`curve`: the curve's id, the codec's id for its
 * default curve). */
export function showPoint(curve: string, quality: number, side: Side = get().clickTarget): void {
  const c = get().curves[curve];
  const codec = c && findCodec(c.codecId);
  if (!codec) return;
  setSide(side, { kind: 'codec', codecId: codec.id, options: { ...c.base, [codec.quality.key]: quality } }, true);
}
