import { useEffect } from 'react';
import { useBackend } from './store';

/** One line saying where learned codecs will run: the WebGPU adapter, or the CPU fallback and why. */
export function BackendStatus() {
  const { backend, probeBackend } = useBackend();
  useEffect(() => {
    void probeBackend();
  }, [probeBackend]);
  let text: string;
  let title = '';
  switch (backend.state) {
    case 'probing':
      text = 'Checking WebGPU…';
      break;
    case 'webgpu':
      text = `WebGPU: ${backend.label}`;
      title = backend.isSoftware
        ? 'A software WebGPU adapter: learned codecs use the faster WebAssembly path on this machine.'
        : 'Learned codecs run on this GPU.';
      break;
    case 'cpu':
      text = 'WebGPU not available — CPU fallback';
      title = backend.reason;
      break;
  }
  return (
    <span className={`backend backend-${backend.state}`} data-testid="status-backend" title={title} role="status">
      {text}
    </span>
  );
}
