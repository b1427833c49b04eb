// The single-layer ONNX models of the kernel benchmark: Conv, optionally followed by DepthToSpace (mode CRD =
// PyTorch PixelShuffle), written with the app's ONNX writer (src/codecs/learned/onnx-proto.ts), so
// `npm run bench:kernels` needs no Python.
import { DT, onnxModel, rawF32, type OnnxNode } from '../src/codecs/learned/onnx-proto';

export interface ConvModelSpec {
  cin: number;
  cout: number;
  k: number;
  stride: number;
  pad: number;
  h: number;
  w: number;
  /** OIHW */
  weight: Float32Array;
  bias: Float32Array;
  /** Append DepthToSpace(blocksize, CRD). */
  depthToSpace?: number;
}

/** An ONNX model: input "x" [1, cin, h, w] → Conv (→ DepthToSpace) → output "y". */
export function convModel(s: ConvModelSpec): Uint8Array {
  const ho = Math.floor((s.h + 2 * s.pad - s.k) / s.stride) + 1;
  const wo = Math.floor((s.w + 2 * s.pad - s.k) / s.stride) + 1;
  const nodes: OnnxNode[] = [
    {
      op: 'Conv',
      name: 'conv',
      inputs: ['x', 'W', 'B'],
      outputs: [s.depthToSpace ? 'c' : 'y'],
      attrs: {
        kernel_shape: { ints: [s.k, s.k] },
        strides: { ints: [s.stride, s.stride] },
        pads: { ints: [s.pad, s.pad, s.pad, s.pad] },
        dilations: { ints: [1, 1] },
        group: { i: 1 },
      },
    },
  ];
  let outDims = [1, s.cout, ho, wo];
  if (s.depthToSpace) {
    const r = s.depthToSpace;
    nodes.push({ op: 'DepthToSpace', name: 'd2s', inputs: ['c'], outputs: ['y'], attrs: { blocksize: { i: r }, mode: { s: 'CRD' } } });
    outDims = [1, s.cout / (r * r), ho * r, wo * r];
  }
  return onnxModel(
    {
      name: 'bench',
      nodes,
      initializers: [
        { name: 'W', type: DT.FLOAT, dims: [s.cout, s.cin, s.k, s.k], raw: rawF32(s.weight) },
        { name: 'B', type: DT.FLOAT, dims: [s.cout], raw: rawF32(s.bias) },
      ],
      inputs: [{ name: 'x', type: DT.FLOAT, dims: [1, s.cin, s.h, s.w] }],
      outputs: [{ name: 'y', type: DT.FLOAT, dims: outDims }],
    },
    'rd-lab-bench',
  );
}
