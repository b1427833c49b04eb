// Runs in a codec worker: AVIF encode + decode. The encoder glue is imported directly from its single-threaded
// build: @jsquash/avif's own entry would pick the multi-threaded build, whose nested workers break `vite build`
// and need cross-origin isolation (see README "Vite and the codec workers").
import avifEncoderFactory from '@jsquash/avif/codec/enc/avif_enc.js';
import decodeAvif, { init as initDecoder } from '@jsquash/avif/decode.js';
import { avif as codec } from './index';
import { encoderOptions } from './settings';
import { exactBuffer, instantiate, required, wasmImplementation } from '../wasm';

interface AvifEncoderModule {
  encode(data: Uint8Array, width: number, height: number, options: Record<string, unknown>): Uint8Array | null;
}

const encoder = await instantiate<AvifEncoderModule>(avifEncoderFactory);
await initDecoder();

export const implementation = await wasmImplementation(
  codec,
  async (image, o) => {
    const out = encoder.encode(new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength), image.width, image.height, encoderOptions(o));
    return required(out, 'the AVIF encoder').slice();
  },
  async (bytes) => required(await decodeAvif(exactBuffer(bytes)), 'the AVIF decoder'),
);
