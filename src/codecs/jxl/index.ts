import type { Codec } from '../types';
import { jsquashCredit, QUALITY_AXIS, qualityOption } from '../classical';

/** JPEG XL (libjxl) through @jsquash/jxl, single-threaded build. */
export const jxl: Codec = {
  id: 'jxl',
  name: 'JPEG XL',
  family: 'classical',
  description:
    'JPEG XL (2021): variable-size DCT in the perceptual XYB colour space, adaptive quantisation driven by a ' +
    'Butteraugli distance target, ANS entropy coding. Quality maps to distance: q ≥ 30 → d = 0.1 + (100 − q)·0.09.',
  credits: [
    { what: 'libjxl, the JPEG XL reference implementation', license: 'BSD-3-Clause', url: 'https://github.com/libjxl/libjxl' },
    jsquashCredit('jxl'),
  ],
  extension: 'jxl',
  mimeType: 'image/jxl',
  options: [
    qualityOption(75),
    { kind: 'number', key: 'effort', label: 'Effort', min: 1, max: 9, step: 1, default: 7, help: 'Encoder effort: higher = slower and smaller.' },
    { kind: 'boolean', key: 'progressive', label: 'Progressive', default: false },
    { kind: 'boolean', key: 'lossless', label: 'Lossless', default: false },
    {
      kind: 'select',
      key: 'epf',
      label: 'Edge-preserving filter',
      default: '-1',
      advanced: true,
      choices: [
        { value: '-1', label: 'auto' },
        { value: '0', label: 'off' },
        { value: '1', label: '1' },
        { value: '2', label: '2' },
        { value: '3', label: '3' },
      ],
    },
    { kind: 'number', key: 'photonNoise', label: 'Photon noise ISO', min: 0, max: 50000, step: 100, default: 0, advanced: true },
  ],
  quality: QUALITY_AXIS,
  load: () => import('./encode').then((m) => m.implementation),
};
