// What the four classical codecs' metadata (jpeg/, webp/, avif/, jxl/ index.ts) shares: the 0–100 quality
// option and the RD sweep over it, and the credit to the jSquash wasm builds. Cheap to import (data only).
import type { Credit, NumberOptionSpec, QualityAxis } from './types';

/** The libraries' 0–100 quality option (higher = more bits); `dflt` is each library's own default. */
export function qualityOption(dflt: number, help?: string): NumberOptionSpec {
  return { kind: 'number', key: 'quality', label: 'Quality', min: 0, max: 100, step: 1, default: dflt, ...(help ? { help } : {}) };
}

/** Ten settings from q10 to q95: the same axis for every classical codec, so their curves span comparable rates. */
export const QUALITY_AXIS: QualityAxis = { key: 'quality', sweep: [10, 20, 30, 40, 50, 60, 70, 80, 90, 95], higherIsMoreBits: true };

/** The credit for the @jsquash/<pkg> wasm build. */
export function jsquashCredit(pkg: 'jpeg' | 'webp' | 'avif' | 'jxl'): Credit {
  return { what: `@jsquash/${pkg} wasm build (from Squoosh)`, license: 'Apache-2.0', url: 'https://github.com/jamsinclair/jSquash' };
}
