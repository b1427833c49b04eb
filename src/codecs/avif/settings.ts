// libavif's encoder options from the app's options (src/codecs/avif/index.ts): one mapping for the codec worker
// (encode.ts) and the batch-evaluation CLI (src/cli/classical.ts), so both encode the same files.
import type { CodecOptions } from '../types';

const SUBSAMPLE: Record<string, number> = { '420': 1, '422': 2, '444': 3 };
const TUNE: Record<string, number> = { auto: 0, psnr: 1, ssim: 2 };

export function encoderOptions(o: CodecOptions) {
  const lossless = o.lossless as boolean;
  return {
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
  };
}
