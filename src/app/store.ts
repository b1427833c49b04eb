import { create } from 'zustand';
import { acquireGpu, formatAdapter, GpuUnavailableError, type GpuContext } from '../gpu/device';

export type BackendStatus =
  | { state: 'probing' }
  | { state: 'webgpu'; label: string; isSoftware: boolean; gpu: GpuContext }
  | { state: 'cpu'; reason: string };

interface BackendSlice {
  backend: BackendStatus;
  probeBackend: () => Promise<void>;
}

export const useBackend = create<BackendSlice>((set, get) => ({
  backend: { state: 'probing' },
  probeBackend: async () => {
    if (get().backend.state === 'webgpu') return;
    try {
      const gpu = await acquireGpu({
        onLost: (info) => set({ backend: { state: 'cpu', reason: `GPU device lost (${info.reason}): ${info.message}` } }),
      });
      set({ backend: { state: 'webgpu', label: formatAdapter(gpu.info), isSoftware: gpu.info.isSoftware, gpu } });
    } catch (e) {
      const reason = e instanceof GpuUnavailableError ? e.message : `Unexpected error: ${(e as Error).message}`;
      set({ backend: { state: 'cpu', reason } });
    }
  },
}));
