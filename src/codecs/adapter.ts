// The WebGPU adapter the codecs would run on, looked at without creating a device (requesting one would hold
// GPU memory for nothing): the learned codecs' 'auto' backend choice (learned/choose.ts) and the app's status
// line both ask here. Once per page or worker.
import { describeAdapter, formatAdapter } from '../gpu/device';
import { messageOf } from '../errors';

export interface AdapterProbe {
  /** A WebGPU adapter exists. */
  ok: boolean;
  /** It is a software one (SwiftShader, llvmpipe): WebGPU then runs on the CPU. */
  software: boolean;
  /** The adapter ("google / swiftshader / … (software)"), or why there is none. */
  name: string;
}

let probe: Promise<AdapterProbe> | null = null;

export function probeAdapter(): Promise<AdapterProbe> {
  probe ??= (async () => {
    const gpu = typeof navigator !== 'undefined' ? (navigator as Navigator).gpu : undefined;
    if (!gpu) return { ok: false, software: false, name: 'no WebGPU in this browser' };
    try {
      const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (!a) return { ok: false, software: false, name: 'no WebGPU adapter' };
      const info = describeAdapter(a);
      return { ok: true, software: info.isSoftware, name: formatAdapter(info) };
    } catch (e) {
      return { ok: false, software: false, name: `adapter request failed (${messageOf(e)})` };
    }
  })();
  return probe;
}
