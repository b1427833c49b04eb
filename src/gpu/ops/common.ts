// Small helpers shared by the op descriptors.
import { GpuEngineError } from '../errors';
import { grid1d, type GpuEngine } from '../engine';
import type { Tensor } from '../tensor';

/** Workgroups for one thread per element (workgroup size 256), folded into 2-D when needed. */
export function elementGrid(engine: GpuEngine, n: number): [number, number, number] {
  return grid1d(Math.ceil(n / 256), engine.maxGroups);
}

export function checkLength(what: string, a: ArrayLike<number> | undefined, n: number): void {
  if (!a || a.length !== n) throw new GpuEngineError('params', `${what}: expected ${n} values, got ${a ? a.length : 'none'}`);
}

export function checkInt(what: string, v: number, lo: number, hi = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new GpuEngineError('params', `${what} = ${v} (must be an integer in [${lo}, ${hi}])`);
}

export function checkChannels(op: string, x: Tensor, c: number): void {
  if (x.c !== c) throw new GpuEngineError('shape', `${op}: input has ${x.c} channels, layer expects ${c}`);
}

/** Inputs are checked before an op allocates its output, so a failing op leaks nothing. */
export function checkLive(op: string, ...ts: Tensor[]): void {
  for (const t of ts) if (t.released) throw new GpuEngineError('released', `${op}: input tensor was released`);
}

export function checkF32(op: string, x: Tensor): void {
  checkLive(op, x);
  if (x.dtype !== 'f32') throw new GpuEngineError('shape', `${op}: needs an f32 tensor, got ${x.dtype}`);
}

/** Tiles for the GEMM kernels: 64 channels × 64 pixels, or 16 × 256 when there are few output channels. */
export interface GemmTile {
  wgM: number;
  wgN: number;
}
export function gemmTile(mcount: number): GemmTile {
  return mcount <= 16 ? { wgM: 4, wgN: 64 } : { wgM: 16, wgN: 16 };
}
export function gemmPrelude(t: GemmTile): string {
  return `const WG_M: u32 = ${t.wgM}u;\nconst WG_N: u32 = ${t.wgN}u;\n`;
}
/** [x, y, z]: pixel tiles folded over x and z (≤ 65535 each), channel tiles on y. */
export function gemmGrid(engine: GpuEngine, t: GemmTile, mcount: number, npix: number): [number, number, number] {
  const tiles = Math.ceil(npix / (4 * t.wgN));
  const [x, z] = grid1d(tiles, engine.maxGroups);
  return [x, Math.ceil(mcount / (4 * t.wgM)), z];
}
