// The op vocabulary (op-vocabulary.json) as every reader sees it: the file is well formed, each reader's table
// covers exactly its ops, op lists are checked with a clear message, the tensors an op reads have the shapes
// its fields give (checked on every shipped package), and the float64 runner gives worked answers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODELS_ROOT, packageNames } from '../testing/models';
import { GpuEngineError } from './errors';
import { checkOps, OP_NAMES, OP_VOCABULARY, opTensors, type Op } from './oplist';
import { REFERENCE_OPS, runOpsRef } from './reference/oplist';
import { refTensor } from './reference/ops';
import { TensorMap } from './testing/compare';

const raw = JSON.parse(readFileSync(join(__dirname, 'op-vocabulary.json'), 'utf8'));

describe('op-vocabulary.json', () => {
  it('describes every op completely', () => {
    expect(Object.keys(raw.ops)).toEqual(OP_NAMES);
    for (const [name, spec] of Object.entries(OP_VOCABULARY)) {
      expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(spec.doc.length, name).toBeGreaterThan(3);
      expect(['f32', 'i32', 'any'], name).toContain(spec.in);
      expect(['f32', 'i32', 'same'], name).toContain(spec.out);
      expect(['pointwise', 'conv', 'depth_to_space'], name).toContain(spec.geometry);
      for (const [k, t] of Object.entries(spec.tensors)) {
        expect(t.dtype.length, `${name}.${k}`).toBeGreaterThan(0);
        for (const d of t.dtype) expect(['f16', 'f32', 'i8', 'i32']).toContain(d);
        // every named dimension is an integer field of the op
        for (const d of t.shape) if (typeof d === 'string') expect(Object.keys(spec.ints), `${name}.${k} shape`).toContain(d);
      }
      for (const [k, [lo, hi]] of Object.entries(spec.ints)) expect(Number.isInteger(lo) && Number.isInteger(hi) && lo <= hi, `${name}.${k}`).toBe(true);
      if (spec.geometry === 'conv') for (const k of ['kernel', 'stride', 'padding']) expect(Object.keys(spec.ints), name).toContain(k);
      if (spec.geometry === 'depth_to_space') expect(Object.keys(spec.ints), name).toContain('block');
      const fields = [...Object.keys(spec.tensors), ...Object.keys(spec.ints), ...Object.keys(spec.numbers)];
      expect(new Set(fields).size, `${name}: a field named twice`).toBe(fields.length);
    }
  });

  it('the float64 reference covers exactly the vocabulary (WGSL: oplist.gpu.test.ts; ONNX: codecs/learned/onnx-graph.test.ts)', () => {
    expect([...REFERENCE_OPS].sort()).toEqual([...OP_NAMES].sort());
  });
});

describe('checkOps', () => {
  const conv: Op = { op: 'conv2d', weight: 'w', bias: 'b', kernel: 3, stride: 1, padding: 1, cin: 2, cout: 4 };
  const msg = (ops: unknown) => {
    try {
      checkOps(ops, 'transforms.x');
    } catch (e) {
      expect(e).toBeInstanceOf(GpuEngineError);
      return (e as Error).message;
    }
    return 'ok';
  };
  it('accepts well-formed lists and names what is wrong otherwise', () => {
    expect(msg([conv, { op: 'depth_to_space', block: 2 }, { op: 'leaky_relu', slope: 0.01 }, { op: 'abs' }])).toBe('ok');
    expect(msg('conv')).toMatch(/must be a list of ops/);
    expect(msg([3])).toMatch(/transforms\.x\[0\] is not an op object/);
    expect(msg([{ op: 'conv3d' }])).toMatch(/unknown op "conv3d" \(the vocabulary has conv2d, depth_to_space/);
    expect(msg([{ ...conv, groups: 2 }])).toMatch(/\[0\] \(conv2d\): unknown field "groups"/);
    expect(msg([{ ...conv, bias: 7 }])).toMatch(/bias must name a tensor/);
    expect(msg([{ ...conv, kernel: 2.5 }])).toMatch(/kernel must be an integer in \[1, 15\], got 2.5/);
    expect(msg([{ ...conv, stride: 3 }])).toMatch(/stride must be an integer in \[1, 2\]/);
    expect(msg([{ op: 'leaky_relu' }])).toMatch(/slope must be a finite number, got undefined/);
    expect(msg([conv, { op: 'int_to_float', scale: Infinity }])).toMatch(/transforms\.x\[1\] \(int_to_float\): scale/);
  });
});

describe('opTensors', () => {
  it('names each tensor with its dtypes and the shape the op fields give', () => {
    expect(opTensors({ op: 'conv2d', weight: 'w', bias: 'b', kernel: 5, stride: 2, padding: 2, cin: 3, cout: 8 })).toEqual([
      { field: 'weight', name: 'w', dtype: ['f16', 'f32'], shape: [8, 3, 5, 5] },
      { field: 'bias', name: 'b', dtype: ['f32'], shape: [8] },
    ]);
    expect(opTensors({ op: 'abs' })).toEqual([]);
  });

  it.each(packageNames('codec'))('%s: every op list checks, and its tensors have the vocabulary dtypes and shapes', (name) => {
    const m = JSON.parse(readFileSync(join(MODELS_ROOT, name, 'manifest.json'), 'utf8'));
    const tables = [m.weights.tensors, ...m.uses.map((u: { name: string }) => JSON.parse(readFileSync(join(MODELS_ROOT, u.name, 'manifest.json'), 'utf8')).weights.tensors)].flat();
    let count = 0;
    for (const [t, ops] of Object.entries(m.transforms)) {
      checkOps(ops, t);
      for (const op of ops) {
        for (const tensor of opTensors(op)) {
          const e = tables.find((x: { name: string }) => x.name === tensor.name);
          expect(e, tensor.name).toBeTruthy();
          expect(tensor.dtype).toContain(e.dtype);
          expect(e.shape.join('×').replace(/(×1)+$/, '')).toBe(tensor.shape.join('×').replace(/(×1)+$/, ''));
          count++;
        }
      }
    }
    expect(count).toBeGreaterThan(10);
  });
});

describe('runOpsRef (float64 reference of an op list)', () => {
  it('conv2d, leaky_relu, depth_to_space on a worked example', () => {
    // 1×2×2 input, one 2×2 kernel (padding 0, stride 1) per output channel: 4 outputs of 1×1, then d2s → 1×2×2.
    const w = new TensorMap().set('w', 'f32', [4, 1, 2, 2], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]).set('b', 'f32', [4], [0, -10, 0, 0]);
    const ops: Op[] = [
      { op: 'conv2d', weight: 'w', bias: 'b', kernel: 2, stride: 1, padding: 0, cin: 1, cout: 4 },
      { op: 'leaky_relu', slope: 0.5 },
      { op: 'depth_to_space', block: 2 },
    ];
    const y = runOpsRef(ops, w, refTensor([1, 2, 2], [1, 2, 3, 4]));
    // conv picks each pixel into its own channel (minus 10 for channel 1: 2 − 10 = −8 → −4 after leaky ReLU),
    // and d2s puts channel 2i + j back at (i, j)
    expect(y.shape).toEqual([1, 2, 2]);
    expect(Array.from(y.data)).toEqual([1, -4, 3, 4]);
  });

  it('iconv2d is exact integer arithmetic (truncating division, clamp), int_to_float scales', () => {
    const w = new TensorMap().set('w', 'i8', [1, 1, 1, 1], [3]).set('b', 'i32', [1], [1]).set('d', 'i32', [1], [4]);
    const ops: Op[] = [{ op: 'iconv2d', weight: 'w', bias: 'b', divisor: 'd', kernel: 1, stride: 1, padding: 0, cin: 1, cout: 1, lo: 0, hi: 10 }];
    // acc = 1 + 3x; out = clamp(trunc((acc + 2) / 4), 0, 10): x = 5 → 18/4 → 4; x = 2 → 9/4 → 2; x = −3 → −6/4 → −1 → 0; x = 20 → 63/4 → 15 → 10
    const y = runOpsRef(ops, w, refTensor([1, 1, 4], [5, 2, -3, 20]));
    expect(Array.from(y.data)).toEqual([4, 2, 0, 10]);
    expect(() => runOpsRef(ops, w, refTensor([1, 1, 1], [0.5]))).toThrow(/not an int32/);
    expect(Array.from(runOpsRef([{ op: 'int_to_float', scale: 0.0625 }], w, refTensor([1, 1, 2], [16, -3])).data)).toEqual([1, -0.1875]);
  });
});
