// Runs in a codec worker: JPEG XL encode + decode. The encoder glue is the single-threaded build, imported
// directly (see avif/encode.ts for why).
import jxlEncoderFactory from '@jsquash/jxl/codec/enc/jxl_enc.js';
import decodeJxl, { init as initDecoder } from '@jsquash/jxl/decode.js';
import { jxl as codec } from './index';
import { exactBuffer, instantiate, required, wasmImplementation } from '../wasm';

interface JxlEncoderModule {
  encode(data: Uint8ClampedArray, width: number, height: number, options: Record<string, unknown>): Uint8Array | null;
}

const encoder = await instantiate<JxlEncoderModule>(jxlEncoderFactory);
await initDecoder();

export const implementation = await wasmImplementation(
  codec,
  async (image, o) => {
    const lossless = o.lossless as boolean;
    const q = o.quality as number;
    const out = encoder.encode(image.data, image.width, image.height, {
      effort: o.effort as number,
      quality: lossless ? 100 : q,
      progressive: o.progressive as boolean,
      epf: Number(o.epf),
      lossyPalette: false,
      decodingSpeedTier: 0,
      photonNoiseIso: o.photonNoise as number,
      // Squoosh does the same: the VarDCT path is not meant for distances this large.
      lossyModular: !lossless && q < 7,
      lossless,
    });
    return required(out, 'the JPEG XL encoder').slice();
  },
  (bytes) => decodeJxl(exactBuffer(bytes)),
);
