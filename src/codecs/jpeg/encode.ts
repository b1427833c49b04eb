// Runs in a codec worker: MozJPEG encode + decode through @jsquash/jpeg.
import encodeJpeg, { init as initEncoder } from '@jsquash/jpeg/encode.js';
import decodeJpeg, { init as initDecoder } from '@jsquash/jpeg/decode.js';
import { jpeg as codec } from './index';
import { encoderOptions } from './settings';
import { exactBuffer, toImageData, wasmImplementation } from '../wasm';

await Promise.all([initEncoder(), initDecoder()]);

export const implementation = await wasmImplementation(
  codec,
  (image, o) =>
    encodeJpeg(toImageData(image), encoderOptions(o)),
  (bytes) => decodeJpeg(exactBuffer(bytes)),
  // Files the visitor opens keep their EXIF orientation (the app applies it).
  (bytes) => decodeJpeg(exactBuffer(bytes), { preserveOrientation: true }),
);
