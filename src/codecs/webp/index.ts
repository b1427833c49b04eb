import type { Codec } from '../types';
import { jsquashCredit, QUALITY_AXIS, qualityOption } from '../classical';

/** libwebp through @jsquash/webp (wasm, SIMD build where supported). */
export const webp: Codec = {
  id: 'webp',
  name: 'WebP',
  family: 'classical',
  description:
    'Google’s WebP (2010): the VP8 video codec’s intra frame — 4×4 block prediction, integer DCT, arithmetic coding — ' +
    'always 4:2:0. Lossless mode is a separate algorithm.',
  credits: [
    { what: 'libwebp, Google', license: 'BSD-3-Clause', url: 'https://chromium.googlesource.com/webm/libwebp' },
    jsquashCredit('webp'),
  ],
  extension: 'webp',
  mimeType: 'image/webp',
  options: [
    qualityOption(75),
    { kind: 'number', key: 'method', label: 'Effort', min: 0, max: 6, step: 1, default: 4, help: 'Encoder effort (libwebp “method”): slower = smaller.' },
    { kind: 'boolean', key: 'sharpYuv', label: 'Sharp YUV', default: false, help: 'Slower, sharper RGB→YUV conversion.' },
    { kind: 'boolean', key: 'lossless', label: 'Lossless', default: false },
    { kind: 'number', key: 'sns', label: 'Spatial noise shaping', min: 0, max: 100, step: 1, default: 50, advanced: true },
    { kind: 'number', key: 'filter', label: 'Filter strength', min: 0, max: 100, step: 1, default: 60, advanced: true },
  ],
  quality: QUALITY_AXIS,
  load: () => import('./encode').then((m) => m.implementation),
};
