import { describe, expect, it } from 'vitest';
import { buildGaussianTables, decodeTensor, defaultScaleTable, encodeTensor, perChannel, createTables } from '../entropy';
import { gaussian, mulberry32 } from '../entropy/testing';
import { crc32 } from './crc32';
import {
  ContainerError,
  MIN_FILE_BYTES,
  readContainer,
  writeContainer,
  type ContainerContents,
  type ContainerErrorKind,
  type Shape3,
} from './index';

const HASH = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 255);
const OTHER_HASH = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 12) & 255);

function le(n: number, bytes: number): number[] {
  return Array.from({ length: bytes }, (_, i) => Math.floor(n / 2 ** (8 * i)) & 255);
}

/** A small but real file: y (Gaussian per-element tables) and z (per-channel tables). */
function sampleFile() {
  const scales = defaultScaleTable();
  const gauss = buildGaussianTables({ scales, tailMass: 1e-9, precision: 16 });
  const fact = createTables({ cdf: [0, 1000, 64000, 65000, 65536, 0, 30000, 65536], lengths: [5, 3], offsets: [-1, 0] });
  const rnd = mulberry32(2);
  const yShape: Shape3 = [3, 4, 5];
  const n = 60;
  const yIdx = Uint8Array.from({ length: n }, (_, i) => (i * 7) % 64);
  const y = Int32Array.from({ length: n }, (_, i) => Math.round(scales[yIdx[i]] * gaussian(rnd)));
  const z = Int32Array.from([0, 1, -1, 5, 0, 0, 0, 1]); // 2 channels × 2 × 2
  const zIdx = perChannel(2, 4);
  const yEnc = encodeTensor(y, yIdx, gauss, { streams: 2 });
  const zEnc = encodeTensor(z, zIdx, fact, { streams: 1 });
  const contents: ContainerContents = {
    modelId: 'mbt2018-mean-mse-q3',
    modelHash: HASH,
    rate: 0.0067,
    width: 70,
    height: 50,
    tensors: [
      { shape: yShape, ...yEnc },
      { shape: [2, 2, 2], ...zEnc },
    ],
  };
  return { contents, file: writeContainer(contents), y, yIdx, gauss, z, zIdx, fact };
}

function fixCrc(b: Uint8Array): Uint8Array {
  const v = crc32(b, 0, b.length - 4);
  new DataView(b.buffer, b.byteOffset).setUint32(b.length - 4, v, true);
  return b;
}

/** Copy of `file` with bytes at `offset` replaced (little-endian `value` of `size` bytes) and the CRC repaired. */
function patched(file: Uint8Array, offset: number, value: number, size: number, crc = true): Uint8Array {
  const b = file.slice();
  b.set(le(value, size), offset);
  return crc ? fixCrc(b) : b;
}

function errorOf(fn: () => unknown): ContainerError {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ContainerError)) throw e;
    return e;
  }
  throw new Error('expected a ContainerError');
}

function expectError(fn: () => unknown, kind: ContainerErrorKind, field: string | RegExp): ContainerError {
  const e = errorOf(fn);
  expect(e.kind, e.message).toBe(kind);
  if (typeof field === 'string') expect(e.field, e.message).toBe(field);
  else expect(e.field, e.message).toMatch(field);
  expect(e.message).toContain('expected');
  return e;
}

describe('container: writing and reading', () => {
  it('round-trips header fields and the streams, which decode to the original symbols', () => {
    const s = sampleFile();
    const got = readContainer(s.file, { modelHash: HASH, modelId: 'mbt2018-mean-mse-q3' });
    expect(got.version).toBe(1);
    expect(got.modelId).toBe('mbt2018-mean-mse-q3');
    expect(Array.from(got.modelHash)).toEqual(Array.from(HASH));
    expect(got.rate).toBe(Math.fround(0.0067));
    expect([got.width, got.height]).toEqual([70, 50]);
    expect(got.tensors.map((t) => t.shape)).toEqual([
      [3, 4, 5],
      [2, 2, 2],
    ]);
    expect(decodeTensor(got.tensors[0], s.yIdx, s.gauss, 60)).toEqual(s.y);
    expect(decodeTensor(got.tensors[1], s.zIdx, s.fact, 8)).toEqual(s.z);
  });

  it('lays bytes out as the table in docs/container-format.md says', () => {
    const s = sampleFile();
    const f = s.file;
    const dv = new DataView(f.buffer, f.byteOffset);
    expect(Array.from(f.subarray(0, 4))).toEqual([0x52, 0x44, 0x4c, 0x42]); // "RDLB"
    expect(dv.getUint16(4, true)).toBe(1); // version
    expect(dv.getUint16(6, true)).toBe(0); // flags
    expect(dv.getUint32(8, true)).toBe(f.length); // file length
    expect(f[12]).toBe(19); // model id length
    expect(String.fromCharCode(...f.subarray(13, 32))).toBe('mbt2018-mean-mse-q3');
    expect(Array.from(f.subarray(32, 64))).toEqual(Array.from(HASH));
    expect(dv.getFloat32(64, true)).toBe(Math.fround(0.0067));
    expect([dv.getUint16(68, true), dv.getUint16(70, true), f[72]]).toEqual([70, 50, 2]);
    // tensor 0: C, H, W, K, then K u32 lengths; tensor 1 likewise
    expect([dv.getUint16(73, true), dv.getUint16(75, true), dv.getUint16(77, true), dv.getUint16(79, true)]).toEqual([3, 4, 5, 2]);
    const y0 = dv.getUint32(81, true);
    const y1 = dv.getUint32(85, true);
    expect([y0, y1]).toEqual(s.contents.tensors[0].streamLengths);
    expect([dv.getUint16(89, true), dv.getUint16(91, true), dv.getUint16(93, true), dv.getUint16(95, true)]).toEqual([2, 2, 2, 1]);
    const z0 = dv.getUint32(97, true);
    const headerEnd = 101;
    expect(Array.from(f.subarray(headerEnd, headerEnd + y0 + y1))).toEqual(Array.from(s.contents.tensors[0].bytes));
    expect(headerEnd + y0 + y1 + z0 + 4).toBe(f.length);
    expect(dv.getUint32(f.length - 4, true)).toBe(crc32(f, 0, f.length - 4));
  });

  it('makes the smallest legal file exactly MIN_FILE_BYTES long', () => {
    const f = writeContainer({
      modelId: 'a',
      modelHash: HASH,
      rate: 1,
      width: 1,
      height: 1,
      tensors: [{ shape: [1, 1, 1], bytes: new Uint8Array(0), streamLengths: [0] }],
    });
    expect(f.length).toBe(MIN_FILE_BYTES);
    expect(readContainer(f, { modelHash: HASH }).tensors[0].bytes.length).toBe(0);
  });
});

describe('container: validation (each failure typed, naming its field)', () => {
  const s = sampleFile();
  const f = s.file;
  const read = (b: Uint8Array, extra: object = {}) => () => readContainer(b, { modelHash: HASH, ...extra });

  it('checks magic, version, flags, declared length and CRC first', () => {
    expectError(read(new Uint8Array(0)), 'truncated', 'magic');
    expectError(read(Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0])), 'bad-magic', 'magic');
    expectError(read(f.slice(0, 10)), 'truncated', 'fileLength');
    expectError(read(patched(f, 4, 2, 2)), 'unsupported-version', 'version');
    expectError(read(patched(f, 6, 1, 2)), 'unsupported-version', 'flags');
    const t = expectError(read(f.slice(0, f.length - 1)), 'truncated', 'fileLength');
    expect(t.expected).toContain(String(f.length));
    const longer = new Uint8Array(f.length + 3);
    longer.set(f);
    expectError(read(longer), 'length-mismatch', 'fileLength');
    const flipped = f.slice();
    flipped[110] ^= 4;
    expectError(read(flipped), 'crc-mismatch', 'crc32');
    expectError(read(patched(f, 8, 20, 4)), 'length-mismatch', 'fileLength'); // declares fewer bytes than it has
    expectError(read(patched(f, 8, 1e6, 4)), 'truncated', 'fileLength'); // declares more
  });

  it('checks every header field range (with a valid CRC)', () => {
    expectError(read(patched(f, 12, 0, 1)), 'out-of-range', 'modelIdLength');
    expectError(read(patched(f, 12, 65, 1)), 'out-of-range', 'modelIdLength');
    expectError(read(patched(f, 13, 0x20, 1)), 'out-of-range', 'modelId'); // a space
    expectError(read(patched(f, 64, 0x7fc00000, 4)), 'out-of-range', 'rate'); // NaN
    expectError(read(patched(f, 64, 0x7f800000, 4)), 'out-of-range', 'rate'); // +Inf
    expectError(read(patched(f, 68, 0, 2)), 'out-of-range', 'width');
    expectError(read(patched(f, 68, 16385, 2)), 'out-of-range', 'width');
    expectError(read(patched(f, 70, 65535, 2)), 'out-of-range', 'height');
    expectError(read(patched(f, 72, 0, 1)), 'out-of-range', 'tensorCount');
    expectError(read(patched(f, 72, 9, 1)), 'out-of-range', 'tensorCount');
    expectError(read(patched(f, 73, 0, 2)), 'out-of-range', 'tensors[0].channels');
    expectError(read(patched(f, 73, 4097, 2)), 'out-of-range', 'tensors[0].channels');
    expectError(read(patched(f, 75, 16385, 2)), 'out-of-range', 'tensors[0].height');
    expectError(read(patched(f, 77, 0, 2)), 'out-of-range', 'tensors[0].width');
    expectError(read(patched(f, 79, 0, 2)), 'out-of-range', 'tensors[0].streamCount');
    expectError(read(patched(f, 95, 9, 2)), 'out-of-range', 'tensors[1].streamCount'); // > C·H·W = 8
    expectError(read(patched(f, 79, 60, 2)), 'truncated', 'tensors[0].streamLengths'); // 240 bytes of lengths
    expectError(read(patched(f, 81, 0xffffffff, 4)), 'length-mismatch', 'tensors[0].streamLengths[0]');
    expectError(read(patched(f, 97, 0, 4)), 'length-mismatch', 'streamLengths');
    expectError(read(patched(f, 72, 1, 1)), 'length-mismatch', 'streamLengths'); // tensor 1's header read as payload
  });

  it('enforces the element limit before anything is allocated', () => {
    // 4096 × 16384 × 16384 elements declared in a 150-byte file
    let b = patched(f, 73, 4096, 2);
    b = patched(b, 75, 16384, 2);
    b = patched(b, 77, 16384, 2);
    const e = expectError(read(b), 'out-of-range', 'tensors[0].shape');
    expect(e.expected).toContain(String(2 ** 28));
    expectError(read(f, { maxElements: 60 }), 'out-of-range', 'tensors[1].shape'); // 60 + 8 > 60
    expect(() => readContainer(f, { modelHash: HASH, maxElements: 68 })).not.toThrow();
  });

  it('refuses files of another model and unexpected shapes', () => {
    const e = expectError(() => readContainer(f, { modelHash: OTHER_HASH }), 'model-mismatch', 'modelHash');
    expect(e.message).toContain('mbt2018-mean-mse-q3');
    expectError(read(f, { modelId: 'bmshj2018-factorized' }), 'model-mismatch', 'modelId');
    // what a 192-channel model would expect for a 70×50 image
    const shapes = (w: number, h: number): Shape3[] => [
      [192, Math.ceil(h / 16), Math.ceil(w / 16)],
      [2, 2, 2],
    ];
    expectError(read(f, { shapes }), 'shape-mismatch', 'tensors[0].shape');
    expectError(read(f, { shapes: () => [[3, 4, 5]] }), 'shape-mismatch', 'tensorCount');
    expect(() => readContainer(f, { modelHash: HASH, shapes: () => [[3, 4, 5], [2, 2, 2]] })).not.toThrow();
    expectError(() => readContainer(f, { modelHash: new Uint8Array(31) }), 'invalid-argument', 'expect.modelHash');
  });

  it('refuses to write what it would not read', () => {
    const c = s.contents;
    const bad: [Partial<ContainerContents>, string | RegExp][] = [
      [{ modelId: '' }, 'modelId'],
      [{ modelId: 'a b' }, 'modelId'],
      [{ modelId: 'x'.repeat(65) }, 'modelId'],
      [{ modelHash: new Uint8Array(16) }, 'modelHash'],
      [{ rate: NaN }, 'rate'],
      [{ rate: 1e39 }, 'rate'], // not a finite float32
      [{ width: 0 }, 'width'],
      [{ height: 16385 }, 'height'],
      [{ tensors: [] }, 'tensorCount'],
      [{ tensors: [{ shape: [0, 1, 1], bytes: new Uint8Array(0), streamLengths: [0] }] }, /channels/],
      [{ tensors: [{ shape: [1, 1, 1], bytes: new Uint8Array(0), streamLengths: [0, 0] }] }, /streamCount/],
      [{ tensors: [{ shape: [1, 1, 1], bytes: new Uint8Array(3), streamLengths: [4] }] }, /bytes/],
    ];
    for (const [change, field] of bad) expectError(() => writeContainer({ ...c, ...change }), 'invalid-argument', field);
  });
});
