// Public API of the entropy layer (docs/entropy-coding.md). Learned codecs import from here.
export { EntropyError, type EntropyErrorKind } from './errors';
export { erfc, normalCdf, normalUpperQuantile, detExp } from './detmath';
export { pmfToQuantizedCdf } from './quantize';
export {
  PRECISION,
  PROB_TOTAL,
  type CdfTables,
  type CdfTablesInput,
  type GaussianTables,
  type GaussianTableParams,
  createTables,
  assertValidTables,
  tablesFromPaddedRows,
  MIX_BITS,
  levelMix,
  mixLevelTables,
  buildGaussianTables,
  defaultScaleTable,
  scaleIndex,
  scaleIndices,
} from './tables';
export {
  RANS_L,
  STREAM_STATE_BYTES,
  MAX_STREAMS,
  type TableIndex,
  type PerChannelIndex,
  type EncodedTensor,
  type DecoderTables,
  perChannel,
  checkTableIndex,
  defaultStreamCount,
  streamBounds,
  encodeTensor,
  decodeTensor,
  encodeSymbols,
  decodeSymbols,
  decodeStreamInto,
  prepareDecoder,
} from './rans';
export { idealBits, type RateEstimate } from './rate';
