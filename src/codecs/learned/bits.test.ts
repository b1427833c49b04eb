// Per-element bits against the entropy layer's idealBits, and the bit map's conservation of bits.
import { describe, expect, it } from 'vitest';
import { buildGaussianTables, defaultScaleTable, idealBits, perChannel } from '../entropy';
import { rng } from '../../gpu/testing/compare';
import { bitAllocationMap, elementBits, latentsNote, latentStatistics, spreadBits } from './bits';

describe('elementBits', () => {
  const tables = buildGaussianTables({ scales: defaultScaleTable(), tailMass: 1e-9, precision: 16 });
  it('sums to idealBits, per element and per channel, escapes included', () => {
    const r = rng(7);
    const n = 4 * 5 * 6;
    const sym = new Int32Array(n);
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      idx[i] = Math.floor(r() * 64);
      sym[i] = Math.round((r() - 0.5) * 8 * (1 + idx[i] / 8));
    }
    sym[5] = 100_000; // escapes, both signs
    sym[9] = -70_000;
    idx[5] = idx[9] = 0;
    const a = elementBits(sym, { perElement: idx }, tables);
    const b = idealBits(sym, idx, tables);
    expect(a.total).toBeCloseTo(b.bits, 9);
    expect(a.escapes).toBe(b.escapes);
    expect(a.escapes).toBeGreaterThanOrEqual(2);
    expect(a.bits.reduce((x, y) => x + y, 0)).toBeCloseTo(b.bits, 9);
    const pc = elementBits(sym, { planeSize: 30 }, tables);
    expect(pc.total).toBeCloseTo(idealBits(sym, perChannel(4, 30), tables).bits, 9);
  });
});

describe('bit allocation map', () => {
  it('conserves the bits of every latent position, padding included, and spreads them over their block', () => {
    // 5 × 3 positions of 16 px over a 70 × 40 image: the last column and row are partly, the padding row wholly outside.
    const pos = Float64Array.from({ length: 15 }, (_, i) => i + 1);
    const map = new Float64Array(70 * 40);
    spreadBits(map, 70, 40, pos, 5, 3, 16);
    const total = pos.reduce((a, b) => a + b, 0);
    expect(map.reduce((a, b) => a + b, 0)).toBeCloseTo(total, 9);
    // Interior block (0, 0): 1 bit over 256 pixels.
    expect(map[0]).toBeCloseTo(1 / 256, 12);
    expect(map[15 * 70 + 15]).toBeCloseTo(1 / 256, 12);
    // Block (1, 4) at x 64…69, y 16…31 (6 × 16 pixels) also takes row 2's position below it (y 32…39 is only 8 rows,
    // so row 2 is real; nothing to gather) → its own bits: position 1·5 + 4 = 9 → value 10.
    expect(map[16 * 70 + 64]).toBeCloseTo(10 / (6 * 16), 12);
  });

  it('mean equals total bits / pixels; latent statistics sum per channel', () => {
    const y = { bits: Float64Array.from({ length: 2 * 2 * 3 }, (_, i) => i % 5), total: 0, escapes: 1 };
    y.total = y.bits.reduce((a, b) => a + b, 0);
    const z = { bits: Float64Array.from([7, 9]), total: 16, escapes: 0 };
    const m = bitAllocationMap(40, 20, [
      { name: 'y', channels: 2, height: 2, width: 3, block: 16, bits: y },
      { name: 'z', channels: 2, height: 1, width: 1, block: 64, bits: z },
    ]);
    const mean = m.bitsPerPixel.reduce((a, b) => a + b, 0) / (40 * 20);
    expect(mean).toBeCloseTo((y.total + 16) / 800, 6);
    const s = latentStatistics({ name: 'y', channels: 2, height: 2, width: 3, block: 16, bits: y });
    expect(Array.from(s.channelBits!)).toEqual([0 + 1 + 2 + 3 + 4 + 0, 1 + 2 + 3 + 4 + 0 + 1]);
    expect(s.values!.escapes).toBe(1);
  });
});

describe('latentsNote', () => {
  const l = (name: string, bits: number) => ({ name, channels: 1, height: 1, width: 1, bits });
  it('sums a checkerboard’s two passes into y, gives each pass’s share of y, z as side information', () => {
    expect(latentsNote([l('y anchors', 60_000), l('y non-anchors', 20_000), l('z', 8_000)], 11_050)).toBe(
      'Latents: y 9.8 KiB (anchors 75.0 %, non-anchors 25.0 %), z 1000 B (side information 9.1 %); header 50 B over the ideal code length.',
    );
    expect(latentsNote([l('y', 80_000), l('z', 8_000)], 11_050)).toBe('Latents: y 9.8 KiB, z 1000 B (side information 9.1 %); header 50 B over the ideal code length.');
    expect(latentsNote([l('y', 800)], 110)).toBe('Latent y 100 B; header 10 B over the ideal code length.');
  });
});
