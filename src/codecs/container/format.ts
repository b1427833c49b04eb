// The RD Lab learned-codec file (".rdlb"): header + entropy-coded streams + CRC-32.
// Byte layout and rules: docs/container-format.md. All integers little-endian.
//
// The reader checks, in this order, before it allocates anything proportional to a field's value:
// size ≥ minimum → magic → version/flags → declared file length = actual → CRC-32 → every field's range while
// parsing (model id, rate, image size, tensor count, shapes, stream counts, total elements ≤ the caller's limit)
// → header end and stream lengths add up to the file → model id / weights hash → (optional) expected shapes.
// Every failure is a ContainerError naming the field, what was expected and what was found.

import { crc32 } from './crc32';
import { ContainerError } from './errors';

export const MAGIC = 'RDLB';
export const FORMAT_VERSION = 1;
/** Bytes before the model id: magic, version, flags, file length, model-id length. */
export const FIXED_PREFIX = 13;
export const HASH_BYTES = 32;
export const MAX_MODEL_ID = 64;
export const MAX_IMAGE_SIDE = 16384;
export const MAX_TENSORS = 8;
export const MAX_CHANNELS = 4096;
export const MAX_LATENT_SIDE = 16384;
export const MAX_STREAMS_PER_TENSOR = 4096;
/** Default limit on the latent elements of one file (all tensors): 2^28 symbols = 1 GiB as Int32. */
export const DEFAULT_MAX_ELEMENTS = 2 ** 28;
/** Smallest possible file: model id of 1 byte, one tensor with one (empty) stream. */
export const MIN_FILE_BYTES = FIXED_PREFIX + 1 + HASH_BYTES + 4 + 2 + 2 + 1 + 8 + 4 + 4;
/** Model ids: 1–64 characters from [A-Za-z0-9._:+/-]. */
const MODEL_ID_RE = /^[A-Za-z0-9._:+/-]{1,64}$/;

export type Shape3 = readonly [channels: number, height: number, width: number];

/** One latent tensor in a file: its padded shape and its streams (as produced by encodeTensor). */
export interface ContainerTensor {
  readonly shape: Shape3;
  /** The tensor's streams, concatenated (a view into the file when read). */
  readonly bytes: Uint8Array;
  readonly streamLengths: readonly number[];
}

export interface ContainerContents {
  /** Model/codec id, e.g. "bmshj2018-hyperprior-mse-q3". */
  readonly modelId: string;
  /** SHA-256 of the model's weights (32 bytes). */
  readonly modelHash: Uint8Array;
  /** Rate/quality parameter (stored as float32, e.g. the quality index or λ). */
  readonly rate: number;
  /** Image size in pixels, before padding. */
  readonly width: number;
  readonly height: number;
  /** The latent tensors in codec order (e.g. [y, z] for a hyperprior). */
  readonly tensors: readonly ContainerTensor[];
}

/** What a file's first bytes say before it is read in full (peekContainer). */
export interface ContainerPeek {
  /** Null when the header is cut short or the size is 0. */
  width: number | null;
  height: number | null;
  /** Absent when the id is cut short or not a legal one. */
  modelId?: string;
  rate?: number;
}

/**
 * The model id, rate and image size from the first bytes of a file that starts with the magic, without the
 * checks readContainer makes (version, length, CRC, shapes…): enough to route a dropped file to its codec and to
 * refuse an oversized image before decoding. Fixed offsets with L = the model-id length: id at 13, rate at 45 + L,
 * width and height at 49 + L and 51 + L.
 */
export function peekContainer(head: Uint8Array): ContainerPeek {
  const none: ContainerPeek = { width: null, height: null };
  const L = head.length > 12 ? head[12] : 0;
  if (L < 1 || L > MAX_MODEL_ID || head.length < 53 + L) return none;
  const modelId = String.fromCharCode(...head.subarray(13, 13 + L));
  if (!MODEL_ID_RE.test(modelId)) return none;
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const [w, h] = [dv.getUint16(49 + L, true), dv.getUint16(51 + L, true)];
  return { ...(w > 0 && h > 0 ? { width: w, height: h } : none), modelId, rate: dv.getFloat32(45 + L, true) };
}

export interface ReadExpectations {
  /** SHA-256 of the weights of the model the caller will decode with (32 bytes). Required. */
  readonly modelHash: Uint8Array;
  /** If given, the file's model id must equal it. */
  readonly modelId?: string;
  /** Upper bound on the summed C·H·W of all tensors (default 2^28). */
  readonly maxElements?: number;
  /** If given, called with the image size; the file's shapes must equal its result. */
  readonly shapes?: (width: number, height: number) => readonly Shape3[];
}

export interface ReadResult extends ContainerContents {
  readonly version: number;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

// ───────────────────────────── writing ─────────────────────────────

function argError(field: string, expected: string, actual: unknown): never {
  throw new ContainerError('invalid-argument', field, expected, String(actual));
}

function checkInt(field: string, v: number, lo: number, hi: number): void {
  if (!Number.isInteger(v) || v < lo || v > hi) argError(field, `an integer in [${lo}, ${hi}]`, v);
}

/** Serializes a container. Throws ContainerError('invalid-argument') for anything the reader would refuse. */
export function writeContainer(c: ContainerContents): Uint8Array {
  if (typeof c.modelId !== 'string' || !MODEL_ID_RE.test(c.modelId)) {
    argError('modelId', '1–64 characters from [A-Za-z0-9._:+/-]', JSON.stringify(c.modelId));
  }
  if (!(c.modelHash instanceof Uint8Array) || c.modelHash.length !== HASH_BYTES) {
    argError('modelHash', '32 bytes (SHA-256)', c.modelHash?.length ?? c.modelHash);
  }
  if (!Number.isFinite(Math.fround(c.rate))) argError('rate', 'a finite float32', c.rate);
  checkInt('width', c.width, 1, MAX_IMAGE_SIDE);
  checkInt('height', c.height, 1, MAX_IMAGE_SIDE);
  checkInt('tensorCount', c.tensors.length, 1, MAX_TENSORS);
  let headerBytes = FIXED_PREFIX + c.modelId.length + HASH_BYTES + 4 + 2 + 2 + 1;
  let payloadBytes = 0;
  c.tensors.forEach((t, i) => {
    const [C, H, W] = t.shape;
    checkInt(`tensors[${i}].channels`, C, 1, MAX_CHANNELS);
    checkInt(`tensors[${i}].height`, H, 1, MAX_LATENT_SIDE);
    checkInt(`tensors[${i}].width`, W, 1, MAX_LATENT_SIDE);
    checkInt(`tensors[${i}].streamCount`, t.streamLengths.length, 1, Math.min(MAX_STREAMS_PER_TENSOR, C * H * W));
    let sum = 0;
    t.streamLengths.forEach((len, k) => {
      checkInt(`tensors[${i}].streamLengths[${k}]`, len, 0, 0xffffffff);
      sum += len;
    });
    if (sum !== t.bytes.length) argError(`tensors[${i}].bytes`, `${sum} bytes (the sum of its stream lengths)`, t.bytes.length);
    headerBytes += 8 + 4 * t.streamLengths.length;
    payloadBytes += sum;
  });
  const total = headerBytes + payloadBytes + 4;
  if (total > 0xffffffff) argError('fileLength', 'at most 2^32 − 1 bytes', total);

  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  let p = 0;
  for (let i = 0; i < 4; i++) out[p++] = MAGIC.charCodeAt(i);
  dv.setUint16(p, FORMAT_VERSION, true);
  dv.setUint16(p + 2, 0, true); // flags
  dv.setUint32(p + 4, total, true);
  p += 8;
  out[p++] = c.modelId.length;
  for (let i = 0; i < c.modelId.length; i++) out[p++] = c.modelId.charCodeAt(i);
  out.set(c.modelHash, p);
  p += HASH_BYTES;
  dv.setFloat32(p, c.rate, true);
  dv.setUint16(p + 4, c.width, true);
  dv.setUint16(p + 6, c.height, true);
  out[p + 8] = c.tensors.length;
  p += 9;
  for (const t of c.tensors) {
    dv.setUint16(p, t.shape[0], true);
    dv.setUint16(p + 2, t.shape[1], true);
    dv.setUint16(p + 4, t.shape[2], true);
    dv.setUint16(p + 6, t.streamLengths.length, true);
    p += 8;
    for (const len of t.streamLengths) {
      dv.setUint32(p, len, true);
      p += 4;
    }
  }
  for (const t of c.tensors) {
    out.set(t.bytes, p);
    p += t.bytes.length;
  }
  dv.setUint32(p, crc32(out, 0, p), true);
  return out;
}

// ───────────────────────────── reading ─────────────────────────────

/** Bounds-checked little-endian cursor over the header: every read names its field. */
class Cursor {
  p: number;
  constructor(
    private readonly dv: DataView,
    start: number,
    private readonly end: number,
  ) {
    this.p = start;
  }
  private need(n: number, field: string): void {
    if (this.p + n > this.end) {
      throw new ContainerError('truncated', field, `${n} more header bytes at offset ${this.p}`, `${Math.max(0, this.end - this.p)}`);
    }
  }
  u8(field: string): number {
    this.need(1, field);
    return this.dv.getUint8(this.p++);
  }
  u16(field: string): number {
    this.need(2, field);
    const v = this.dv.getUint16(this.p, true);
    this.p += 2;
    return v;
  }
  u32(field: string): number {
    this.need(4, field);
    const v = this.dv.getUint32(this.p, true);
    this.p += 4;
    return v;
  }
  f32(field: string): number {
    this.need(4, field);
    const v = this.dv.getFloat32(this.p, true);
    this.p += 4;
    return v;
  }
  bytes(n: number, field: string): Uint8Array {
    this.need(n, field);
    const b = new Uint8Array(this.dv.buffer, this.dv.byteOffset + this.p, n);
    this.p += n;
    return b;
  }
}

function range(field: string, v: number, lo: number, hi: number): number {
  if (!(v >= lo && v <= hi)) throw new ContainerError('out-of-range', field, `a value in [${lo}, ${hi}]`, String(v));
  return v;
}

/**
 * Parses and validates a container file. The returned tensors' `bytes` are views into `file` (no copy). Throws
 * ContainerError for anything malformed, corrupted, over the limits or made by another model.
 */
export function readContainer(file: Uint8Array, expect: ReadExpectations): ReadResult {
  if (!(file instanceof Uint8Array)) throw new ContainerError('invalid-argument', 'file', 'a Uint8Array', typeof file);
  if (!(expect?.modelHash instanceof Uint8Array) || expect.modelHash.length !== HASH_BYTES) {
    throw new ContainerError('invalid-argument', 'expect.modelHash', '32 bytes (SHA-256 of the weights)', String(expect?.modelHash?.length));
  }
  const maxElements = expect.maxElements ?? DEFAULT_MAX_ELEMENTS;
  const n = file.length;
  if (n < 4) throw new ContainerError('truncated', 'magic', '4 bytes "RDLB"', `a file of ${n} bytes`);
  const magic = String.fromCharCode(file[0], file[1], file[2], file[3]);
  if (magic !== MAGIC) {
    throw new ContainerError('bad-magic', 'magic', '"RDLB" (52 44 4c 42)', hex(file.subarray(0, 4)), 'not an RD Lab learned-codec file');
  }
  if (n < 12) throw new ContainerError('truncated', 'fileLength', `at least ${MIN_FILE_BYTES} bytes`, `${n}`);
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const version = dv.getUint16(4, true);
  if (version !== FORMAT_VERSION) {
    throw new ContainerError('unsupported-version', 'version', String(FORMAT_VERSION), String(version));
  }
  const flags = dv.getUint16(6, true);
  if (flags !== 0) throw new ContainerError('unsupported-version', 'flags', '0 (no optional features in version 1)', `0x${flags.toString(16)}`);
  const declared = dv.getUint32(8, true);
  if (declared !== n) {
    throw new ContainerError(
      declared > n ? 'truncated' : 'length-mismatch',
      'fileLength',
      `${declared} bytes (as declared in the header)`,
      `${n}`,
      declared > n ? 'the file is truncated' : 'extra bytes after the file',
    );
  }
  if (n < MIN_FILE_BYTES) throw new ContainerError('out-of-range', 'fileLength', `at least ${MIN_FILE_BYTES} bytes`, `${n}`);
  const stored = dv.getUint32(n - 4, true);
  const computed = crc32(file, 0, n - 4);
  if (stored !== computed) {
    throw new ContainerError(
      'crc-mismatch',
      'crc32',
      `0x${computed.toString(16).padStart(8, '0')} (computed over bytes 0 … ${n - 5})`,
      `0x${stored.toString(16).padStart(8, '0')}`,
      'the file is corrupted',
    );
  }

  // Everything below is CRC-valid: range errors now mean a buggy or hostile writer, not transmission damage.
  const cur = new Cursor(dv, 12, n - 4);
  const idLen = range('modelIdLength', cur.u8('modelIdLength'), 1, MAX_MODEL_ID);
  const idBytes = cur.bytes(idLen, 'modelId');
  const modelId = String.fromCharCode(...idBytes);
  if (!MODEL_ID_RE.test(modelId)) {
    throw new ContainerError('out-of-range', 'modelId', '1–64 characters from [A-Za-z0-9._:+/-]', JSON.stringify(modelId));
  }
  const modelHash = cur.bytes(HASH_BYTES, 'modelHash');
  const rate = cur.f32('rate');
  if (!Number.isFinite(rate)) throw new ContainerError('out-of-range', 'rate', 'a finite float32', String(rate));
  const width = range('width', cur.u16('width'), 1, MAX_IMAGE_SIDE);
  const height = range('height', cur.u16('height'), 1, MAX_IMAGE_SIDE);
  const tensorCount = range('tensorCount', cur.u8('tensorCount'), 1, MAX_TENSORS);

  const shapes: Shape3[] = [];
  const lengths: number[][] = [];
  let elements = 0;
  let payload = 0;
  const payloadRoom = n - 4 - cur.p; // an upper bound on the payload, for early length errors
  for (let i = 0; i < tensorCount; i++) {
    const f = `tensors[${i}]`;
    const C = range(`${f}.channels`, cur.u16(`${f}.channels`), 1, MAX_CHANNELS);
    const H = range(`${f}.height`, cur.u16(`${f}.height`), 1, MAX_LATENT_SIDE);
    const W = range(`${f}.width`, cur.u16(`${f}.width`), 1, MAX_LATENT_SIDE);
    elements += C * H * W;
    if (elements > maxElements) {
      throw new ContainerError(
        'out-of-range',
        `${f}.shape`,
        `at most ${maxElements} latent elements in all tensors together`,
        `${elements} after ${C}×${H}×${W}`,
      );
    }
    const K = range(`${f}.streamCount`, cur.u16(`${f}.streamCount`), 1, Math.min(MAX_STREAMS_PER_TENSOR, C * H * W));
    // K·4 bytes must still fit before the CRC: checked before the array is made
    if (cur.p + 4 * K > n - 4) {
      throw new ContainerError('truncated', `${f}.streamLengths`, `${4 * K} bytes for ${K} stream lengths`, `${Math.max(0, n - 4 - cur.p)}`);
    }
    const ls: number[] = [];
    for (let k = 0; k < K; k++) {
      const len = cur.u32(`${f}.streamLengths[${k}]`);
      payload += len;
      if (payload > payloadRoom) {
        throw new ContainerError('length-mismatch', `${f}.streamLengths[${k}]`, `streams that fit in the file (${payloadRoom} bytes at most)`, `${payload} bytes so far`);
      }
      ls.push(len);
    }
    shapes.push([C, H, W]);
    lengths.push(ls);
  }
  const headerEnd = cur.p;
  if (headerEnd + payload + 4 !== n) {
    throw new ContainerError('length-mismatch', 'streamLengths', `${n - 4 - headerEnd} payload bytes (file minus header and CRC)`, `${payload}`);
  }

  if (modelHash.length !== expect.modelHash.length || modelHash.some((b, i) => b !== expect.modelHash[i])) {
    throw new ContainerError('model-mismatch', 'modelHash', hex(expect.modelHash), hex(modelHash), `file made by "${modelId}" with other weights`);
  }
  if (expect.modelId !== undefined && expect.modelId !== modelId) {
    throw new ContainerError('model-mismatch', 'modelId', JSON.stringify(expect.modelId), JSON.stringify(modelId));
  }
  if (expect.shapes) {
    const want = expect.shapes(width, height);
    if (want.length !== shapes.length) {
      throw new ContainerError('shape-mismatch', 'tensorCount', String(want.length), String(shapes.length));
    }
    shapes.forEach((s, i) => {
      const w = want[i];
      if (s[0] !== w[0] || s[1] !== w[1] || s[2] !== w[2]) {
        throw new ContainerError('shape-mismatch', `tensors[${i}].shape`, w.join('×'), s.join('×'), `for a ${width}×${height} image`);
      }
    });
  }

  const tensors: ContainerTensor[] = [];
  let p = headerEnd;
  for (let i = 0; i < tensorCount; i++) {
    const len = lengths[i].reduce((a, b) => a + b, 0);
    tensors.push({ shape: shapes[i], bytes: file.subarray(p, p + len), streamLengths: lengths[i] });
    p += len;
  }
  return { version, modelId, modelHash: modelHash.slice(), rate, width, height, tensors };
}
