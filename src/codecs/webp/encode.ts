// Runs in a codec worker: libwebp encode + decode through @jsquash/webp.
import encodeWebp, { init as initEncoder } from '@jsquash/webp/encode.js';
import decodeWebp, { init as initDecoder } from '@jsquash/webp/decode.js';
import { webp as codec } from './index';
import { encoderOptions } from './settings';
import { exactBuffer, toImageData, wasmImplementation } from '../wasm';

await Promise.all([initEncoder(), initDecoder()]);

export const implementation = await wasmImplementation(
  codec,
  (image, o) =>
    encodeWebp(toImageData(image), encoderOptions(o)),
  (bytes) => decodeWebp(exactBuffer(bytes)),
);
