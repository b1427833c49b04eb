import type { Codec } from '../types';
import { jsquashCredit, QUALITY_AXIS, qualityOption } from '../classical';

/** AVIF (libavif + libaom) through @jsquash/avif, single-threaded build. */
export const avif: Codec = {
  id: 'avif',
  name: 'AVIF',
  family: 'classical',
  description:
    'AV1 intra frames in a HEIF container (2019): large adaptive blocks, directional prediction, many transforms, ' +
    'CDEF and loop-restoration filters. Strong at low rates, slow to encode. Tune “auto” switches to SSIM tuning at ' +
    'quality ≥ 50, which bends PSNR curves; pick PSNR tuning for smooth PSNR curves.',
  credits: [
    { what: 'libavif, AOMedia', license: 'BSD-2-Clause', url: 'https://github.com/AOMediaCodec/libavif' },
    { what: 'libaom (AV1), AOMedia', license: 'BSD-2-Clause + AOM patent licence', url: 'https://aomedia.googlesource.com/aom' },
    jsquashCredit('avif'),
  ],
  extension: 'avif',
  mimeType: 'image/avif',
  options: [
    qualityOption(50),
    { kind: 'number', key: 'speed', label: 'Speed', min: 0, max: 10, step: 1, default: 6, help: 'libaom speed: 0 = slowest and smallest.' },
    {
      kind: 'select',
      key: 'subsample',
      label: 'Chroma',
      default: '420',
      choices: [
        { value: '420', label: '4:2:0' },
        { value: '422', label: '4:2:2' },
        { value: '444', label: '4:4:4' },
      ],
    },
    {
      kind: 'select',
      key: 'tune',
      label: 'Tune',
      default: 'auto',
      choices: [
        { value: 'auto', label: 'auto' },
        { value: 'psnr', label: 'PSNR' },
        { value: 'ssim', label: 'SSIM' },
      ],
    },
    { kind: 'boolean', key: 'lossless', label: 'Lossless', default: false },
    { kind: 'boolean', key: 'sharpYuv', label: 'Sharp YUV', default: false, advanced: true },
    { kind: 'number', key: 'denoise', label: 'Denoise', min: 0, max: 50, step: 1, default: 0, advanced: true },
  ],
  quality: QUALITY_AXIS,
  load: () => import('./encode').then((m) => m.implementation),
};
