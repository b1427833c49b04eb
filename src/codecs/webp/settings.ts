// libwebp's encoder options from the app's options (src/codecs/webp/index.ts): one mapping for the codec worker
// (encode.ts) and the batch-evaluation CLI (src/cli/classical.ts), so both encode the same files.
import type { CodecOptions } from '../types';

export function encoderOptions(o: CodecOptions) {
  return {
    quality: o.quality as number,
    method: o.method as number,
    use_sharp_yuv: o.sharpYuv ? 1 : 0,
    lossless: o.lossless ? 1 : 0,
    sns_strength: o.sns as number,
    filter_strength: o.filter as number,
  };
}
