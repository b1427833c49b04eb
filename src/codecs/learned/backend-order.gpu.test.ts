// Issue 19, bug 2: in one codec worker (as in the app), every backend can be chosen after any other. onnxruntime's
// WebGPU build failed with "multiple calls to 'initWasm()' detected" once a backend had run: its sessions for the
// WebGPU EP and the wasm EP (the integer hyper-synthesis) were created concurrently, and onnxruntime initialises
// its wasm runtime once per EP name. Each encode here must succeed and give the same symbols, so the same file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCodec } from '../registry';
import { resolveOptions } from '../options';
import { CodecWorkerPool } from '../runtime/pool';
import type { RgbaImage } from '../types';
import { sampleCrop } from '../../testing/sample-crop';

const W = 64;
const H = 64;
let image: RgbaImage;

beforeAll(async () => {
  image = await sampleCrop(210, 130, W, H);
});

describe('backends in any order in one worker', () => {
  const pool = new CodecWorkerPool({ size: 1 });
  afterAll(() => pool.dispose());

  it('onnx-wasm → onnx-webgpu → wgsl → onnx-webgpu (another model) → onnx-wasm', async () => {
    const source = { key: 'order-64', image };
    const files = new Map<string, Uint8Array>();
    for (const [id, backend] of [
      ['mean-scale', 'onnx-wasm'],
      ['mean-scale', 'onnx-webgpu'],
      ['mean-scale', 'wgsl'],
      ['hyperprior', 'onnx-webgpu'],
      ['hyperprior', 'onnx-wasm'],
    ] as const) {
      const r = await pool.encode(source, id, resolveOptions(findCodec(id)!, { rate: 0.5, backend }));
      expect(r.extras!.notes![0], `${id} on ${backend}`).toContain(backend === 'wgsl' ? 'wgsl' : backend === 'onnx-webgpu' ? 'webgpu EP' : 'wasm EP');
      // The same symbols on every backend: the same file (float differences never reach the symbols here).
      const prev = files.get(id);
      if (prev) expect(Array.from(r.bytes)).toEqual(Array.from(prev));
      else files.set(id, r.bytes);
    }
  });
});
