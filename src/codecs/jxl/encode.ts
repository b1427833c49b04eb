// Runs in a codec worker: JPEG XL encode + decode. The encoder glue is the single-threaded build, imported
// directly (see avif/encode.ts for why).
import jxlEncoderFactory from '@jsquash/jxl/codec/enc/jxl_enc.js';
import decodeJxl, { init as initDecoder } from '@jsquash/jxl/decode.js';
import { jxl as codec } from './index';
import { encoderOptions } from './settings';
import { exactBuffer, instantiate, required, wasmImplementation } from '../wasm';

interface JxlEncoderModule {
  encode(data: Uint8ClampedArray, width: number, height: number, options: Record<string, unknown>): Uint8Array | null;
}

const encoder = await instantiate<JxlEncoderModule>(jxlEncoderFactory);
await initDecoder();

export const implementation = await wasmImplementation(
  codec,
  async (image, o) => {
    const out = encoder.encode(image.data, image.width, image.height, encoderOptions(o));
    return required(out, 'the JPEG XL encoder').slice();
  },
  (bytes) => decodeJxl(exactBuffer(bytes)),
);
