// Opening an image (file, paste, sample, .rdlb) and the Resize step: each makes a new image the one every side,
// sweep and metric works on, cancelling what ran on the previous one.
import { messageOf } from '../../../errors';
import { ImageInputError } from '../../input/errors';
import { loadImageFile } from '../../input/loadImage';
import { sampleUrl, SAMPLES, type Sample } from '../../input/samples';
import { initialResize, useLab, type Source } from '../lab';
import { checkTarget, describeResize, ResizeSettingError, targetSize, type ResizeSetting } from '../resize';
import { clearEncodes, utilPool } from './encode';
import { cancelEqualBpp } from './equalBpp';
import { scheduleSide } from './sides';
import { cancelSweep, startSweep } from './sweep';
import { toast } from './toasts';

const set = useLab.setState;
const get = useLab.getState;

let sourceCounter = 0;
let openCounter = 0;
let resizeTicket = 0;
const initialSampleId = typeof location !== 'undefined' ? new URLSearchParams(location.search).get('sample') : null;
/** The URL's resize applies once, to the sample the URL opens at page load; any other image opens unresized. */
let pendingUrlResize: ResizeSetting | null = initialResize;

const decodeInWorker = (codecId: string, bytes: Uint8Array) => utilPool().decodeFile(codecId, bytes);

/** Makes `src` the image everything works on: cancels what ran on the previous one, re-encodes the sides,
 * sweeps again (unless `sweep` is false). */
function useSourceImage(src: Source, sweep = true) {
  cancelSweep();
  cancelEqualBpp();
  clearEncodes();
  set((s) => ({
    source: src,
    curves: {},
    sides: {
      left: { ...s.sides.left, result: null, status: 'idle', error: null },
      right: { ...s.sides.right, result: null, status: 'idle', error: null },
    },
    equal: { running: false, target: null, results: [], done: 0, total: 0 },
    sweep: { ...s.sweep, running: false, done: 0, total: 0, failed: 0, cached: 0, loading: [], elapsedMs: null },
  }));
  scheduleSide('left', 0);
  scheduleSide('right', 0);
  if (sweep) startSweep();
}

export async function openFile(file: Blob, name: string, sampleId: string | null = null): Promise<void> {
  const ticket = ++openCounter;
  set({ loading: name });
  try {
    const loaded = await loadImageFile(file, name, decodeInWorker);
    if (ticket !== openCounter) return;
    const src: Source = { key: `src-${++sourceCounter}`, ...loaded, sampleId, resizedFrom: null };
    const resize = sampleId && sampleId === initialSampleId ? pendingUrlResize : null;
    pendingUrlResize = null;
    resizeTicket++;
    set((s) => ({ original: src, resize: null, resizing: false, loading: null, toasts: s.toasts.filter((t) => t.tone !== 'error') }));
    for (const n of loaded.notes) toast('info', 'Note', n);
    // A file decoded from one of our codecs' own files (.rdlb) is already a lossy decode: not swept automatically
    // (one click does).
    const sweep = !loaded.decodedFrom;
    if (resize) await setResize(resize, sweep);
    else useSourceImage(src, sweep);
  } catch (e) {
    if (ticket !== openCounter) return;
    set({ loading: null });
    const title = e instanceof ImageInputError ? (e.kind === 'too-large' ? 'Image too large' : e.kind === 'too-small' ? 'Image too small' : 'Cannot open this file') : 'Cannot open this file';
    toast('error', title, messageOf(e));
  }
}

/**
 * The Resize step: resizes the opened image (Lanczos-3, in a worker) and makes the result the image both sides,
 * the sweep, the metrics and the downloads work on; null (or the opened size) goes back to the opened image.
 * A size RD Lab could not open is refused with a message, and nothing changes.
 */
export async function setResize(setting: ResizeSetting | null, sweep = true): Promise<void> {
  const orig = get().original;
  if (!orig) return;
  const ticket = ++resizeTicket;
  const { width: ow, height: oh } = orig.image;
  const t = setting ? targetSize(setting, ow, oh) : { width: ow, height: oh };
  if (t.width === ow && t.height === oh) {
    set({ resize: null, resizing: false });
    if (get().source !== orig) useSourceImage(orig, sweep);
    return;
  }
  try {
    checkTarget(t.width, t.height);
  } catch (e) {
    if (e instanceof ResizeSettingError) return toast('error', 'Cannot resize', e.message);
    throw e;
  }
  set({ resizing: true });
  try {
    const image = await utilPool().resize(orig.image, t.width, t.height);
    if (ticket !== resizeTicket) return;
    const src: Source = { ...orig, key: `${orig.key}@${t.width}x${t.height}`, image, resizedFrom: { width: ow, height: oh } };
    set({ resize: setting, resizing: false });
    useSourceImage(src, sweep);
  } catch (e) {
    if (ticket !== resizeTicket) return;
    set({ resizing: false });
    toast('error', 'Cannot resize', `${describeResize(setting!)}: ${messageOf(e)}`);
  }
}

export async function openSample(sample: Sample): Promise<void> {
  set({ loading: sample.title });
  try {
    const res = await fetch(sampleUrl(sample));
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    await openFile(await res.blob(), sample.file, sample.id);
  } catch (e) {
    set({ loading: null });
    toast('error', 'Cannot open the sample', `${sample.title}: ${messageOf(e)}`);
  }
}

export function openSampleById(id: string): void {
  const s = SAMPLES.find((x) => x.id === id);
  if (s) void openSample(s);
}
