import type { Codec } from '../types';
import { jsquashCredit, QUALITY_AXIS, qualityOption } from '../classical';

/** MozJPEG through @jsquash/jpeg (wasm). */
export const jpeg: Codec = {
  id: 'jpeg',
  name: 'MozJPEG',
  family: 'classical',
  description:
    'JPEG (1992) as encoded by Mozilla’s MozJPEG: DCT on 8×8 blocks, trellis quantisation and optimised Huffman ' +
    'tables; the baseline every other codec is measured against.',
  credits: [
    { what: 'MozJPEG (libjpeg-turbo fork), Mozilla', license: 'IJG / BSD-3-Clause / zlib', url: 'https://github.com/mozilla/mozjpeg' },
    jsquashCredit('jpeg'),
  ],
  extension: 'jpg',
  mimeType: 'image/jpeg',
  options: [
    qualityOption(75, 'Scales the quantisation tables; higher = more bits.'),
    { kind: 'boolean', key: 'progressive', label: 'Progressive', default: true, help: 'Several scans from coarse to fine; usually also smaller.' },
    {
      kind: 'select',
      key: 'chroma',
      label: 'Chroma',
      default: 'auto',
      choices: [
        { value: 'auto', label: 'auto' },
        { value: '420', label: '4:2:0' },
        { value: '444', label: '4:4:4' },
      ],
      help: 'Colour resolution: 4:2:0 halves it both ways; auto lets MozJPEG choose by quality.',
    },
    {
      kind: 'select',
      key: 'quantTable',
      label: 'Quant table',
      default: '3',
      advanced: true,
      choices: [
        { value: '0', label: 'JPEG Annex K' },
        { value: '1', label: 'Flat' },
        { value: '2', label: 'MS-SSIM tuned' },
        { value: '3', label: 'ImageMagick' },
        { value: '4', label: 'PSNR-HVS-M tuned' },
        { value: '5', label: 'Klein' },
        { value: '6', label: 'Watson' },
        { value: '7', label: 'Ahumada' },
        { value: '8', label: 'Peterson' },
      ],
    },
    { kind: 'boolean', key: 'trellisMultipass', label: 'Trellis multipass', default: false, advanced: true },
    { kind: 'number', key: 'smoothing', label: 'Smoothing', min: 0, max: 100, step: 1, default: 0, advanced: true },
  ],
  quality: QUALITY_AXIS,
  load: () => import('./encode').then((m) => m.implementation),
};
