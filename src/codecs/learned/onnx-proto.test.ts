// The ONNX writer (onnx-proto.ts) through onnxruntime-web in Node: a model it writes must load and compute what
// the float64 reference ops (src/gpu/reference) compute — the kernel benchmark's Conv → DepthToSpace model, and
// a graph with symbolic dims, a float attribute (LeakyRelu α), float16 / int64 initializers and Cast / Reshape.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { convModel } from '../../../bench/kernels-onnx';
import * as ref from '../../gpu/reference/ops';
import { randomF32, rng } from '../../gpu/testing/compare';
import { DT, onnxModel, ProtoWriter, rawF32, rawI64 } from './onnx-proto';

ort.env.wasm.numThreads = 1;

describe('ProtoWriter', () => {
  it('writes varints, fixed32 floats and nested length-delimited messages byte for byte', () => {
    expect(Array.from(new ProtoWriter().int(1, 300).finish())).toEqual([0x08, 0xac, 0x02]);
    expect(Array.from(new ProtoWriter().float(2, 1).finish())).toEqual([0x15, 0, 0, 0x80, 0x3f]);
    const inner = new ProtoWriter().str(1, 'ab');
    expect(Array.from(new ProtoWriter().msg(3, inner).finish())).toEqual([0x1a, 4, 0x0a, 2, 97, 98]);
    expect(() => new ProtoWriter().varint(-1)).toThrow(RangeError);
  });
});

describe('ONNX models written in TypeScript run in onnxruntime', () => {
  it('the kernel benchmark’s Conv 5×5 stride 2 → DepthToSpace ×2 equals the float64 reference', async () => {
    const r = rng(11);
    const [cin, cout, k, h, w] = [3, 8, 5, 9, 7];
    const weight = randomF32(r, cout * cin * k * k);
    const bias = randomF32(r, cout);
    const x = randomF32(r, cin * h * w);
    const s = await ort.InferenceSession.create(convModel({ cin, cout, k, stride: 2, pad: 2, h, w, weight, bias, depthToSpace: 2 }));
    const y = (await s.run({ x: new ort.Tensor('float32', x, [1, cin, h, w]) })).y;
    const c = ref.conv2d(ref.refTensor([cin, h, w], x), weight, bias, cout, k, { stride: 2, pad: 2 });
    const want = ref.depthToSpace(c.data, c.shape, 2);
    expect(y.dims).toEqual([1, ...want.shape]);
    const got = y.data as Float32Array;
    for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - want.data[i])).toBeLessThan(1e-5);
  });

  it('symbolic dims, a float attribute, float16 and int64 initializers', async () => {
    // y = LeakyRelu(x · Reshape(Cast(g16), [1, −1, 1, 1]), α = 0.25) on x of any H × W
    const g = [0.5, -2, 3];
    const half = new Uint8Array(new Uint16Array([0x3800, 0xc000, 0x4200]).buffer); // 0.5, −2, 3 in binary16
    const model = onnxModel({
      name: 't',
      nodes: [
        { op: 'Cast', inputs: ['g16'], outputs: ['g'], attrs: { to: { i: DT.FLOAT } } },
        { op: 'Reshape', inputs: ['g', 'shape'], outputs: ['g4'] },
        { op: 'Mul', inputs: ['x', 'g4'], outputs: ['m'] },
        { op: 'LeakyRelu', inputs: ['m'], outputs: ['y'], attrs: { alpha: { f: 0.25 } } },
      ],
      initializers: [
        { name: 'g16', type: DT.FLOAT16, dims: [3], raw: half },
        { name: 'shape', type: DT.INT64, dims: [4], raw: rawI64([1, -1, 1, 1]) },
      ],
      inputs: [{ name: 'x', type: DT.FLOAT, dims: [1, 3, 'H', 'W'] }],
      outputs: [{ name: 'y', type: DT.FLOAT, dims: [1, 3, 'H', 'W'] }],
    });
    const s = await ort.InferenceSession.create(model);
    for (const [h, w] of [
      [1, 2],
      [3, 5],
    ]) {
      const x = randomF32(rng(h * 10 + w), 3 * h * w);
      const y = (await s.run({ x: new ort.Tensor('float32', x, [1, 3, h, w]) })).y.data as Float32Array;
      for (let i = 0; i < x.length; i++) {
        const m = x[i] * g[Math.floor(i / (h * w))];
        expect(y[i]).toBeCloseTo(m > 0 ? m : 0.25 * m, 6);
      }
    }
    expect(() => onnxModel({ name: 'bad', nodes: [], initializers: [{ name: 'b', type: DT.FLOAT, dims: [2], raw: rawF32([1]) }], inputs: [], outputs: [] })).toThrow(/4 bytes/);
  });
});
