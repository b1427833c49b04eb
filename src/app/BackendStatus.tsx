import { useEffect } from 'react';
import { probeBackend } from './state/actions';
import { useLab } from './state/lab';

/** One line saying where learned codecs will run: the WebGPU adapter, or the CPU fallback and why. */
export function BackendStatus() {
  const adapter = useLab((s) => s.adapter);
  useEffect(() => {
    void probeBackend();
  }, []);
  let text: string;
  let title = '';
  switch (adapter.state) {
    case 'probing':
      text = 'Checking WebGPU…';
      break;
    case 'webgpu':
      text = `WebGPU: ${adapter.label}`;
      title = adapter.isSoftware
        ? 'A software WebGPU adapter: learned codecs use the faster WebAssembly path on this machine.'
        : 'Learned codecs run on this GPU.';
      break;
    case 'cpu':
      text = 'WebGPU not available — CPU fallback';
      title = adapter.reason;
      break;
  }
  return (
    <span className={`backend backend-${adapter.state}`} data-testid="status-backend" title={title} role="status">
      {text}
    </span>
  );
}
