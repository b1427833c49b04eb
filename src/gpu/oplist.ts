// Networks as op lists: the model manifest's own description (docs/model-package.md "Op lists"), in the op
// vocabulary of op-vocabulary.json, which every reader shares — the WGSL runner (oplist-wgsl.ts), the float64
// reference (reference/oplist.ts), the ONNX builder (codecs/learned/onnx-graph.ts), the tiling geometry
// (codecs/learned/tiling.ts), the manifest checks (codecs/learned/package.ts) and the Python exporter
// (tools/train/export.py). The types below are derived from that file, so an op added there is a compile error
// in every reader's table until the reader handles it. This module: the types, the checks, the tensors an op reads.
// No WebGPU here (Node's CLIs and tests read it too); the WGSL runner is oplist-wgsl.ts.
import { GpuEngineError } from './errors';
import type { IConvParams } from './int/iconv';
import vocabulary from './op-vocabulary.json';

type Vocabulary = typeof vocabulary.ops;
export type OpName = keyof Vocabulary;

/** One op as a manifest writes it: `op`, a tensor name per weight, an integer per int field, a number per number field. */
export type OpOf<N extends OpName> = { op: N } & { [K in keyof Vocabulary[N]['tensors']]: string } & { [K in keyof Vocabulary[N]['ints']]: number } & {
  [K in keyof Vocabulary[N]['numbers']]: number;
};
export type Op = { [N in OpName]: OpOf<N> }[OpName];

export type TensorDType = 'f16' | 'f32' | 'i8' | 'i32';
export interface TensorSpec {
  dtype: readonly TensorDType[];
  /** Dimensions: integer fields of the op (or fixed sizes). */
  shape: readonly (string | number)[];
}
export interface OpSpec {
  doc: string;
  /** Input dtype ('any': f32 or i32) and output dtype ('same': the input's). */
  in: 'f32' | 'i32' | 'any';
  out: 'f32' | 'i32' | 'same';
  tensors: Readonly<Record<string, TensorSpec>>;
  /** Integer fields and their inclusive range. */
  ints: Readonly<Record<string, readonly [number, number]>>;
  /** Number fields (any finite value). */
  numbers: Readonly<Record<string, string>>;
  /** How the op moves positions (tiling): pointwise, a convolution (kernel, stride, padding), depth_to_space (block). */
  geometry: 'pointwise' | 'conv' | 'depth_to_space';
}

/** The vocabulary, typed. */
export const OP_VOCABULARY = vocabulary.ops as unknown as { readonly [N in OpName]: OpSpec };
export const OP_NAMES = Object.keys(OP_VOCABULARY) as OpName[];

export function isOpName(name: unknown): name is OpName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(OP_VOCABULARY, name);
}

/** Where a model's weights come from: float tensors (f16 widened) and integer tensors (i8 widened), by name. */
export interface OpWeights {
  f32(name: string): Float32Array;
  i32(name: string): Int32Array;
}

const fail = (msg: string): never => {
  throw new GpuEngineError('params', msg);
};

/**
 * Checks that `ops` is a list of ops of the vocabulary, each with exactly its fields, of the right types and in
 * range; `where` names the list in messages ("transforms.analysis"). Throws GpuEngineError('params').
 */
export function checkOps(ops: unknown, where: string): asserts ops is Op[] {
  if (!Array.isArray(ops)) fail(`${where} must be a list of ops.`);
  (ops as unknown[]).forEach((raw, i) => {
    const at = `${where}[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(`${at} is not an op object.`);
    const op = raw as Record<string, unknown>;
    if (!isOpName(op.op)) return fail(`${at}: unknown op ${JSON.stringify(op.op)} (the vocabulary has ${OP_NAMES.join(', ')}; src/gpu/op-vocabulary.json).`);
    const spec = OP_VOCABULARY[op.op];
    const known = new Set(['op', ...Object.keys(spec.tensors), ...Object.keys(spec.ints), ...Object.keys(spec.numbers)]);
    for (const k of Object.keys(op)) if (!known.has(k)) fail(`${at} (${op.op}): unknown field "${k}".`);
    for (const k of Object.keys(spec.tensors)) if (typeof op[k] !== 'string' || op[k] === '') fail(`${at} (${op.op}): ${k} must name a tensor.`);
    for (const [k, [lo, hi]] of Object.entries(spec.ints)) {
      const v = op[k];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) fail(`${at} (${op.op}): ${k} must be an integer in [${lo}, ${hi}], got ${JSON.stringify(v)}.`);
    }
    for (const k of Object.keys(spec.numbers)) {
      if (typeof op[k] !== 'number' || !Number.isFinite(op[k])) fail(`${at} (${op.op}): ${k} must be a finite number, got ${JSON.stringify(op[k])}.`);
    }
  });
}

/** The weight tensors an op reads, with the dtypes allowed and the shape its fields give. */
export function opTensors(op: Op): { field: string; name: string; dtype: readonly TensorDType[]; shape: number[] }[] {
  const spec = OP_VOCABULARY[op.op];
  const fields = op as unknown as Record<string, string | number>;
  return Object.entries(spec.tensors).map(([field, t]) => ({
    field,
    name: fields[field] as string,
    dtype: t.dtype,
    shape: t.shape.map((d) => (typeof d === 'number' ? d : (fields[d] as number))),
  }));
}

/** The exact integer layer's parameters (int/iconv.ts): weights and the per-channel bias, divisor and clamp. */
export function iconvParamsOf(op: OpOf<'iconv2d'>, w: OpWeights): IConvParams {
  return {
    cin: op.cin,
    cout: op.cout,
    k: op.kernel,
    stride: op.stride,
    pad: op.padding,
    weight: w.i32(op.weight),
    bias: w.i32(op.bias),
    divisor: w.i32(op.divisor),
    lo: new Int32Array(op.cout).fill(op.lo),
    hi: new Int32Array(op.cout).fill(op.hi),
  };
}

/** The checkerboard context layer's parameters (op checkerboard_iconv2d): the integer layer with its taps with
 * ky + kx even zeroed (never read), its inputs clamped to ±clip, computed at the non-anchors only (parity 1). */
export function checkerboardParamsOf(op: OpOf<'checkerboard_iconv2d'>, w: OpWeights): IConvParams {
  const k = op.kernel;
  const weight = Int32Array.from(w.i32(op.weight));
  for (let i = 0; i < weight.length; i++) {
    const tap = i % (k * k);
    if ((Math.floor(tap / k) + (tap % k)) % 2 === 0) weight[i] = 0;
  }
  return {
    ...iconvParamsOf({ ...op, op: 'iconv2d' }, w),
    weight,
    clip: op.clip,
    parity: 1,
  };
}
