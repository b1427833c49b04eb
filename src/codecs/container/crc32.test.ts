import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mulberry32, randInt } from '../entropy/testing';
import { crc32 } from './crc32';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('crc32', () => {
  it('gives the published check values', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926); // the CRC-32/ISO-HDLC check value
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(ascii('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
    expect(crc32(ascii('xx123456789yy'), 2, 11)).toBe(0xcbf43926);
  });

  it('agrees with zlib on random data', () => {
    const z = (zlib as unknown as { crc32?: (d: Uint8Array) => number }).crc32;
    const rnd = mulberry32(8);
    for (let i = 0; i < 50; i++) {
      const b = Uint8Array.from({ length: randInt(rnd, 0, 5000) }, () => randInt(rnd, 0, 255));
      if (z) expect(crc32(b)).toBe(z(b) >>> 0);
      // a single flipped bit always changes a CRC-32
      if (b.length > 0) {
        const c = b.slice();
        c[randInt(rnd, 0, c.length - 1)] ^= 1 << randInt(rnd, 0, 7);
        expect(crc32(c)).not.toBe(crc32(b));
      }
    }
  });
});
