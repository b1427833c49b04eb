import { describe, expect, it } from 'vitest';
import { acquireGpu } from './device';

describe('acquireGpu (headless Chromium)', () => {
  it('gets a device and describes the adapter', async () => {
    const gpu = await acquireGpu();
    expect(gpu.device).toBeTruthy();
    expect(typeof gpu.info.vendor).toBe('string');
    // A trivial compute pass proves the device actually runs WGSL.
    const d = gpu.device;
    const buf = d.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const read = d.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const m = d.createShaderModule({
      code: `@group(0) @binding(0) var<storage, read_write> o: array<u32>;
             @compute @workgroup_size(4) fn main(@builtin(global_invocation_id) g: vec3u) { o[g.x] = g.x * 7u + 1u; }`,
    });
    const p = d.createComputePipeline({ layout: 'auto', compute: { module: m, entryPoint: 'main' } });
    const bg = d.createBindGroup({ layout: p.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: buf } }] });
    const enc = d.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(p);
    pass.setBindGroup(0, bg);
    pass.dispatchWorkgroups(1);
    pass.end();
    enc.copyBufferToBuffer(buf, 0, read, 0, 16);
    d.queue.submit([enc.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    expect(Array.from(new Uint32Array(read.getMappedRange()))).toEqual([1, 8, 15, 22]);
    read.unmap();
    d.destroy();
  });
});
