// Which backend runs a learned codec. 'auto': a hardware WebGPU adapter → our WGSL engine; a software adapter
// (SwiftShader, llvmpipe: WGSL then runs on the CPU, ~50× slower than onnxruntime's wasm SIMD kernels) or no
// WebGPU at all → onnxruntime-web's wasm EP. After a GPU device loss 'auto' stays on wasm for the rest of the
// session (this worker, and — through a BroadcastChannel — every other codec worker that is alive).
import { probeAdapter, type AdapterProbe } from '../adapter';
import type { BackendKind } from './backend';

export type BackendChoice = 'auto' | BackendKind;

export interface ResolvedBackend {
  kind: BackendKind;
  /** Why, in words (shown as a note next to the result). */
  reason: string;
}

let gpuLostReason: string | null = null;
const channel = typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel('rdlab-learned-gpu') : null;
if (channel) {
  channel.onmessage = (e: MessageEvent<{ lost?: string }>) => {
    if (e.data?.lost) gpuLostReason ??= e.data.lost;
  };
}

/** Records a device loss: 'auto' picks onnx-wasm from now on. */
export function markGpuLost(reason: string): void {
  gpuLostReason ??= reason;
  channel?.postMessage({ lost: reason });
}

export function gpuLost(): string | null {
  return gpuLostReason;
}

/** Test hook: forget a recorded device loss. */
export function resetGpuLost(): void {
  gpuLostReason = null;
}

/** Pure decision (unit-tested): what 'auto' picks for an adapter. */
export function autoBackend(adapter: AdapterProbe, lost: string | null): ResolvedBackend {
  if (lost) return { kind: 'onnx-wasm', reason: `auto: the GPU device was lost earlier (${lost})` };
  if (!adapter.ok) return { kind: 'onnx-wasm', reason: `auto: ${adapter.name}` };
  if (adapter.software) return { kind: 'onnx-wasm', reason: `auto: software WebGPU adapter ${adapter.name}` };
  return { kind: 'wgsl', reason: `auto: hardware WebGPU adapter ${adapter.name}` };
}

export async function resolveBackend(choice: BackendChoice): Promise<ResolvedBackend> {
  if (choice !== 'auto') return { kind: choice, reason: 'chosen in the options' };
  return autoBackend(await probeAdapter(), gpuLostReason);
}
