// Every limit the playground enforces or budgets by, in one place (the codecs' own limits live with them:
// the RDLB container's MAX_IMAGE_SIDE, the model packages' MAX_PACKAGE_BYTES).
import { MAX_IMAGE_SIDE } from '../codecs/container';

// ─── images RD Lab opens (src/app/input/loadImage.ts, the Resize step in state/resize.ts) ───

/** Largest image: 4096×4096 = 16.8 megapixels. Every codec worker holds its own 4-byte-per-pixel copy (64 MiB
 *  at the limit) plus the wasm encoder's working memory, and MS-SSIM needs float planes. */
export const MAX_PIXELS = 4096 * 4096;
/** Longest side: the RDLB container's limit (src/codecs/container/format.ts), so every learned codec can write it. */
export const MAX_SIDE = MAX_IMAGE_SIDE;
/** Smallest side: MS-SSIM's 11×11 window must fit (src/metrics/msssim.ts; smaller images use fewer scales). */
export const MIN_SIDE = 11;
/** Largest file read. */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;

// ─── imported RD curves (state/rdData.ts) ───

/** Largest CompressAI-format JSON file imported. */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
/** Most values per curve field. */
export const MAX_IMPORT_POINTS = 10_000;

// ─── work (state/actions) ───

/** Finished encodes kept for sides, sweeps and equal-bpp searches (decoded pixels dominate: ~45 encodes of a 2 MP image). */
export const CACHE_BYTES = 384 * 2 ** 20;
/** RD sweep workers: one per core, at most 4 (each holds a copy of the image and a wasm heap). */
export const SWEEP_WORKERS = Math.max(1, Math.min(4, typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2));
/** A compare side re-encodes this long after its last setting change. */
export const SIDE_DEBOUNCE_MS = 150;

/** "16.8 MP". */
export function megapixels(px: number): string {
  return `${(px / 1e6).toFixed(1)} MP`;
}
