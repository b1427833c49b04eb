// Recognises image files by their first bytes and reads their dimensions (and JPEG EXIF orientation) from the
// header, so that oversized images are refused before anything is decoded. Every read is bounds-checked.
// Besides images: files in a format one of our codecs writes (Codec.fileFormat: the learned codecs' RDLB), which
// that codec decodes; the codecs say how to recognise them and read their headers.
import { CODECS } from '../../codecs/registry';
import type { CodecFileFormat, CodecFileHeader } from '../../codecs/types';

/** The browser's image formats, and 'codec-file': a format of one of our codecs (SniffResult.codecFile says which). */
export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'avif' | 'gif' | 'bmp' | 'jxl' | 'codec-file';

/** The file formats our codecs write, once each (several codecs share a container). */
export function codecFileFormats(): CodecFileFormat[] {
  const out: CodecFileFormat[] = [];
  for (const c of CODECS) if (c.fileFormat && !out.some((f) => f.magic === c.fileFormat!.magic)) out.push(c.fileFormat);
  return out;
}

export interface SniffResult {
  format: ImageFormat;
  /** From the header when it could be read; null when the header is too short or too unusual to parse. */
  width: number | null;
  height: number | null;
  /** JPEG EXIF orientation 1–8 when present. */
  orientation?: number;
  /** A codec's own file: its format and what the header says. */
  codecFile?: { format: CodecFileFormat; header: CodecFileHeader };
}

const ascii = (b: Uint8Array, at: number, n: number) =>
  at + n <= b.length ? String.fromCharCode(...b.subarray(at, at + n)) : '';
const u16be = (b: Uint8Array, at: number) => (at + 2 <= b.length ? (b[at] << 8) | b[at + 1] : -1);
const u32be = (b: Uint8Array, at: number) => (at + 4 <= b.length ? ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0 : -1);
const u16le = (b: Uint8Array, at: number) => (at + 2 <= b.length ? b[at] | (b[at + 1] << 8) : -1);
const u24le = (b: Uint8Array, at: number) => (at + 3 <= b.length ? b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) : -1);
const i32le = (b: Uint8Array, at: number) => (at + 4 <= b.length ? b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24) : 0);

const dims = (w: number, h: number) => (w > 0 && h > 0 ? { width: w, height: h } : { width: null, height: null });

/**
 * Files that are not images RD Lab can open but are recognisable, with what to do instead (instead of a
 * description of their raw bytes): HEIC/HEIF (iPhone photos), SVG (vector), TIFF, PDF, Photoshop.
 */
export function unsupportedKind(b: Uint8Array): { name: string; advice: string } | null {
  if (ascii(b, 4, 4) === 'ftyp') {
    const brands = [ascii(b, 8, 4)];
    const size = u32be(b, 0);
    for (let at = 16; at + 4 <= Math.min(size, b.length, 64); at += 4) brands.push(ascii(b, at, 4));
    if (brands.some((x) => ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1'].includes(x))) {
      return {
        name: 'a HEIC/HEIF photo',
        advice: "This browser's decoders cannot read HEIC. Save it as JPEG or PNG first (on an iPhone: Settings → Camera → Formats → Most Compatible, or share it as JPEG), then open that.",
      };
    }
  }
  const text = new TextDecoder().decode(b.subarray(0, 1024)).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (text.startsWith('<svg') || ((text.startsWith('<?xml') || text.startsWith('<!doctype svg') || text.startsWith('<!--')) && text.includes('<svg'))) {
    return { name: 'an SVG (vector) image', advice: 'Codecs here compress pixels: rasterize it first (export it as PNG at the size you want), then open the PNG.' };
  }
  if ((ascii(b, 0, 2) === 'II' && b[2] === 42 && b[3] === 0) || (ascii(b, 0, 2) === 'MM' && b[2] === 0 && b[3] === 42)) {
    return { name: 'a TIFF image (or a camera raw file)', advice: "This browser's decoders cannot read TIFF or raw files. Convert it to PNG (lossless) first." };
  }
  if (ascii(b, 0, 5) === '%PDF-') return { name: 'a PDF document', advice: 'Export the page or picture you want as PNG first.' };
  if (ascii(b, 0, 4) === '8BPS') return { name: 'a Photoshop document', advice: 'Export it as PNG first.' };
  return null;
}

/** Identifies the format from the first bytes (≥ 32 recommended; 64 KiB lets JPEG dimensions be found). */
export function sniffImage(b: Uint8Array, formats: readonly CodecFileFormat[] = codecFileFormats()): SniffResult | null {
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 3) === 'PNG' && b[4] === 0x0d && b[5] === 0x0a) {
    // IHDR is the first chunk: length(4) "IHDR"(4) width(4) height(4)
    return { format: 'png', ...(ascii(b, 12, 4) === 'IHDR' ? dims(u32be(b, 16), u32be(b, 20)) : dims(-1, -1)) };
  }
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { format: 'jpeg', ...jpegInfo(b) };
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return { format: 'webp', ...webpDims(b) };
  if (ascii(b, 4, 4) === 'ftyp') {
    const size = u32be(b, 0);
    const brands: string[] = [ascii(b, 8, 4)];
    for (let at = 16; at + 4 <= Math.min(size, b.length, 64); at += 4) brands.push(ascii(b, at, 4));
    if (brands.some((x) => x === 'avif' || x === 'avis')) return { format: 'avif', ...avifDims(b) };
    return null;
  }
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return { format: 'gif', ...dims(u16le(b, 6), u16le(b, 8)) };
  if (ascii(b, 0, 2) === 'BM' && b.length >= 26) return { format: 'bmp', ...dims(Math.abs(i32le(b, 18)), Math.abs(i32le(b, 22))) };
  if ((b[0] === 0xff && b[1] === 0x0a) || (u32be(b, 0) === 12 && ascii(b, 4, 4) === 'JXL ')) {
    return { format: 'jxl', width: null, height: null };
  }
  for (const format of formats) {
    if (format.magic.length > 0 && ascii(b, 0, format.magic.length) === format.magic) {
      const header = format.readHeader(b);
      return { format: 'codec-file', width: header.width, height: header.height, codecFile: { format, header } };
    }
  }
  return null;
}

function jpegInfo(b: Uint8Array): { width: number | null; height: number | null; orientation?: number } {
  let at = 2;
  let orientation: number | undefined;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return { ...dims(-1, -1), orientation };
    const marker = b[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    const len = u16be(b, at + 2);
    if (len < 2) return { ...dims(-1, -1), orientation };
    if (marker === 0xe1 && ascii(b, at + 4, 6) === 'Exif\0\0') orientation = exifOrientation(b, at + 10, Math.min(b.length, at + 2 + len));
    // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC)
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { ...dims(u16be(b, at + 7), u16be(b, at + 5)), orientation };
    }
    at += 2 + len;
  }
  return { ...dims(-1, -1), orientation };
}

/** Orientation tag (0x0112) of IFD0 of a TIFF block in [start, end). */
function exifOrientation(b: Uint8Array, start: number, end: number): number | undefined {
  if (start + 8 > end) return undefined;
  const le = ascii(b, start, 2) === 'II';
  if (!le && ascii(b, start, 2) !== 'MM') return undefined;
  const r16 = (at: number) => (at + 2 <= end ? (le ? b[at] | (b[at + 1] << 8) : (b[at] << 8) | b[at + 1]) : -1);
  const r32 = (at: number) => (at + 4 <= end ? (le ? (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0 : u32be(b, at)) : -1);
  const ifd = r32(start + 4);
  if (ifd < 8) return undefined;
  const n = r16(start + ifd);
  if (n < 0) return undefined;
  for (let i = 0; i < n; i++) {
    const e = start + ifd + 2 + i * 12;
    if (e + 12 > end) return undefined;
    if (r16(e) === 0x0112) {
      const v = r16(e + 8);
      return v >= 1 && v <= 8 ? v : undefined;
    }
  }
  return undefined;
}

function webpDims(b: Uint8Array) {
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ' && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) return dims(u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff);
  if (chunk === 'VP8L' && b[20] === 0x2f && b.length >= 25) {
    const bits = (b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24)) >>> 0;
    return dims((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X') return dims(u24le(b, 24) + 1, u24le(b, 27) + 1);
  return dims(-1, -1);
}

/** Finds the first 'ispe' (image spatial extents) box anywhere in the first bytes (it sits in meta/iprp/ipco). */
function avifDims(b: Uint8Array) {
  for (let at = 4; at + 16 <= b.length; at++) {
    if (b[at] === 0x69 && ascii(b, at, 4) === 'ispe') {
      // box: size(4) 'ispe'(4) version+flags(4) width(4) height(4)
      return dims(u32be(b, at + 8), u32be(b, at + 12));
    }
  }
  return dims(-1, -1);
}

/** A short, printable preview of a file's first bytes, for "this is not an image" messages. */
export function describeBytes(b: Uint8Array): string {
  const head = b.subarray(0, 12);
  const printable = Array.from(head).every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127));
  if (printable && head.length > 0) return `it starts with “${String.fromCharCode(...head).replace(/\s+/g, ' ').trim()}…”`;
  return `it starts with bytes ${Array.from(head.subarray(0, 8), (c) => c.toString(16).padStart(2, '0')).join(' ')}`;
}
