import { RdLabError } from '../errors';

/** Why a metric could not be computed. */
export type MetricErrorKind = 'size-mismatch' | 'empty-image' | 'bad-buffer' | 'too-small';

/** Typed error for metric inputs a caller can act on (never a crash deep inside a loop). */
export class MetricError extends RdLabError<MetricErrorKind> {
  constructor(kind: MetricErrorKind, message: string) {
    super(kind, message);
    this.name = 'MetricError';
  }
}

/** The pixel layout every metric takes: 8-bit RGBA, row-major, 4 bytes per pixel (an ImageData fits). */
export interface RgbaPixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray | Uint8Array;
}

/** Checks that two images can be compared pixel by pixel; throws MetricError otherwise. */
export function checkPair(a: RgbaPixels, b: RgbaPixels): void {
  for (const [name, im] of [['reference', a], ['distorted', b]] as const) {
    if (!Number.isInteger(im.width) || !Number.isInteger(im.height) || im.width <= 0 || im.height <= 0) {
      throw new MetricError('empty-image', `The ${name} image has no pixels (${im.width}×${im.height}).`);
    }
    if (im.data.length !== im.width * im.height * 4) {
      throw new MetricError(
        'bad-buffer',
        `The ${name} image buffer holds ${im.data.length} bytes; ${im.width}×${im.height} RGBA needs ${im.width * im.height * 4}.`,
      );
    }
  }
  if (a.width !== b.width || a.height !== b.height) {
    throw new MetricError('size-mismatch', `Cannot compare a ${a.width}×${a.height} image with a ${b.width}×${b.height} one.`);
  }
}
