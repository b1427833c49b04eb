// The Resize step (like Squoosh's): the opened image is resized with a Lanczos-3 filter (src/image/resize.ts, in a
// worker) before any codec sees it, for both sides, the RD sweep, the metrics and the downloads alike. A setting
// is a percentage of the opened image or an explicit width × height; the URL carries it as "50%" or "800x533".
import { RdLabError } from '../../errors';
import { MAX_PIXELS, MAX_SIDE, MIN_SIDE, megapixels } from '../limits';

export type ResizeSetting = { percent: number } | { width: number; height: number };

/** Percentages offered as presets (the form also takes any other percentage or size). */
export const RESIZE_PRESETS: readonly number[] = [25, 100 / 3, 50, 75, 100, 200];

/** A Resize setting RD Lab cannot apply (a size it could not open). */
export class ResizeSettingError extends RdLabError<'invalid-size'> {
  constructor(message: string) {
    super('invalid-size', message);
    this.name = 'ResizeSettingError';
  }
}

/** The size a setting gives for an image of w × h (percentages round to the nearest pixel, at least 1). */
export function targetSize(s: ResizeSetting, w: number, h: number): { width: number; height: number } {
  if ('percent' in s) return { width: Math.max(1, Math.round((w * s.percent) / 100)), height: Math.max(1, Math.round((h * s.percent) / 100)) };
  return { width: s.width, height: s.height };
}

/** The other side when the aspect ratio is kept: `side` px along `axis` of an image of w × h. */
export function keepAspect(axis: 'width' | 'height', side: number, w: number, h: number): number {
  return Math.max(1, Math.round(axis === 'width' ? (side * h) / w : (side * w) / h));
}

/** Throws a ResizeSettingError unless the result is an image RD Lab can work on (the same limits as opening). */
export function checkTarget(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height)) throw new ResizeSettingError(`Width and height must be whole numbers of pixels (got ${width}×${height}).`);
  if (width < MIN_SIDE || height < MIN_SIDE) throw new ResizeSettingError(`${width}×${height} is too small: at least ${MIN_SIDE}×${MIN_SIDE} pixels (MS-SSIM's window).`);
  if (width > MAX_SIDE || height > MAX_SIDE) throw new ResizeSettingError(`${width}×${height} is too large: at most ${MAX_SIDE} pixels a side.`);
  if (width * height > MAX_PIXELS) throw new ResizeSettingError(`${width}×${height} is ${megapixels(width * height)}: at most ${megapixels(MAX_PIXELS)}.`);
}

export function encodeResize(s: ResizeSetting | null): string | null {
  if (!s) return null;
  return 'percent' in s ? `${Number(s.percent.toFixed(2))}%` : `${s.width}x${s.height}`;
}

/** Lenient, like the rest of the URL: anything malformed is no resize. */
export function decodeResize(text: string | null): ResizeSetting | null {
  if (!text) return null;
  let m = /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (m) {
    const p = Number(m[1]);
    return p > 0 && p <= 1000 ? { percent: p } : null;
  }
  m = /^(\d{1,5})x(\d{1,5})$/.exec(text);
  if (m) {
    const [width, height] = [Number(m[1]), Number(m[2])];
    return width >= 1 && height >= 1 ? { width, height } : null;
  }
  return null;
}

/** "50 %" or "800×533", for labels. */
export function describeResize(s: ResizeSetting): string {
  return 'percent' in s ? `${Number(s.percent.toFixed(1))} %` : `${s.width}×${s.height}`;
}
