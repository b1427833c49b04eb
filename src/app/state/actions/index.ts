// Every action that does work, one module per job (views import from here):
//   encode.ts       one encode through the shared cache and the worker pools; RD points
//   sides.ts        the compare sides (debounce, abort), bits overlay, RD point → side
//   open.ts         opening files and samples, the Resize step
//   sweep.ts        RD sweeps and the codec toggles
//   equalBpp.ts     equal-bpp searches
//   imports.ts      imported RD curves
//   availability.ts which codecs can run here; the WebGPU adapter for the status line
//   urlSync.ts      the address bar follows the state
//   toasts.ts       messages
import { syncUrl } from './urlSync';

export { toast, dismissToast } from './toasts';
export { setSide, cancelSide, toggleBitsOverlay, showPoint } from './sides';
export { openFile, openSample, openSampleById, setResize } from './open';
export { startSweep, cancelSweep, toggleCodec } from './sweep';
export { runEqualBpp, cancelEqualBpp } from './equalBpp';
export { importCurves, removeImported } from './imports';
export { probeCodecs, probeBackend } from './availability';

syncUrl();
