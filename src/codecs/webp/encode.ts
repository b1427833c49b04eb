// Runs in a codec worker: libwebp encode + decode through @jsquash/webp.
import encodeWebp, { init as initEncoder } from '@jsquash/webp/encode.js';
import decodeWebp, { init as initDecoder } from '@jsquash/webp/decode.js';
import { webp as codec } from './index';
import { exactBuffer, toImageData, wasmImplementation } from '../wasm';

await Promise.all([initEncoder(), initDecoder()]);

export const implementation = await wasmImplementation(
  codec,
  (image, o) =>
    encodeWebp(toImageData(image), {
      quality: o.quality as number,
      method: o.method as number,
      use_sharp_yuv: o.sharpYuv ? 1 : 0,
      lossless: o.lossless ? 1 : 0,
      sns_strength: o.sns as number,
      filter_strength: o.filter as number,
    }),
  (bytes) => decodeWebp(exactBuffer(bytes)),
);
