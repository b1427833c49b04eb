// RGBA8 images ↔ 3×H×W f32 tensors in [0, 1] (shaders/image.wgsl).
import code from '../shaders/image.wgsl?raw';
import type { Program, Recorder } from '../engine';
import { paramsLayout } from '../params';
import { GpuEngineError } from '../errors';
import type { Tensor } from '../tensor';
import { checkLive, elementGrid } from './common';

/** hw: pixels. */
export const IMAGE_PARAMS = paramsLayout({ hw: 'u32' });

const toChw: Program = { id: 'image/rgba8_to_chw', code: IMAGE_PARAMS.wgsl + code, entryPoint: 'rgba8_to_chw', bindings: ['read', 'write'] };
const toRgba: Program = { id: 'image/chw_to_rgba8', code: IMAGE_PARAMS.wgsl + code, entryPoint: 'chw_to_rgba8', bindings: ['read', 'write'] };

/** What ImageData has: width·height·4 bytes, RGBA, row-major. */
export interface Rgba8Image {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

/** Uploads an RGBA8 image and converts it to a 3×H×W f32 tensor with values v/255 (alpha dropped). */
export function imageToTensor(rec: Recorder, img: Rgba8Image): Tensor<'f32'> {
  const { width: w, height: h } = img;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1) throw new GpuEngineError('shape', `image size ${w}×${h}`);
  if (img.data.length !== 4 * w * h) throw new GpuEngineError('shape', `image data has ${img.data.length} bytes, ${w}×${h} RGBA needs ${4 * w * h}`);
  const aligned = img.data.byteOffset % 4 === 0 ? img.data : Uint8Array.from(img.data);
  const packed = new Int32Array(aligned.buffer as ArrayBuffer, aligned.byteOffset, w * h);
  const raw = rec.engine.upload(packed, [1, h, w]);
  const y = rec.tensor([3, h, w], 'f32');
  rec.dispatch({ program: toChw, uniforms: IMAGE_PARAMS.write({ hw: w * h }), buffers: [raw, y], workgroups: elementGrid(rec.engine, w * h), label: 'imageToTensor' });
  rec.release(raw);
  return y;
}

/**
 * Converts a 3×H×W f32 tensor to packed RGBA8 (one i32 per pixel): round-half-even(clamp(v, 0, 1)·255), alpha 255.
 * Read it back and pass the Int32Array to rgbaBytes().
 */
export function tensorToImage(rec: Recorder, x: Tensor): Tensor<'i32'> {
  checkLive('tensorToImage', x);
  if (x.dtype !== 'f32' || x.c !== 3) throw new GpuEngineError('shape', `tensorToImage: needs a 3-channel f32 tensor, got ${x.c} ${x.dtype}`);
  const y = rec.tensor([1, x.h, x.w], 'i32');
  rec.dispatch({ program: toRgba, uniforms: IMAGE_PARAMS.write({ hw: x.h * x.w }), buffers: [x, y], workgroups: elementGrid(rec.engine, x.h * x.w), label: 'tensorToImage' });
  return y;
}

/** The RGBA bytes of a packed image read back from tensorToImage (no copy). */
export function rgbaBytes(packed: Int32Array): Uint8ClampedArray {
  return new Uint8ClampedArray(packed.buffer, packed.byteOffset, packed.byteLength);
}
