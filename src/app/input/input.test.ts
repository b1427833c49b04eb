import { describe, expect, it } from 'vitest';
import { describeBytes, sniffImage, unsupportedKind } from './sniff';
import { loadImageFile } from './loadImage';
import { ImageInputError } from './errors';
import { flattenInPlace, hasTransparency } from './flatten';

function bytes(...parts: (number[] | string)[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'string') for (const ch of p) out.push(ch.charCodeAt(0));
    else out.push(...p);
  }
  return new Uint8Array(out);
}
const be32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];

describe('sniffImage', () => {
  it('PNG: reads IHDR', () => {
    const b = bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a], be32(13), 'IHDR', be32(5000), be32(4000), [8, 6, 0, 0, 0]);
    expect(sniffImage(b)).toEqual({ format: 'png', width: 5000, height: 4000 });
  });
  it('JPEG: walks markers to SOF0, reads EXIF orientation', () => {
    // APP1 Exif, big-endian TIFF, IFD0 with one entry: Orientation (0x0112) SHORT 1 = 6
    const tiff = [...bytes('MM', [0, 42], be32(8)), 0, 1, 0x01, 0x12, 0, 3, ...be32(1), 0, 6, 0, 0, ...be32(0)];
    const app1 = [0xff, 0xe1, 0, 2 + 6 + tiff.length, ...bytes('Exif', [0, 0]), ...tiff];
    const sof = [0xff, 0xc2, 0, 17, 8, 0x01, 0xe0, 0x02, 0x80, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
    const b = new Uint8Array([0xff, 0xd8, ...app1, ...sof, 0xff, 0xda]);
    expect(sniffImage(b)).toEqual({ format: 'jpeg', width: 640, height: 480, orientation: 6 });
  });
  it('JPEG: a header cut short gives the format without dimensions (no throw, no over-read)', () => {
    const b = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a]);
    expect(sniffImage(b)).toEqual({ format: 'jpeg', width: null, height: null, orientation: undefined });
  });
  it('JPEG: a segment length running past the buffer is tolerated', () => {
    const b = new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff, 0x45, 0x78]);
    expect(sniffImage(b)?.width).toBeNull();
  });
  it('WebP: lossy VP8, lossless VP8L and extended VP8X', () => {
    const vp8 = bytes('RIFF', [0, 0, 0, 0], 'WEBP', 'VP8 ', [0, 0, 0, 0], [0, 0, 0], [0x9d, 0x01, 0x2a], [0x00, 0x03, 0x00, 0x02]);
    expect(sniffImage(vp8)).toEqual({ format: 'webp', width: 768, height: 512 });
    const w = 300 - 1;
    const h = 200 - 1;
    const bits = w | (h << 14);
    const vp8l = bytes('RIFF', [0, 0, 0, 0], 'WEBP', 'VP8L', [0, 0, 0, 0], [0x2f], [bits & 255, (bits >> 8) & 255, (bits >> 16) & 255, (bits >>> 24) & 255]);
    expect(sniffImage(vp8l)).toEqual({ format: 'webp', width: 300, height: 200 });
    const vp8x = bytes('RIFF', [0, 0, 0, 0], 'WEBP', 'VP8X', [10, 0, 0, 0], [0x10, 0, 0, 0], [0xff, 0x0f, 0], [0x9f, 0x0f, 0]);
    expect(sniffImage(vp8x)).toEqual({ format: 'webp', width: 4096, height: 4000 });
  });
  it('AVIF: brand in ftyp, size from ispe', () => {
    const b = bytes(be32(28), 'ftyp', 'avif', be32(0), 'avif', 'mif1', 'miaf', be32(20), 'ispe', be32(0), be32(1920), be32(1080));
    expect(sniffImage(b)).toEqual({ format: 'avif', width: 1920, height: 1080 });
    const heic = bytes(be32(24), 'ftyp', 'heic', be32(0), 'mif1', 'heic');
    expect(sniffImage(heic)).toBeNull();
  });
  it('GIF, BMP, JPEG XL', () => {
    expect(sniffImage(bytes('GIF89a', [0x20, 0x03, 0x58, 0x02]))).toEqual({ format: 'gif', width: 800, height: 600 });
    expect(sniffImage(new Uint8Array([0xff, 0x0a, 0, 0]))).toEqual({ format: 'jxl', width: null, height: null });
  });
  it('text and empty input are not images', () => {
    expect(sniffImage(bytes('hello, world\n'))).toBeNull();
    expect(sniffImage(new Uint8Array(0))).toBeNull();
    expect(describeBytes(bytes('hi,\n there'))).toBe('it starts with “hi, there…”');
    expect(describeBytes(new Uint8Array([0, 1, 2, 255]))).toBe('it starts with bytes 00 01 02 ff');
  });
});

describe('flatten', () => {
  it('composites over white with rounding and leaves opaque pixels alone', () => {
    const d = new Uint8ClampedArray([200, 100, 0, 255, 200, 100, 0, 128, 0, 0, 0, 0]);
    expect(hasTransparency(d)).toBe(true);
    flattenInPlace(d);
    // 200·128/255 + 255·127/255 = 100.39 + 127 = 227.39 → 227; 100 → 177.2 → 177; 0 → 127
    expect(Array.from(d)).toEqual([200, 100, 0, 255, 227, 177, 127, 255, 255, 255, 255, 255]);
    expect(hasTransparency(d)).toBe(false);
  });
});

describe('messages by format and size (issue 19)', () => {
  it('HEIC, SVG, TIFF and PDF are named, with what to do', () => {
    const heic = bytes(be32(24), 'ftyp', 'heic', be32(0), 'mif1', 'heic');
    expect(unsupportedKind(heic)?.name).toContain('HEIC');
    expect(unsupportedKind(heic)?.advice).toContain('cannot read HEIC');
    expect(unsupportedKind(bytes('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'))?.advice).toContain('rasterize');
    expect(unsupportedKind(bytes('  <svg width="10"></svg>'))?.name).toContain('SVG');
    expect(unsupportedKind(bytes('II', [42, 0], be32(8)))?.name).toContain('TIFF');
    expect(unsupportedKind(bytes('%PDF-1.7'))?.name).toContain('PDF');
    expect(unsupportedKind(bytes('hello'))).toBeNull();
    expect(unsupportedKind(bytes('<?xml version="1.0"?><html/>'))).toBeNull();
  });

  it('loadImageFile refuses HEIC with its message and a 1×1 PNG as too small, before decoding', async () => {
    const heic = new Blob([bytes(be32(24), 'ftyp', 'heic', be32(0), 'mif1', 'heic', [0, 0, 0, 0]) as Uint8Array<ArrayBuffer>]);
    await expect(loadImageFile(heic, 'IMG_0001.HEIC')).rejects.toMatchObject({ kind: 'unsupported-format', message: expect.stringContaining('“IMG_0001.HEIC” is a HEIC/HEIF photo') });
    const png = (w: number, h: number) => new Blob([bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a], be32(13), 'IHDR', be32(w), be32(h), [8, 2, 0, 0, 0]) as Uint8Array<ArrayBuffer>]);
    const e = await loadImageFile(png(1, 1), 'dot.png').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ImageInputError);
    expect(e).toMatchObject({ kind: 'too-small', message: expect.stringContaining('1×1 pixels: too small') });
    await expect(loadImageFile(png(400, 10), 'strip.png')).rejects.toMatchObject({ kind: 'too-small' });
    // 20000×100 is 2 MP but longer than a side may be (the RDLB container's 16384).
    await expect(loadImageFile(png(20000, 100), 'banner.png')).rejects.toMatchObject({ kind: 'too-large', message: expect.stringContaining('16384 pixels a side') });
  });
});
