// WebGPU device acquisition: one place that asks for an adapter, records what it offers,
// requests the limits/features the engine uses, and reports device loss.
import { RdLabError, messageOf } from '../errors';

export type GpuErrorKind = 'no-webgpu' | 'no-adapter' | 'device-request-failed' | 'device-lost';

/** Typed error for everything that can go wrong getting or keeping a GPU. */
export class GpuUnavailableError extends RdLabError<GpuErrorKind> {
  constructor(kind: GpuErrorKind, message: string) {
    super(kind, message);
    this.name = 'GpuUnavailableError';
  }
}

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for software adapters (SwiftShader, llvmpipe…): WGSL then runs on the CPU and is slow. */
  isSoftware: boolean;
}

export interface GpuContext {
  device: GPUDevice;
  adapter: GPUAdapter;
  info: AdapterDescription;
  features: ReadonlySet<string>;
  hasTimestamps: boolean;
  hasF16: boolean;
  hasSubgroups: boolean;
  /** Resolves when the device is lost (never rejects). */
  lost: Promise<GPUDeviceLostInfo>;
}

export function describeAdapter(adapter: GPUAdapter): AdapterDescription {
  const i = adapter.info ?? ({} as GPUAdapterInfo);
  const vendor = i.vendor || 'unknown vendor';
  const architecture = i.architecture || '';
  const device = i.device || '';
  const description = i.description || '';
  const text = `${vendor} ${architecture} ${device} ${description}`.toLowerCase();
  const isSoftware =
    /swiftshader|llvmpipe|lavapipe|software|microsoft basic render/.test(text) ||
    // Chromium reports SwiftShader as vendor "google", architecture "swiftshader".
    (vendor === 'google' && architecture === 'swiftshader');
  return { vendor, architecture, device, description, isSoftware };
}

export function formatAdapter(info: AdapterDescription): string {
  const parts = [info.vendor, info.architecture, info.device || info.description].filter((s) => s && s.length > 0);
  return parts.join(' / ') + (info.isSoftware ? ' (software)' : '');
}

export interface AcquireOptions {
  powerPreference?: GPUPowerPreference;
  /** Called once if the device is lost after acquisition (not on explicit destroy()). */
  onLost?: (info: GPUDeviceLostInfo) => void;
}

/**
 * Gets a WebGPU device with the adapter's maximum storage-buffer limits and the optional features we can use
 * (timestamp-query, shader-f16, subgroups). Throws GpuUnavailableError with a kind a UI can act on.
 */
export async function acquireGpu(opts: AcquireOptions = {}): Promise<GpuContext> {
  const gpu: GPU | undefined = typeof navigator !== 'undefined' ? (navigator as Navigator).gpu : undefined;
  if (!gpu) throw new GpuUnavailableError('no-webgpu', 'WebGPU is not available in this browser (navigator.gpu is missing).');
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: opts.powerPreference ?? 'high-performance' });
  } catch (e) {
    throw new GpuUnavailableError('no-adapter', `WebGPU adapter request failed: ${messageOf(e)}`);
  }
  if (!adapter) throw new GpuUnavailableError('no-adapter', 'WebGPU is present but no adapter is available.');

  const wanted: GPUFeatureName[] = ['timestamp-query', 'shader-f16', 'subgroups' as GPUFeatureName];
  const requiredFeatures = wanted.filter((f) => adapter!.features.has(f));
  const L = adapter.limits;
  const requiredLimits: Record<string, number> = {
    maxStorageBufferBindingSize: L.maxStorageBufferBindingSize,
    maxBufferSize: L.maxBufferSize,
    maxStorageBuffersPerShaderStage: L.maxStorageBuffersPerShaderStage,
    maxComputeWorkgroupStorageSize: L.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: L.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: L.maxComputeWorkgroupSizeX,
    maxComputeWorkgroupSizeY: L.maxComputeWorkgroupSizeY,
    maxComputeWorkgroupsPerDimension: L.maxComputeWorkgroupsPerDimension,
  };
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  } catch (e) {
    throw new GpuUnavailableError('device-request-failed', `WebGPU device request failed: ${messageOf(e)}`);
  }
  const lost = device.lost.then((info) => {
    if (info.reason !== 'destroyed') opts.onLost?.(info);
    return info;
  });
  const features = new Set<string>(requiredFeatures);
  return {
    device,
    adapter,
    info: describeAdapter(adapter),
    features,
    hasTimestamps: features.has('timestamp-query'),
    hasF16: features.has('shader-f16'),
    hasSubgroups: features.has('subgroups'),
    lost,
  };
}
