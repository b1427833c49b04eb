/** Why an input could not be opened; each kind has a message a visitor can act on. */
export type ImageInputErrorKind = 'not-an-image' | 'unsupported-format' | 'corrupt' | 'too-large' | 'too-small' | 'empty' | 'read-failed';

export class ImageInputError extends Error {
  readonly kind: ImageInputErrorKind;
  constructor(kind: ImageInputErrorKind, message: string) {
    super(message);
    this.name = 'ImageInputError';
    this.kind = kind;
  }
}

/** Largest image RD Lab opens: 4096×4096 = 16.8 megapixels. Every codec worker holds its own 4-byte-per-pixel copy
 *  (64 MiB at the limit) plus the wasm encoder's working memory, and MS-SSIM needs float planes. */
export const MAX_PIXELS = 4096 * 4096;
/** Longest side RD Lab opens: the RDLB container's limit (src/codecs/container/format.ts MAX_IMAGE_SIDE). */
export const MAX_SIDE = 16384;
/** Smallest side RD Lab opens: MS-SSIM's 11×11 window must fit (src/metrics/msssim.ts; smaller images use fewer scales). */
export const MIN_SIDE = 11;
/** Largest file RD Lab reads. */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;

export function megapixels(px: number): string {
  return `${(px / 1e6).toFixed(1)} MP`;
}
