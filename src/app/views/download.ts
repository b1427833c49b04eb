// Saving files: the encoded bytes as they are, the decoded pixels as PNG (the browser's encoder), text exports.
import type { RgbaImage } from '../../codecs/types';

export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function saveBytes(bytes: Uint8Array, mimeType: string, fileName: string): void {
  saveBlob(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mimeType }), fileName);
}

export function saveText(text: string, mimeType: string, fileName: string): void {
  saveBlob(new Blob([text], { type: mimeType }), fileName);
}

export async function rgbaToPng(image: RgbaImage): Promise<Blob> {
  const canvas = new OffscreenCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('No 2D canvas available.');
  ctx.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}

/** "photo.jpg" → "photo" */
export function baseName(name: string): string {
  const i = name.lastIndexOf('.');
  return (i > 0 ? name.slice(0, i) : name).replace(/[^\w.-]+/g, '_') || 'image';
}

/** Base of download names for an image: "photo", or "photo-800x533" after the Resize step. */
export function sourceBaseName(source: { name: string; image: { width: number; height: number }; resizedFrom: { width: number; height: number } | null }): string {
  return baseName(source.name) + (source.resizedFrom ? `-${source.image.width}x${source.image.height}` : '');
}
