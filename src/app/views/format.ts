// Number formatting shared by the views.
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10240 ? 2 : 1)} KiB`;
  return `${(n / 2 ** 20).toFixed(2)} MiB`;
}
export const fmtBpp = (v: number) => v.toFixed(v < 1 ? 3 : 2);
export const fmtDb = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '∞');
export function fmtMs(v: number): string {
  if (v >= 10_000) return `${(v / 1000).toFixed(1)} s`;
  return `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ms`;
}
export const fmtMsssim = (v: number) => v.toFixed(4);
export const fmtSigned = (v: number, digits = 1) => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(digits)}`;

export const CODEC_COLORS: Record<string, string> = {
  jpeg: '#e7b75f',
  webp: '#6fa8ff',
  avif: '#c48cff',
  jxl: '#5ec4a8',
};
const EXTRA = ['#ff8a65', '#9ccc65', '#4dd0e1', '#f06292', '#ba68c8', '#ffd54f'];
const IMPORTED = ['#ef8fa0', '#b0bec5', '#a1887f', '#90caf9', '#ffe082', '#80cbc4'];

export function codecColor(id: string, index = 0): string {
  return CODEC_COLORS[id] ?? EXTRA[index % EXTRA.length];
}
export function importedColor(index: number): string {
  return IMPORTED[index % IMPORTED.length];
}
