// Runs in a codec worker: AVIF encode + decode. The encoder glue is imported directly from its single-threaded
// build: @jsquash/avif's own entry would pick the multi-threaded build, whose nested workers break `vite build`
// and need cross-origin isolation (see README "Vite and the codec workers").
import avifEncoderFactory from '@jsquash/avif/codec/enc/avif_enc.js';
import decodeAvif, { init as initDecoder } from '@jsquash/avif/decode.js';
import { avif as codec } from './index';
import { exactBuffer, instantiate, required, wasmImplementation } from '../wasm';

interface AvifEncoderModule {
  encode(data: Uint8Array, width: number, height: number, options: Record<string, unknown>): Uint8Array | null;
}

const encoder = await instantiate<AvifEncoderModule>(avifEncoderFactory);
await initDecoder();

const SUBSAMPLE: Record<string, number> = { '420': 1, '422': 2, '444': 3 };
const TUNE: Record<string, number> = { auto: 0, psnr: 1, ssim: 2 };

export const implementation = await wasmImplementation(
  codec,
  async (image, o) => {
    const lossless = o.lossless as boolean;
    const out = encoder.encode(new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength), image.width, image.height, {
      quality: lossless ? 100 : (o.quality as number),
      qualityAlpha: -1,
      denoiseLevel: o.denoise as number,
      tileColsLog2: 0,
      tileRowsLog2: 0,
      speed: o.speed as number,
      subsample: lossless ? 3 : SUBSAMPLE[o.subsample as string],
      chromaDeltaQ: false,
      sharpness: 0,
      tune: TUNE[o.tune as string],
      enableSharpYUV: o.sharpYuv as boolean,
      bitDepth: 8,
      lossless,
    });
    return required(out, 'the AVIF encoder').slice();
  },
  async (bytes) => required(await decodeAvif(exactBuffer(bytes)), 'the AVIF decoder'),
);
