// Runs in a codec worker: MozJPEG encode + decode through @jsquash/jpeg.
import encodeJpeg, { init as initEncoder } from '@jsquash/jpeg/encode.js';
import decodeJpeg, { init as initDecoder } from '@jsquash/jpeg/decode.js';
import { jpeg as codec } from './index';
import { exactBuffer, toImageData, wasmImplementation } from '../wasm';

await Promise.all([initEncoder(), initDecoder()]);

export const implementation = await wasmImplementation(
  codec,
  (image, o) =>
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
  // Files the visitor opens keep their EXIF orientation (the app applies it).
  (bytes) => decodeJpeg(exactBuffer(bytes), { preserveOrientation: true }),
);
