// Public API of the learned-codec file format (docs/container-format.md).
export { ContainerError, type ContainerErrorKind } from './errors';
export { crc32 } from './crc32';
export {
  MAGIC,
  FORMAT_VERSION,
  MAX_IMAGE_SIDE,
  MAX_TENSORS,
  MAX_CHANNELS,
  MAX_LATENT_SIDE,
  MAX_STREAMS_PER_TENSOR,
  MAX_MODEL_ID,
  DEFAULT_MAX_ELEMENTS,
  MIN_FILE_BYTES,
  type Shape3,
  type ContainerTensor,
  type ContainerContents,
  type ReadExpectations,
  type ReadResult,
  type ContainerPeek,
  writeContainer,
  readContainer,
  peekContainer,
} from './format';
