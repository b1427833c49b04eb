// libjxl's encoder options from the app's options (src/codecs/jxl/index.ts): one mapping for the codec worker
// (encode.ts) and the batch-evaluation CLI (src/cli/classical.ts), so both encode the same files.
import type { CodecOptions } from '../types';

export function encoderOptions(o: CodecOptions) {
  const lossless = o.lossless as boolean;
  const q = o.quality as number;
  return {
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
  };
}
