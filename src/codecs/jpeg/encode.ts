// Runs in a codec worker: MozJPEG encode + decode through @jsquash/jpeg.
import encodeJpeg, { init as initEncoder } from '@jsquash/jpeg/encode.js';
import decodeJpeg, { init as initDecoder } from '@jsquash/jpeg/decode.js';
import type { CodecImplementation } from '../types';
import { resolveOptions } from '../options';
import { jpeg as codec } from './index';
import { exactBuffer, roundTrip, selfTest, toImageData } from '../wasm';

await Promise.all([initEncoder(), initDecoder()]);

export const implementation: CodecImplementation = {
  encode: (image, o, ctx) =>
    roundTrip(
      codec,
      image,
      ctx,
      () =>
        encodeJpeg(toImageData(image), {
          quality: o.quality as number,
          progressive: o.progressive as boolean,
          optimize_coding: true,
          auto_subsample: o.chroma === 'auto',
          chroma_subsample: o.chroma === '444' ? 1 : 2,
          quant_table: Number(o.quantTable),
          trellis_multipass: o.trellisMultipass as boolean,
          smoothing: o.smoothing as number,
        }),
      (bytes) => decodeJpeg(exactBuffer(bytes)),
    ),
  decode: (bytes) => decodeJpeg(exactBuffer(bytes), { preserveOrientation: true }),
};

await selfTest(implementation, resolveOptions(codec));
