// Opening RD Lab's own files (.rdlb): the header is sniffed (model id, rate, size) before anything is decoded,
// the learned codec named by the model id decodes it, and every wrong or damaged file is a typed
// ImageInputError. The decoder here is the real one (mean-scale model package, onnxruntime wasm in Node).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { crop, loadNodeModel, readImageFile } from '../../cli/node-io';
import { decodeFile, encodeImage } from '../../codecs/learned/pipeline';
import type { RgbaImage } from '../../codecs/types';
import { ImageInputError } from './errors';
import { codecForFile, loadImageFile, type WasmDecoder } from './loadImage';
import { sniffImage } from './sniff';

const RDLB = { magic: 'RDLB' };

const ROOT = join(__dirname, '../../..');
let file: Uint8Array; // mean-scale at t = 0.45 of a 37 × 23 crop
let expected: RgbaImage; // what the decoder makes of it
let decoder: WasmDecoder;
let calls: string[];

beforeAll(async () => {
  const { pkg, backend } = await loadNodeModel(join(ROOT, 'public/models/mean-scale'));
  const image = crop(await readImageFile(join(ROOT, 'public/samples/coffee.png')), 37, 23, 300, 150);
  file = (await encodeImage(pkg, backend, image, 0.45)).bytes;
  expected = (await decodeFile(pkg, backend, file)).image;
  decoder = async (codecId, bytes) => {
    calls.push(codecId);
    if (codecId !== 'mean-scale') throw new Error(`no model ${codecId} in this test`);
    return (await decodeFile(pkg, backend, bytes)).image;
  };
}, 120_000);

/** The file with bytes at `at` replaced (the header is sniffed before the CRC is checked). */
function patched(at: number, bytes: number[]): Uint8Array {
  const f = file.slice();
  f.set(bytes, at);
  return f;
}
const L = 'mean-scale.v2'.length;
const u16 = (v: number) => [v & 255, v >> 8];

async function openError(bytes: Uint8Array, name = 'x.rdlb'): Promise<ImageInputError> {
  calls = [];
  const e = await loadImageFile(new Blob([bytes as Uint8Array<ArrayBuffer>]), name, decoder).then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ImageInputError);
  return e as ImageInputError;
}

describe('RDLB files', () => {
  it('sniffs model id, rate and size from the header (the learned codecs\' file format); a cut header gives no sizes', () => {
    const s = sniffImage(file)!;
    expect(s).toMatchObject({ format: 'codec-file', width: 37, height: 23 });
    expect(s.codecFile!.format).toMatchObject({ name: 'RD Lab file', magic: 'RDLB' });
    expect(s.codecFile!.header).toEqual({ width: 37, height: 23, writer: 'mean-scale.v2', setting: 't=0.45' });
    expect(sniffImage(file.subarray(0, 40))).toMatchObject({ format: 'codec-file', width: null, height: null, codecFile: { header: { width: null, height: null } } });
    expect(sniffImage(new TextEncoder().encode('RDLB'))).toMatchObject({ format: 'codec-file', width: null, height: null });
    expect(sniffImage(patched(12, [0]))?.codecFile?.header.writer).toBeUndefined(); // model-id length 0
    expect(sniffImage(patched(13, [0x20]))?.codecFile?.header.writer).toBeUndefined(); // a space is not a legal id character
  });

  it('maps model ids "<codec>.v<version>" to the codecs that write RDLB files only', () => {
    expect(codecForFile(RDLB, 'mean-scale.v1')?.id).toBe('mean-scale');
    expect(codecForFile(RDLB, 'factorized.v2')?.id).toBe('factorized');
    expect(codecForFile(RDLB, 'hyperprior.v1')?.id).toBe('hyperprior');
    expect(codecForFile(RDLB, 'jpeg.v1')).toBeUndefined();
    expect(codecForFile(RDLB, 'mean-scale')).toBeUndefined();
    expect(codecForFile(RDLB, 'mean-scale.v1x')).toBeUndefined();
    expect(codecForFile(RDLB, 'mbt2018-mean-mse-q3')).toBeUndefined();
    expect(codecForFile({ magic: 'XXXX' }, 'mean-scale.v1')).toBeUndefined();
  });

  it('opens as the decoded image, with a note naming the codec and t', async () => {
    calls = [];
    const r = await loadImageFile(new Blob([file as Uint8Array<ArrayBuffer>]), 'coffee-mean-scale.rdlb', decoder);
    expect(calls).toEqual(['mean-scale']);
    expect(r.format).toBe('codec-file');
    expect(r.decodedFrom).toBe('RD Lab file');
    expect(r.fileBytes).toBe(file.length);
    expect(r.image.width).toBe(37);
    expect(r.image.height).toBe(23);
    expect(r.image.data).toEqual(expected.data);
    expect(r.notes).toEqual([]);
    expect(r.notices).toEqual([{ tone: 'info', text: expect.stringMatching(/^Decoded from an RD Lab file \(mean-scale, t=0\.45\): this image is already a lossy decode, and it is now the reference/) }]);
  });

  it('refuses unknown models, cut headers and oversized images before decoding', async () => {
    let e = await openError(patched(13 + 'mean-sca'.length, [...'lf'].map((c) => c.charCodeAt(0))));
    expect(e.kind).toBe('unsupported-format');
    expect(e.message).toContain('made by the model “mean-scalf.v2”, which this RD Lab does not have (it has factorized, hyperprior, mean-scale, checkerboard)');
    expect(calls).toEqual([]);

    e = await openError(file.subarray(0, 30));
    expect(e.kind).toBe('corrupt');
    expect(e.message).toContain('header is cut short or damaged');

    e = await openError(patched(49 + L, [...u16(5000), ...u16(4000)]), 'big.rdlb');
    expect(e.kind).toBe('too-large');
    expect(e.message).toContain('5000×4000 (20.0 MP)');
    expect(calls).toEqual([]);
    // 9 MP is within every codec's reach now (the learned codecs run in tiles, issue 19): the decoder is asked,
    // and this file's header was patched, which its CRC says.
    e = await openError(patched(49 + L, [...u16(3000), ...u16(3000)]), 'big.rdlb');
    expect(calls).toEqual(['mean-scale']);
    expect(e.kind).toBe('corrupt');
    expect(e.message).toContain('crc-mismatch');
  });

  it('a damaged payload reaches the decoder and comes back as "corrupt" with its reason', async () => {
    const bad = patched(file.length - 10, [file[file.length - 10] ^ 0x40]);
    const e = await openError(bad, 'damaged.rdlb');
    expect(calls).toEqual(['mean-scale']);
    expect(e.kind).toBe('corrupt');
    expect(e.message).toMatch(/^“damaged\.rdlb” is an RD Lab file \(mean-scale\) but could not be decoded: .*crc-mismatch/);
  });
});
