import { describe, expect, it } from 'vitest';
import { acquireGpu, describeAdapter, formatAdapter, GpuUnavailableError } from './device';

const fakeAdapter = (info: Partial<GPUAdapterInfo>) => ({ info }) as unknown as GPUAdapter;

describe('describeAdapter', () => {
  it('flags SwiftShader as a software adapter', () => {
    const d = describeAdapter(fakeAdapter({ vendor: 'google', architecture: 'swiftshader', device: '', description: '' }));
    expect(d.isSoftware).toBe(true);
    expect(formatAdapter(d)).toBe('google / swiftshader (software)');
  });
  it('keeps a hardware adapter as hardware', () => {
    const d = describeAdapter(fakeAdapter({ vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H100' }));
    expect(d.isSoftware).toBe(false);
    expect(formatAdapter(d)).toBe('nvidia / hopper / NVIDIA H100');
  });
});

describe('acquireGpu without WebGPU', () => {
  it('throws a typed no-webgpu error in Node', async () => {
    const err = await acquireGpu().catch((e) => e);
    expect(err).toBeInstanceOf(GpuUnavailableError);
    expect((err as GpuUnavailableError).kind).toBe('no-webgpu');
  });
});
