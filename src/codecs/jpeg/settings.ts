// MozJPEG's encoder options from the app's options (src/codecs/jpeg/index.ts): one mapping for the codec worker
// (encode.ts) and the batch-evaluation CLI (src/cli/classical.ts), so both encode the same files.
import type { CodecOptions } from '../types';

export function encoderOptions(o: CodecOptions) {
  return {
    quality: o.quality as number,
    progressive: o.progressive as boolean,
    optimize_coding: true,
    auto_subsample: o.chroma === 'auto',
    chroma_subsample: o.chroma === '444' ? 1 : 2,
    quant_table: Number(o.quantTable),
    trellis_multipass: o.trellisMultipass as boolean,
    smoothing: o.smoothing as number,
  };
}
