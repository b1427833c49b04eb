// Every codec the app offers, in display order. Adding a codec = adding its folder + one line here.
import type { Codec } from './types';
import { jpeg } from './jpeg';
import { webp } from './webp';
import { avif } from './avif';
import { jxl } from './jxl';
import { factorized } from './factorized';
import { hyperprior } from './hyperprior';
import { meanScale } from './mean-scale';
import { checkerboard } from './checkerboard';

/** The codec packages under public/models when the app was built (vite.config.ts `define`); absent in Node. */
declare const __RDLAB_SHIPPED_MODELS__: readonly string[] | undefined;

/**
 * Whether the model package public/models/<id>/ exists: the build's list in the app, the folder itself in Node
 * (the CLI and the unit tests; process.getBuiltinModule keeps node:fs out of the browser bundle).
 */
export function modelShipped(id: string): boolean {
  if (typeof __RDLAB_SHIPPED_MODELS__ !== 'undefined') return __RDLAB_SHIPPED_MODELS__.includes(id);
  const proc = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.('node:fs') as { existsSync(p: URL): boolean } | undefined;
  return !!fs && fs.existsSync(new URL(`../../public/models/${id}/manifest.json`, import.meta.url));
}

/** Every learned codec, whether or not its model is shipped (the CLI evaluates a candidate with --models DIR). */
export const LEARNED_CODECS: readonly Codec[] = [factorized, hyperprior, meanScale, checkerboard];

/** A learned codec whose model is not trained yet is not offered (checkerboard: issue 17, until its package ships). */
const offered = (c: Codec) => c !== checkerboard || modelShipped(c.id);

export const CODECS: readonly Codec[] = [jpeg, webp, avif, jxl, ...LEARNED_CODECS.filter(offered)];

export function findCodec(id: string): Codec | undefined {
  return CODECS.find((c) => c.id === id);
}
