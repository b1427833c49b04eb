import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jpegEnd } from './jpeg';

const samples = join(__dirname, '../../../public/samples');

describe('jpegEnd', () => {
  it.each(['rocket.jpg', 'dandelions.jpg', 'astronaut.jpg'])('%s is complete; cut anywhere after its header it is truncated', (f) => {
    const b = new Uint8Array(readFileSync(join(samples, f)));
    expect(jpegEnd(b)).toBe('complete');
    // Every cut from 1 % to 99.9 % of the file, and one byte short of the end.
    for (const frac of [0.01, 0.1, 0.33, 0.5, 0.9, 0.999]) expect(jpegEnd(b.subarray(0, Math.floor(b.length * frac)))).toBe('truncated');
    expect(jpegEnd(b.subarray(0, b.length - 1))).toBe('truncated');
    // Data after EOI (e.g. an appended video) does not make it incomplete.
    const longer = new Uint8Array(b.length + 1000).fill(0x42);
    longer.set(b);
    expect(jpegEnd(longer)).toBe('complete');
  });

  it('the e2e fixture with an EXIF header is complete; a non-JPEG is malformed', () => {
    expect(jpegEnd(new Uint8Array(readFileSync(join(__dirname, '../../../e2e/fixtures/exif-orientation-6.jpg'))))).toBe('complete');
    expect(jpegEnd(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0]))).toBe('malformed');
    expect(jpegEnd(new Uint8Array([0xff, 0xd8, 0x12, 0x34]))).toBe('malformed');
  });

  it('a minimal hand-made stream: stuffed 0xFF00 and restart markers inside the scan are data, EOI ends it', () => {
    const sos = [0xff, 0xda, 0x00, 0x08, 1, 1, 0, 0, 63, 0];
    const scan = [0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xff, 0xd1, 0x78];
    const f = new Uint8Array([0xff, 0xd8, ...sos, ...scan, 0xff, 0xd9]);
    expect(jpegEnd(f)).toBe('complete');
    expect(jpegEnd(f.subarray(0, f.length - 2))).toBe('truncated');
    expect(jpegEnd(f.subarray(0, 14))).toBe('truncated');
  });
});
