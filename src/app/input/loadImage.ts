// Opens a dropped/pasted/picked file or a bundled sample as 8-bit RGBA pixels: format check from the first bytes,
// size limit checked on the header before decoding, browser decode with EXIF orientation applied, wasm decode
// as fallback (e.g. JPEG XL), transparency flattened onto white with a note for the visitor. Files in a format one
// of our codecs writes (Codec.fileFormat: the learned codecs' .rdlb) are decoded by the codec that claims them.
import { messageOf } from '../../errors';
import { CODECS } from '../../codecs/registry';
import type { Codec, CodecFileFormat, RgbaImage } from '../../codecs/types';
import { MAX_FILE_BYTES, MAX_PIXELS, MAX_SIDE, MIN_SIDE, megapixels } from '../limits';
import { ImageInputError } from './errors';
import { flattenInPlace, hasTransparency } from './flatten';
import { jpegEnd } from './jpeg';
import { describeBytes, sniffImage, unsupportedKind, type ImageFormat, type SniffResult } from './sniff';

export interface LoadedImage {
  name: string;
  image: RgbaImage;
  /** Size of the file as opened (for the original's bpp). */
  fileBytes: number;
  format: ImageFormat;
  /** For a codec's own file: the format's name ("RD Lab file"); the image is that file decoded. */
  decodedFrom?: string;
  /** Things the visitor should know (flattened alpha, EXIF rotation…). */
  notes: string[];
  /** What the visitor must keep in mind while working on this image (a truncated JPEG, a decoded .rdlb…),
   * shown above the compare view for as long as it is open. */
  notices: Notice[];
}

export interface Notice {
  tone: 'warning' | 'info';
  text: string;
}

/** Decodes a file with one of our codec workers (formats the browser cannot decode). */
export type WasmDecoder = (codecId: string, bytes: Uint8Array) => Promise<RgbaImage>;

const WASM_DECODER: Partial<Record<ImageFormat, string>> = { jxl: 'jxl', avif: 'avif', webp: 'webp', jpeg: 'jpeg' };
const NAMES: Record<Exclude<ImageFormat, 'codec-file'>, string> = { png: 'PNG', jpeg: 'JPEG', webp: 'WebP', avif: 'AVIF', gif: 'GIF', bmp: 'BMP', jxl: 'JPEG XL' };

/**
 * The codec that decodes files of `format` whose header names `writer` (for RDLB: the model id "<codec id>.v<n>",
 * src/codecs/learned/pipeline.ts modelId). A version that codec does not have is refused by its decoder.
 */
export function codecForFile(format: Pick<CodecFileFormat, 'magic'>, writer: string): Codec | undefined {
  return CODECS.find((c) => c.fileFormat?.magic === format.magic && c.fileFormat.decodes(writer));
}

/** A codec's own file (e.g. RDLB): the codec that claims it decodes it in a codec worker; every failure is an
 *  ImageInputError. */
async function decodeCodecFile(file: Blob, name: string, sniff: SniffResult, decode: WasmDecoder | undefined): Promise<{ image: RgbaImage; note: string; format: CodecFileFormat }> {
  const { format, header } = sniff.codecFile!;
  if (header.writer === undefined || !sniff.width || !sniff.height) {
    throw new ImageInputError('corrupt', `“${name}” starts like an ${format.name} (${format.magic}) but its header is cut short or damaged.`);
  }
  const codec = codecForFile(format, header.writer);
  if (!codec) {
    const known = CODECS.filter((c) => c.fileFormat?.magic === format.magic).map((c) => c.id);
    throw new ImageInputError(
      'unsupported-format',
      `“${name}” is an ${format.name} made by ${format.writerNoun} “${header.writer}”, which this RD Lab does not have (it has ${known.join(', ')}).`,
    );
  }
  const { width: w, height: h } = sniff;
  checkLarge(w, h);
  if (codec.maxPixels !== undefined && w * h > codec.maxPixels) {
    throw new ImageInputError('too-large', `“${name}” is ${w}×${h} (${megapixels(w * h)}); ${codec.name} decodes up to ${megapixels(codec.maxPixels)}.`);
  }
  if (!decode) throw new ImageInputError('unsupported-format', `“${name}” is an ${format.name}, but no ${codec.name} decoder is available here.`);
  let image: RgbaImage;
  try {
    image = await decode(codec.id, new Uint8Array(await file.arrayBuffer()));
  } catch (e) {
    throw new ImageInputError('corrupt', `“${name}” is an ${format.name} (${codec.id}) but could not be decoded: ${messageOf(e)}`);
  }
  if (image.width !== w || image.height !== h) {
    throw new ImageInputError('corrupt', `“${name}” says ${w}×${h} but decoded to ${image.width}×${image.height}.`);
  }
  return { image, format, note: `Decoded from an ${format.name} (${[codec.id, header.setting].filter(Boolean).join(', ')}).` };
}

/** Too large in pixels or along a side (checked on the header when it has the size, else after decoding). */
function checkLarge(w: number, h: number): void {
  if (w * h > MAX_PIXELS) throw tooLarge(w, h);
  if (w > MAX_SIDE || h > MAX_SIDE) {
    throw new ImageInputError('too-large', `This image is ${w}×${h}. RD Lab opens images up to ${MAX_SIDE} pixels a side (and ${megapixels(MAX_PIXELS)}). Crop or downscale it and try again.`);
  }
}

function checkSmall(name: string, w: number, h: number): void {
  if (w < MIN_SIDE || h < MIN_SIDE) {
    throw new ImageInputError(
      'too-small',
      `“${name}” is ${w}×${h} pixels: too small to compare. RD Lab needs at least ${MIN_SIDE}×${MIN_SIDE} ` +
        `(the window of MS-SSIM, one of its two quality metrics). Enlarge it or pick a larger image.`,
    );
  }
}

function tooLarge(w: number, h: number): ImageInputError {
  return new ImageInputError(
    'too-large',
    `This image is ${w}×${h} (${megapixels(w * h)}). RD Lab opens images up to ${megapixels(MAX_PIXELS)} ` +
      `(e.g. 4096×4096), because each codec worker keeps its own copy of the pixels. Downscale it and try again.`,
  );
}

async function browserDecode(blob: Blob): Promise<RgbaImage> {
  const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image', premultiplyAlpha: 'none' });
  try {
    const { width, height } = bitmap;
    checkLarge(width, height);
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new ImageInputError('corrupt', 'The browser could not create a canvas to read the pixels.');
    ctx.drawImage(bitmap, 0, 0);
    const id = ctx.getImageData(0, 0, width, height);
    return { width, height, data: id.data };
  } finally {
    bitmap.close();
  }
}

/** An ordinary image: the browser's decoder (EXIF orientation applied), else one of our wasm decoders. */
async function decodePicture(file: Blob, name: string, sniff: SniffResult, wasmDecode: WasmDecoder | undefined): Promise<RgbaImage> {
  let image: RgbaImage;
  try {
    image = await browserDecode(file);
  } catch (e) {
    if (e instanceof ImageInputError) throw e;
    const codecId = WASM_DECODER[sniff.format];
    const what = sniff.format === 'codec-file' ? sniff.codecFile!.format.name : NAMES[sniff.format];
    if (!codecId || !wasmDecode) {
      throw new ImageInputError('corrupt', `“${name}” looks like a ${what} file but could not be decoded; it may be truncated or damaged.`);
    }
    try {
      image = await wasmDecode(codecId, new Uint8Array(await file.arrayBuffer()));
    } catch {
      throw new ImageInputError('corrupt', `“${name}” looks like a ${what} file but could not be decoded; it may be truncated or damaged.`);
    }
    checkLarge(image.width, image.height);
  }
  return image;
}

export async function loadImageFile(file: Blob, name: string, wasmDecode?: WasmDecoder): Promise<LoadedImage> {
  if (file.size === 0) throw new ImageInputError('empty', `“${name}” is empty (0 bytes).`);
  if (file.size > MAX_FILE_BYTES) {
    throw new ImageInputError('too-large', `“${name}” is ${(file.size / 2 ** 20).toFixed(0)} MiB; RD Lab reads files up to ${MAX_FILE_BYTES / 2 ** 20} MiB.`);
  }
  let head: Uint8Array;
  try {
    head = new Uint8Array(await file.slice(0, 65536).arrayBuffer());
  } catch (e) {
    throw new ImageInputError('read-failed', `“${name}” could not be read: ${messageOf(e)}`);
  }
  const sniff = sniffImage(head);
  if (!sniff) {
    const known = unsupportedKind(head);
    if (known) throw new ImageInputError('unsupported-format', `“${name}” is ${known.name}. ${known.advice}`);
    throw new ImageInputError(
      'not-an-image',
      `“${name}” is not an image RD Lab can open (${describeBytes(head)}). Use a PNG, JPEG, WebP, AVIF or JPEG XL file, or an RD Lab .rdlb file.`,
    );
  }
  if (sniff.width && sniff.height) checkLarge(sniff.width, sniff.height);
  if (sniff.width && sniff.height) checkSmall(name, sniff.width, sniff.height);

  const notes: string[] = [];
  const notices: Notice[] = [];
  let image: RgbaImage;
  let decodedFrom: string | undefined;
  if (sniff.codecFile) {
    const r = await decodeCodecFile(file, name, sniff, wasmDecode);
    image = r.image;
    decodedFrom = r.format.name;
    notices.push({
      tone: 'info',
      text:
        `${r.note.replace(/\.$/, '')}: this image is already a lossy decode, and it is now the reference — metrics say how close ` +
        `each codec comes to this decode, not to the photo it was made from. It is not swept automatically; press Sweep to compare anyway.`,
    });
  } else {
    image = await decodePicture(file, name, sniff, wasmDecode);
    if (sniff.format === 'jpeg' && jpegEnd(new Uint8Array(await file.arrayBuffer())) === 'truncated') {
      notices.push({
        tone: 'warning',
        text:
          `“${name}” is truncated: the JPEG data stops before its end-of-image marker, so the lower part of the picture is missing ` +
          `(the browser fills it in, usually grey). Curves, metrics and BD-rates are computed on the image as shown.`,
      });
    }
  }
  checkSmall(name, image.width, image.height);

  if (sniff.orientation && sniff.orientation !== 1) notes.push(`Rotated upright as its EXIF orientation (${sniff.orientation}) asks.`);
  if (hasTransparency(image.data)) {
    flattenInPlace(image.data);
    notes.push('This image has transparency; it was flattened onto white, since codecs are compared on RGB.');
  }
  return { name, image, fileBytes: file.size, format: sniff.format, ...(decodedFrom ? { decodedFrom } : {}), notes, notices };
}
