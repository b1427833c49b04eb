// Public surface of the WebGPU tensor engine. See README.md in this folder for the op catalogue and layout.
export { acquireGpu, describeAdapter, formatAdapter, GpuUnavailableError } from './device';
export type { AcquireOptions, AdapterDescription, GpuContext, GpuErrorKind } from './device';
export { GpuEngineError, type GpuEngineErrorKind } from './errors';
export { Tensor, shapeSize, type DType, type Shape, type TypedArrayFor } from './tensor';
export { GpuEngine, Recorder, grid1d } from './engine';
export { paramsLayout, type ParamsLayout, type ParamType } from './params';
export type { BindingKind, Dispatch, EngineCounters, EngineOptions, OpTiming, Program } from './engine';
export { BufferPool, type PoolStats } from './pool';
// networks: op lists in the vocabulary of op-vocabulary.json (the model manifests' own form)
export { OP_VOCABULARY, OP_NAMES, checkOps, iconvParamsOf, isOpName, opTensors } from './oplist';
export type { Op, OpName, OpOf, OpSpec, OpWeights, TensorDType, TensorSpec } from './oplist';
export { uploadOps, type OpNetwork } from './oplist-wgsl';
export { uploadOpsVjp, type OpNetworkVjp, type OpTape } from './oplist-vjp';

// ops: one module per WGSL family (shaders/<family>.wgsl)
export * from './ops/conv2d';
export * from './ops/gdn';
export * from './ops/conv2d_int';
export * from './ops/elementwise';
export * from './ops/depth_to_space';
export * from './ops/quantize';
export * from './ops/entropy';
export * from './ops/image';
export * from './ops/channels';
export * from './ops/vjp';

// the exact integer convolution on the CPU (no WebGPU needed)
export { iconv as iconvCpu, depthToSpaceI32, iconvOutputShape, validateIConv, IConvError, type IConvParams } from './int/iconv';
