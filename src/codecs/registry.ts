// Every codec the app offers, in display order. Adding a codec = adding its folder + one line here.
import type { Codec } from './types';
import { jpeg } from './jpeg';
import { webp } from './webp';
import { avif } from './avif';
import { jxl } from './jxl';
import { factorized } from './factorized';
import { hyperprior } from './hyperprior';
import { meanScale } from './mean-scale';

export const CODECS: readonly Codec[] = [jpeg, webp, avif, jxl, factorized, hyperprior, meanScale];

export function findCodec(id: string): Codec | undefined {
  return CODECS.find((c) => c.id === id);
}
